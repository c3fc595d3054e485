/** `ebpf debug-adapter`: debug adapter (DAP) over stdio (being built; see the open issues). */
import type { Command } from './command';

export const debugAdapterCommand: Command = {
  name: 'debug-adapter',
  summary: 'debug adapter (DAP) over stdio',
  usage: 'usage: ebpf debug-adapter',
  async run(_args, io) {
    io.err('ebpf debug-adapter: not available yet\n');
    return 2;
  },
};
