/** `ebpf asm`: assemble to a relocatable ELF object like llvm-mc (being built; see the open issues). */
import type { Command } from './command';

export const asmCommand: Command = {
  name: 'asm',
  summary: 'assemble to a relocatable ELF object like llvm-mc',
  usage: 'usage: ebpf asm FILE [-o OUT.o]',
  async run(_args, io) {
    io.err('ebpf asm: not available yet\n');
    return 2;
  },
};
