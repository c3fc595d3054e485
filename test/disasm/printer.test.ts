/**
 * The two instruction printers on hand-picked cases: llvm-objdump's number formats and their
 * decimal variants, labels for jump and call targets, relocation symbols, and the layouts of the
 * mnemonic dialect (written as the bpf_conformance suite writes them). The exhaustive comparison
 * with llvm-objdump is in test/diff.
 */
import * as assert from 'assert';
import { formById } from '../../core/src/isa/table';
import { makeInsn } from '../../core/src/isa/codec';
import type { Insn } from '../../core/src/isa/insn';
import { printInsn } from '../../core/src/asm/printer';
import { printMnemonic } from '../../core/src/asm/mnemonicPrinter';

function insn(id: string, fields: { dst?: number; src?: number; off?: number; imm?: number; imm64?: bigint } = {}): Insn {
  const form = formById(id);
  assert.ok(form, `no form ${id}`);
  return makeInsn(form, fields);
}

describe('LLVM-dialect printer', () => {
  const cases: [Insn, string, string][] = [
    [insn('mov64_imm', { dst: 0, imm: 1 }), 'r0 = 0x1', 'r0 = 1'],
    [insn('add32_imm', { dst: 1, imm: -1 }), 'w1 += -0x1', 'w1 += -1'],
    [insn('mov64_imm', { dst: 3, imm: -2147483648 }), 'r3 = -0x80000000', 'r3 = -2147483648'],
    [insn('ldxw', { dst: 1, src: 2, off: -4 }), 'w1 = *(u32 *)(r2 - 0x4)', 'w1 = *(u32 *)(r2 - 4)'],
    [insn('ldxdw', { dst: 1, src: 2, off: 0 }), 'r1 = *(u64 *)(r2 + 0x0)', 'r1 = *(u64 *)(r2 + 0)'],
    [insn('sth', { dst: 10, off: 32767, imm: -32768 }), '*(u16 *)(r10 + 0x7fff) = -0x8000', '*(u16 *)(r10 + 32767) = -32768'],
    [insn('jgt_imm', { dst: 1, off: 2, imm: 5 }), 'if r1 > 0x5 goto +0x2', 'if r1 > 5 goto +2'],
    [insn('ja', { off: -1 }), 'goto -0x1', 'goto -1'],
    [insn('ja', { off: 0 }), 'goto +0x0', 'goto +0'],
    [insn('gotol', { imm: 5 }), 'gotol +0x5', 'gotol +5'],
    [insn('lddw', { dst: 1, imm64: -1n }), 'r1 = -0x1 ll', 'r1 = -1 ll'],
    [insn('lddw', { dst: 1, imm64: 0x7fffffffffffffffn }), 'r1 = 0x7fffffffffffffff ll', 'r1 = 9223372036854775807 ll'],
    [insn('ld_pseudo_6', { dst: 1, imm64: 0xffffffffn }), 'ld_pseudo\tr1, 0x6, 0xffffffff', 'ld_pseudo\tr1, 6, 4294967295'],
    [insn('call', { imm: 1 }), 'call 0x1', 'call 1'],
    [insn('call_local', { imm: -2 }), 'call -0x2', 'call -2'],
    [insn('callx', { dst: 1 }), 'callx r1', 'callx r1'],
    [insn('addr_space_cast', { dst: 1, src: 2, imm: 0x10000 }), 'r1 = addr_space_cast(r2, 0x1, 0x0)', 'r1 = addr_space_cast(r2, 1, 0)'],
    [insn('atomic_cmpxchg_w', { dst: 1, src: 2, off: 4 }), 'w0 = cmpxchg32_32(r1 + 0x4, w0, w2)', 'w0 = cmpxchg32_32(r1 + 4, w0, w2)'],
    [insn('ldindw', { src: 2 }), 'r0 = *(u32 *)skb[r2]', 'r0 = *(u32 *)skb[r2]'],
    [insn('exit'), 'exit', 'exit'],
  ];
  for (const [i, hex, dec] of cases) {
    it(`prints ${hex}`, () => {
      assert.strictEqual(printInsn(i), hex);
      assert.strictEqual(printInsn(i, { decimal: true }), dec);
    });
  }

  it('prints jump and local-call targets as labels when a resolver names them', () => {
    const labelFor = (slot: number): string | undefined => (slot === 7 ? 'LBB0_7' : undefined);
    assert.strictEqual(printInsn(insn('jeq_reg', { dst: 1, src: 2, off: 2 }), { pc: 4, labelFor }), 'if r1 == r2 goto LBB0_7');
    assert.strictEqual(printInsn(insn('gotol', { imm: 6 }), { pc: 0, labelFor }), 'gotol LBB0_7');
    assert.strictEqual(printInsn(insn('call_local', { imm: 3 }), { pc: 3, labelFor }), 'call LBB0_7');
    assert.strictEqual(printInsn(insn('may_goto', { off: 1 }), { pc: 5, labelFor }), 'may_goto LBB0_7');
    // A target the resolver does not name stays numeric.
    assert.strictEqual(printInsn(insn('ja', { off: 1 }), { pc: 0, labelFor }), 'goto +0x1');
  });

  it('prints relocation symbols with the addend llvm-mc stores', () => {
    assert.strictEqual(printInsn(insn('lddw', { dst: 1 }), { symbol: 'mymap' }), 'r1 = mymap ll');
    assert.strictEqual(printInsn(insn('lddw', { dst: 1, imm64: 8n }), { symbol: 'mymap' }), 'r1 = mymap + 0x8 ll');
    assert.strictEqual(printInsn(insn('lddw', { dst: 1, imm64: 0xfffffff8n }), { symbol: 'mymap' }), 'r1 = mymap - 0x8 ll');
    assert.strictEqual(printInsn(insn('call_local', { imm: -1 }), { symbol: 'bpf_map_lookup_elem' }), 'call bpf_map_lookup_elem');
  });

  it('prints nothing for the second slot of a 64-bit load', () => {
    assert.strictEqual(printInsn({ kind: 'ldImm64Hi', dst: 0, src: 0, off: 0, imm: 0 }), '');
  });
});

