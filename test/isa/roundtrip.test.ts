/**
 * The ISA round trip, row by row: for every form of the instruction table, instructions with
 * sample operands go encode → decode → print → assemble and must come back as the same bytes, in
 * both dialects. Then the other direction: every opcode byte no form uses, every reserved field
 * and every bad selector value is rejected by `decodeSlot` with the message a user would see.
 */
import * as assert from 'assert';
import { FORMS, type Form } from '../../core/src/isa/table';
import { decodeSlot, encodeProgram, makeInsn, decodeProgram } from '../../core/src/isa/codec';
import { parseTemplate, usedFields } from '../../core/src/isa/template';
import type { Insn } from '../../core/src/isa/insn';
import { printInsn } from '../../core/src/asm/printer';
import { printMnemonic } from '../../core/src/asm/mnemonicPrinter';
import { assemble } from '../../core/src/asm/assembler';

/** A few operand sets per form: ordinary values, negatives, and the extremes of each field. */
function samples(form: Form): Insn[] {
  const ph = new Set(parseTemplate(form.llvm).flatMap((p) => ('ph' in p ? [p.ph] : [])));
  const sets = [
    { dst: 1, src: 2, off: 4, imm: 1, imm64: 0x123456789n },
    { dst: 10, src: 0, off: -8, imm: -1, imm64: 0xffffffffffffffffn },
    { dst: 0, src: 10, off: 32767, imm: 2147483647, imm64: 0x7fffffffffffffffn },
    { dst: 5, src: 9, off: -32768, imm: -2147483648, imm64: 0x8000000000000000n },
  ];
  return sets.map((s) => {
    const fields: { dst?: number; src?: number; off?: number; imm?: number; imm64?: bigint } = {};
    if (ph.has('dst') || ph.has('wdst')) fields.dst = s.dst;
    if (ph.has('src') || ph.has('wsrc')) fields.src = s.src;
    if (ph.has('off') || ph.has('target')) fields.off = s.off;
    if (ph.has('imm') || ph.has('ltarget') || ph.has('ctarget')) fields.imm = s.imm;
    if (ph.has('asdst')) fields.imm = ((s.dst & 0xffff) << 16) | (s.src & 0xffff);
    if (ph.has('imm64')) fields.imm64 = s.imm64;
    if (ph.has('pseudo')) fields.imm64 = BigInt(s.imm >>> 0);
    return makeInsn(form, fields);
  });
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function sameFields(a: Insn, b: Insn): boolean {
  const base = a.dst === b.dst && a.src === b.src && a.off === b.off && a.imm === b.imm && a.kind === b.kind;
  if (a.kind === 'ldImm64' && b.kind === 'ldImm64') return base && a.imm64 === b.imm64;
  return base;
}

/** Assemble one statement and return the bytes of its section, or the first error. */
function asmBytes(line: string): { bytes?: string; error?: string } {
  const r = assemble(`${line}\n`);
  const err = r.diagnostics.find((d) => d.severity === 'error');
  if (err) return { error: `${err.message} (${err.code})` };
  const sec = r.object.sections.find((s) => s.data.length > 0);
  return { bytes: sec ? hex(sec.data) : '' };
}

describe('ISA round trip over every table row', () => {
  it('encode → decode gives back the same form and fields', () => {
    const problems: string[] = [];
    for (const form of FORMS) {
      for (const insn of samples(form)) {
        const bytes = encodeProgram([insn]);
        const d = decodeProgram(bytes);
        const back = d.insns[0];
        if (d.diagnostics.length > 0 || !back || !sameFields(back, insn)) {
          problems.push(`${form.id} ${hex(bytes)}: ${d.diagnostics.map((x) => x.message).join('; ') || 'fields differ'}`);
        }
      }
    }
    assert.deepStrictEqual(problems, []);
  });

  it('every form prints in the LLVM dialect and assembles back to the same bytes', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const form of FORMS) {
      for (const insn of samples(form)) {
        let bytes = hex(encodeProgram([insn]));
        let text = printInsn(insn);
        if (form.id === 'call_local') {
          // LLVM syntax writes a local call only with a label (`call 1` is helper 1): place one `imm` slots away.
          if (insn.imm < -1 || insn.imm > 3) continue;
          const fill = Array.from({ length: Math.max(0, insn.imm) }, () => 'exit');
          text = insn.imm < 0 ? `L: ${printInsn(insn, { pc: 0, labelFor: () => 'L' })}` : [printInsn(insn, { pc: 0, labelFor: () => 'L' }), ...fill, 'L: exit'].join('\n');
          bytes += '9500000000000000'.repeat(insn.imm < 0 ? 0 : insn.imm + 1);
        }
        const got = asmBytes(text);
        checked++;
        if (got.bytes !== bytes) problems.push(`${form.id}: "${text}" → ${got.error ?? got.bytes}, want ${bytes}`);
      }
    }
    assert.ok(checked >= FORMS.length * 4 - 2);
    assert.deepStrictEqual(problems, []);
  });

  it('every form prints in the mnemonic dialect and assembles back to the same bytes', () => {
    const problems: string[] = [];
    for (const form of FORMS) {
      // The mnemonic dialect has no spelling for the kind of a pseudo 64-bit load (only a comment).
      if (form.sem.kind === 'ldImm64' && form.srcSel !== 0) continue;
      for (const insn of samples(form)) {
        const bytes = hex(encodeProgram([insn]));
        const text = printMnemonic(insn);
        const got = asmBytes(text);
        if (got.bytes !== bytes) problems.push(`${form.id}: "${text}" → ${got.error ?? got.bytes}, want ${bytes}`);
      }
    }
    assert.deepStrictEqual(problems, []);
  });
});

