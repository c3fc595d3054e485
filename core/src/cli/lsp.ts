/** `ebpf lsp`: language server over stdio (being built; see the open issues). */
import type { Command } from './command';

export const lspCommand: Command = {
  name: 'lsp',
  summary: 'language server over stdio',
  usage: 'usage: ebpf lsp --stdio',
  async run(_args, io) {
    io.err('ebpf lsp: not available yet\n');
    return 2;
  },
};
