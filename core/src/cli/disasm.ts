/** `ebpf disasm`: disassemble an object or raw bytes (being built; see the open issues). */
import type { Command } from './command';

export const disasmCommand: Command = {
  name: 'disasm',
  summary: 'disassemble an object or raw bytes',
  usage: 'usage: ebpf disasm FILE.o|FILE.bin [--dialect llvm|mnemonic]',
  async run(_args, io) {
    io.err('ebpf disasm: not available yet\n');
    return 2;
  },
};
