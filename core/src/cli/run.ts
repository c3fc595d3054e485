/** `ebpf run`: run the first program in the interpreter (being built; see the open issues). */
import type { Command } from './command';

export const runCommand: Command = {
  name: 'run',
  summary: 'run the first program in the interpreter',
  usage: 'usage: ebpf run FILE [--data HEX] [--json]',
  async run(_args, io) {
    io.err('ebpf run: not available yet\n');
    return 2;
  },
};