describe('decodeSlot rejects what no form encodes', () => {
  const used = new Set(FORMS.map((f) => f.opcode));

  it('every unused opcode byte is an unknown opcode', () => {
    let count = 0;
    for (let opcode = 0; opcode < 256; opcode++) {
      if (used.has(opcode)) continue;
      count++;
      const r = decodeSlot({ opcode, dst: 1, src: 2, off: 3, imm: 4 });
      assert.ok('error' in r, `opcode 0x${opcode.toString(16)} decoded`);
      assert.strictEqual(r.error, `unknown opcode 0x${opcode.toString(16).padStart(2, '0')}`);
    }
    // 256 opcode bytes minus the distinct ones the table uses; the count guards against a table that grew by accident.
    assert.strictEqual(count, 256 - used.size);
    assert.ok(count > 100, `only ${count} unused opcodes`);
  });

  it('every unused field of every form must be zero', () => {
    const problems: string[] = [];
    for (const form of FORMS) {
      const u = usedFields(form);
      const base = { opcode: form.opcode, dst: 0, src: form.srcSel ?? 0, off: form.offSel ?? 0, imm: form.immSel ?? 0 };
      for (const [field, value] of [['dst', 3], ['src', 3], ['off', 3], ['imm', 3]] as const) {
        if (u[field]) continue;
        const r = decodeSlot({ ...base, [field]: value });
        const want = `reserved field ${field}=${value} must be 0 in ${form.id} (opcode 0x${form.opcode.toString(16).padStart(2, '0')})`;
        if (!('error' in r)) problems.push(`${form.id}: ${field}=${value} accepted as ${r.form.id}`);
        else if (r.error !== want) problems.push(`${form.id}: "${r.error}", want "${want}"`);
      }
    }
    assert.deepStrictEqual(problems, []);
  });

  const cases: { name: string; slot: { opcode: number; dst: number; src: number; off: number; imm: number }; want: string }[] = [
    { name: 'exit with a destination register', slot: { opcode: 0x95, dst: 1, src: 0, off: 0, imm: 0 }, want: 'reserved field dst=1 must be 0 in exit (opcode 0x95)' },
    { name: 'mov immediate with a source register', slot: { opcode: 0xb7, dst: 1, src: 2, off: 0, imm: 5 }, want: 'reserved field src=2 must be 0 in mov64_imm (opcode 0xb7)' },
    { name: 'neg with an immediate', slot: { opcode: 0x87, dst: 1, src: 0, off: 0, imm: 1 }, want: 'reserved field imm=1 must be 0 in neg64 (opcode 0x87)' },
    { name: 'div with off=2', slot: { opcode: 0x3f, dst: 1, src: 2, off: 2, imm: 0 }, want: 'opcode 0x3f with off=2 is not an instruction (off must be one of 0, 1)' },
    { name: 'movsx with off=7', slot: { opcode: 0xbf, dst: 1, src: 2, off: 7, imm: 0 }, want: 'opcode 0xbf with off=7 is not an instruction (off must be one of 0, 8, 16, 32, 1)' },
    { name: 'byte swap of 8 bits', slot: { opcode: 0xd4, dst: 1, src: 0, off: 0, imm: 8 }, want: 'opcode 0xd4 with imm=0x8 is not an instruction (imm must be one of 0x10, 0x20, 0x40)' },
    { name: 'atomic op 0x02', slot: { opcode: 0xdb, dst: 1, src: 2, off: 0, imm: 2 }, want: 'opcode 0xdb with imm=0x2 is not an instruction (imm must be one of 0x100, 0x110, 0x0, 0x1, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1)' },
    { name: 'call with src=3', slot: { opcode: 0x85, dst: 0, src: 3, off: 0, imm: 1 }, want: 'opcode 0x85 with src=3 is not an instruction (src must be one of 0, 1, 2)' },
    { name: 'ld_imm64 with src=7', slot: { opcode: 0x18, dst: 1, src: 7, off: 0, imm: 0 }, want: 'opcode 0x18 with src=7 is not an instruction (src must be one of 0, 1, 2, 3, 4, 5, 6)' },
    { name: 'register r11', slot: { opcode: 0x0f, dst: 11, src: 1, off: 0, imm: 0 }, want: 'invalid register r11 in add64_reg' },
    { name: 'source register r12', slot: { opcode: 0x61, dst: 1, src: 12, off: 0, imm: 0 }, want: 'invalid register r12 in ldxw' },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      const r = decodeSlot(c.slot);
      assert.ok('error' in r, `decoded as ${'form' in r ? r.form.id : ''}`);
      assert.strictEqual(r.error, c.want);
    });
  }

  it('a 64-bit load needs a clean second slot', () => {
    const bytes = new Uint8Array(16);
    bytes[0] = 0x18; bytes[1] = 0x01; bytes[8] = 0x05;
    assert.deepStrictEqual(decodeProgram(bytes).diagnostics, [
      { slot: 1, message: 'invalid second slot of a 64-bit immediate load: opcode, registers and offset must be 0' },
    ]);
    assert.deepStrictEqual(decodeProgram(bytes.subarray(0, 8)).diagnostics, [
      { slot: 0, message: 'truncated 64-bit immediate load: the second slot is missing' },
    ]);
  });
});
