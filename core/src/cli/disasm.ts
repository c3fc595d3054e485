/**
 * `ebpf disasm FILE.o|FILE.bin`: print assembly source for an object file (recognised by the ELF
 * magic) or for raw instruction bytes. The LLVM-dialect output reassembles with llvm-mc (or
 * `ebpf asm`) to the same section bytes and relocations. Problems are printed as
 * `FILE: error: ...` with exit 2 when the file cannot be read or the ELF reader finds it damaged
 * (what could still be read is listed), and `FILE: warning: ...` next to the listing when some bytes
 * could only be shown as data.
 */
import { readFileSync } from 'fs';
import type { Command } from './command';
import { readElf } from '../elf/reader';
import { disassemble, type DisasmOptions } from '../asm/disassembler';

const USAGE = [
  'usage: ebpf disasm FILE.o|FILE.bin [--dialect llvm|mnemonic] [--conformance] [--decimal]',
  '',
  'Disassembles every executable section of an ELF object, or raw instruction bytes.',
  '  --dialect llvm      LLVM BPF syntax that llvm-mc reassembles (default)',
  '  --dialect mnemonic  ubpf / bpf_conformance syntax (mov r0, 0x1)',
  '  --conformance       the mnemonic dialect with %r registers, as the bpf_conformance',
  '                      assembler reads it',
  '  --decimal           print numbers in decimal',
].join('\n');

function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

export const disasmCommand: Command = {
  name: 'disasm',
  summary: 'disassemble an object or raw bytes',
  usage: USAGE,
  async run(args, io) {
    const opts: DisasmOptions = {};
    let file: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--dialect' || a.startsWith('--dialect=')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
        if (v !== 'llvm' && v !== 'mnemonic') {
          io.err(`ebpf disasm: error: --dialect must be llvm or mnemonic${v === undefined ? '' : `, not '${v}'`}\n${USAGE}\n`);
          return 2;
        }
        opts.dialect = v;
      } else if (a === '--decimal') {
        opts.decimal = true;
      } else if (a === '--conformance') {
        opts.dialect = 'mnemonic';
        opts.regPrefix = '%';
      } else if (a.startsWith('-') && a !== '-') {
        io.err(`ebpf disasm: error: unknown option '${a}'\n${USAGE}\n`);
        return 2;
      } else if (file === undefined) {
        file = a;
      } else {
        io.err(`ebpf disasm: error: only one input file is allowed\n${USAGE}\n`);
        return 2;
      }
    }
    if (file === undefined) {
      io.err(`${USAGE}\n`);
      return 2;
    }
    let bytes: Uint8Array;
    try {
      const buf = readFileSync(file);
      bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      const code = (e as { code?: string }).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : e instanceof Error ? e.message : String(e);
      io.err(`${file}: error: cannot read file: ${why}\n`);
      return 2;
    }
    if (bytes.length === 0) {
      io.err(`${file}: error: the file is empty\n`);
      return 2;
    }
    if (isElf(bytes)) {
      const r = readElf(bytes);
      if (!r.object) {
        for (const d of r.diagnostics) io.err(`${file}: error: ${d.message}\n`);
        if (r.diagnostics.length === 0) io.err(`${file}: error: not a readable ELF object\n`);
        return 2;
      }
      // A damaged object still shows what could be read, but the exit status says the input was bad.
      for (const d of r.diagnostics) io.err(`${file}: error: ${d.message}\n`);
      const out = disassemble(r.object, opts);
      for (const d of out.diagnostics) io.err(`${file}: warning: ${d.section ?? ''}+0x${d.offset.toString(16)}: ${d.message}\n`);
      io.out(out.text);
      return r.diagnostics.length > 0 ? 2 : 0;
    }
    const out = disassemble(bytes, opts);
    for (const d of out.diagnostics) io.err(`${file}: warning: offset 0x${d.offset.toString(16)}: ${d.message}\n`);
    io.out(out.text);
    return 0;
  },
};
