/**
 * `ebpf lsp --stdio`: the language server over stdio, for any LSP client. Core must not import the
 * server, so the bundled server (`dist/server.js`, next to `dist/ebpf.js`) is loaded at run time. The
 * command never returns: the server exits the process when the client sends `exit` or closes stdin.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from './command';

export const lspCommand: Command = {
  name: 'lsp',
  summary: 'language server over stdio',
  usage: 'usage: ebpf lsp --stdio\n\nRuns the eBPF language server on stdin/stdout (the Language Server Protocol).',
  async run(args, io) {
    if (!args.includes('--stdio')) {
      io.err('ebpf lsp: only the stdio transport is supported: ebpf lsp --stdio\n');
      return 2;
    }
    const bundle = path.join(__dirname, 'server.js');
    if (!fs.existsSync(bundle)) {
      io.err(`ebpf lsp: the language server bundle ${bundle} is missing (run: node scripts/build.js)\n`);
      return 2;
    }
    // A runtime require of the sibling bundle; esbuild leaves a computed path alone.
    const req: NodeRequire = require;
    const server = req(bundle) as { startServer?: () => void };
    if (typeof server.startServer !== 'function') {
      io.err('ebpf lsp: the server bundle does not export startServer\n');
      return 2;
    }
    server.startServer();
    return new Promise<number>(() => undefined);
  },
};
