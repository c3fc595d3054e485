/**
 * `ebpf debug-adapter`: the debug adapter (DAP) over stdio, for any DAP client. Core does not import
 * the debugger: the adapter is its own bundle (dist/debugAdapter.js, next to dist/ebpf.js), loaded
 * at run time.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from './command';

export const debugAdapterCommand: Command = {
  name: 'debug-adapter',
  summary: 'debug adapter (DAP) over stdio',
  usage: 'usage: ebpf debug-adapter\n\nSpeaks the Debug Adapter Protocol on stdin/stdout; launch arguments: program, section,\nprogramType, data or dataFile (+ packetIndex), stopOnEntry, maxInstructions, ctx, maps.',
  async run(args, io) {
    if (args.length > 0) { io.err(`ebpf debug-adapter: unexpected argument '${args[0]}'\n${this.usage}\n`); return 2; }
    const bundle = path.join(__dirname, 'debugAdapter.js');
    if (!fs.existsSync(bundle)) {
      io.err(`ebpf debug-adapter: ${bundle} is missing (run \`node scripts/build.js\`)\n`);
      return 2;
    }
    const adapter = require(bundle) as { runAdapter(): Promise<void> };
    await adapter.runAdapter();
    return 0;
  },
};
