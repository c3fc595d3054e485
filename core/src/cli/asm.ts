/**
 * `ebpf asm FILE [-o OUT.o]`: assemble to a relocatable ELF object with the sections, symbols and
 * relocations `llvm-mc -triple bpfel -mcpu=v4 -filetype=obj` writes. Problems are printed as
 * `FILE:LINE:COL: error: MESSAGE` (warnings likewise); any error means exit 2 and no output file.
 */
import * as fs from 'fs';
import type { Command } from './command';
import { assemble } from '../asm/assembler';
import { writeElf } from '../elf/writer';

const USAGE = 'usage: ebpf asm FILE [-o OUT.o]\n\nAssembles FILE (LLVM BPF syntax or the mnemonic dialect) into a relocatable ELF object.\nThe output defaults to FILE with its extension replaced by .o.\n';

export const asmCommand: Command = {
  name: 'asm',
  summary: 'assemble to a relocatable ELF object like llvm-mc',
  usage: USAGE,
  async run(args, io) {
    let input: string | undefined;
    let output: string | undefined;
    for (let k = 0; k < args.length; k++) {
      const a = args[k]!;
      if (a === '-o') {
        output = args[++k];
        if (output === undefined) { io.err(`ebpf asm: -o needs a file name\n${USAGE}`); return 2; }
      } else if (a.startsWith('-o') && a.length > 2) {
        output = a.slice(2);
      } else if (a.startsWith('-') && a !== '-') {
        io.err(`ebpf asm: unknown option '${a}'\n${USAGE}`);
        return 2;
      } else if (input === undefined) {
        input = a;
      } else {
        io.err(`ebpf asm: more than one input file\n${USAGE}`);
        return 2;
      }
    }
    if (input === undefined) { io.err(USAGE); return 2; }
    let text: string;
    try {
      text = fs.readFileSync(input, 'utf8');
    } catch (e) {
      io.err(`ebpf asm: cannot read ${input}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    const result = assemble(text);
    let failed = false;
    for (const d of result.diagnostics) {
      if (d.severity === 'error') failed = true;
      if (d.severity === 'info') continue;
      io.err(`${input}:${d.range.line}:${d.range.column}: ${d.severity}: ${d.message}\n`);
    }
    if (failed) return 2;
    let out = output ?? (/\.[^./\\]*$/.test(input) ? input.replace(/\.[^./\\]*$/, '.o') : `${input}.o`);
    // Never overwrite the source itself (an input that already ends in .o).
    if (output === undefined && out === input) out = `${input}.o`;
    try {
      fs.writeFileSync(out, writeElf(result.object));
    } catch (e) {
      io.err(`ebpf asm: cannot write ${out}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    return 0;
  },
};