describe('mnemonic-dialect printer', () => {
  const cases: [Insn, string][] = [
    [insn('mov64_imm', { dst: 0, imm: 1 }), 'mov r0, 0x1'],
    [insn('mov32_reg', { dst: 0, src: 1 }), 'mov32 r0, r1'],
    [insn('sdiv64_imm', { dst: 2, imm: -3 }), 'sdiv r2, -3'],
    [insn('neg32', { dst: 4 }), 'neg32 r4'],
    [insn('movsx8_64', { dst: 1, src: 2 }), 'movsx864 r1, r2'],
    [insn('movsx16_32', { dst: 1, src: 2 }), 'movsx1632 r1, r2'],
    [insn('be16', { dst: 3 }), 'be16 r3'],
    [insn('bswap64', { dst: 3 }), 'bswap64 r3'],
    [insn('ldxw', { dst: 0, src: 1, off: 4 }), 'ldxw r0, [r1+0x4]'],
    [insn('ldxsb', { dst: 0, src: 10, off: -1 }), 'ldxsb r0, [r10-1]'],
    [insn('ldxdw', { dst: 0, src: 1 }), 'ldxdw r0, [r1]'],
    [insn('stxw', { dst: 10, src: 1, off: -8 }), 'stxw [r10-8], r1'],
    [insn('stw', { dst: 1, off: 2, imm: 7 }), 'stw [r1+0x2], 0x7'],
    [insn('lddw', { dst: 1, imm64: -1n }), 'lddw r1, 0xffffffffffffffff'],
    [insn('ldabsw', { imm: 12 }), 'ldabsw 0xc'],
    [insn('ldindh', { src: 2 }), 'ldindh r2, 0x0'],
    [insn('jeq_imm', { dst: 1, off: 2 }), 'jeq r1, 0x0, +2'],
    [insn('jsgt32_reg', { dst: 1, src: 2, off: -3 }), 'jsgt32 r1, r2, -3'],
    [insn('ja', { off: 5 }), 'ja +5'],
    [insn('gotol', { imm: -5 }), 'ja32 -5'],
    [insn('call', { imm: 5 }), 'call 0x5'],
    [insn('call_local', { imm: 2 }), 'call local +2'],
    [insn('call_kfunc', { imm: 9 }), 'call runtime 0x9'],
    [insn('callx', { dst: 2 }), 'call r2'],
    [insn('exit'), 'exit'],
    [insn('atomic_add_dw', { dst: 10, src: 1, off: -8 }), 'lock add [r10-8], r1'],
    [insn('atomic_fetch_add_w', { dst: 10, src: 1, off: -4 }), 'lock fetch add32 [r10-4], r1'],
    [insn('atomic_xchg_dw', { dst: 10, src: 1, off: -8 }), 'lock xchg [r10-8], r1'],
    [insn('atomic_cmpxchg_w', { dst: 10, src: 1, off: -8 }), 'lock cmpxchg32 [r10-8], r1'],
  ];
  for (const [i, text] of cases) {
    it(`prints ${text}`, () => assert.strictEqual(printMnemonic(i), text));
  }

  it('prints negative numbers in decimal even in hex mode, as the conformance assembler needs', () => {
    assert.strictEqual(printMnemonic(insn('mov32_imm', { dst: 1, imm: -2147483648 })), 'mov32 r1, -2147483648');
    assert.strictEqual(printMnemonic(insn('stdw', { dst: 10, off: -32768, imm: -1 })), 'stdw [r10-32768], -1');
    assert.strictEqual(printMnemonic(insn('jslt_imm', { dst: 1, imm: -5, off: -1 })), 'jslt r1, -5, -1');
  });

  it('prints the bpf_conformance spelling with decimal numbers and % registers', () => {
    const opts = { decimal: true, regPrefix: '%' };
    assert.strictEqual(printMnemonic(insn('atomic_fetch_add_dw', { dst: 10, src: 1, off: -8 }), opts), 'lock fetch add [%r10-8], %r1');
    assert.strictEqual(printMnemonic(insn('ldxsw', { dst: 0, src: 10, off: -4 }), opts), 'ldxsw %r0, [%r10-4]');
    assert.strictEqual(printMnemonic(insn('callx', { dst: 2 }), opts), 'call %r2');
    assert.strictEqual(printMnemonic(insn('mov32_imm', { dst: 0, imm: -1 }), opts), 'mov32 %r0, -1');
  });

  it('prints labels and symbols', () => {
    const labelFor = (slot: number): string | undefined => (slot === 3 ? 'out' : undefined);
    assert.strictEqual(printMnemonic(insn('jne_imm', { dst: 1, imm: 0, off: 2 }), { pc: 0, labelFor }), 'jne r1, 0x0, out');
    assert.strictEqual(printMnemonic(insn('call_local', { imm: 1 }), { pc: 1, labelFor }), 'call local out');
    assert.strictEqual(printMnemonic(insn('lddw', { dst: 1, imm64: 8n }), { symbol: 'mymap' }), 'lddw r1, mymap + 0x8');
  });
});
