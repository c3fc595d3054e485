/**
 * Assembler and disassembler throughput on one generated 100,000-instruction program (the seeded
 * generator of test/gen): text to object with our assembler, bytes to text with the disassembler,
 * and the two halves of the latter (decoding and printing) on their own.
 */
import type { BenchModule } from './harness';
import { randomProgram } from '../test/gen/random';
import { assemble } from '../core/src/asm/assembler';
import { disassemble } from '../core/src/asm/disassembler';
import { decodeProgram } from '../core/src/isa/codec';
import { printInsn } from '../core/src/asm/printer';

const INSNS = 100000;

export const bench: BenchModule = {
  name: 'asm',
  run(h) {
    const p = randomProgram(20260101, { length: INSNS, subprograms: 0, maxJump: 200, section: 'xdp' });
    h.note(`asm: input ${INSNS} insns, ${p.insns.length} slots, ${(p.text.length / 1e6).toFixed(1)} MB of source`);

    // The figure is timed whatever the outcome; a difference from the generator's bytes is worth a note.
    const check = assemble(p.text);
    const errors = check.diagnostics.filter((d) => d.severity === 'error');
    const sec = check.object.sections.find((s) => s.name === 'xdp');
    if (errors.length > 0) h.note(`asm: note: ${errors.length} errors, first: line ${errors[0]!.range.line}: ${errors[0]!.message}`);
    else if (!sec || Buffer.compare(Buffer.from(sec.data), Buffer.from(p.bytes)) !== 0) h.note('asm: note: the assembled bytes differ from the generator\'s');
    h.measure('asm', INSNS, 'insns', () => assemble(p.text));

    h.measure('disasm', INSNS, 'insns', () => disassemble(p.bytes));
    h.measure('decode', INSNS, 'insns', () => decodeProgram(p.bytes));
    const decoded = decodeProgram(p.bytes).insns;
    h.measure('print', INSNS, 'insns', () => {
      let n = 0;
      for (const insn of decoded) if (insn) n += printInsn(insn).length;
      return n;
    });
  },
};
