/**
 * The mnemonic dialect (ubpf / rbpf / bpf_conformance): each statement must assemble to the same
 * bytes as its LLVM-dialect equivalent. The first block is hand-written; the second writes every
 * table form from its `mnemonic` field with operands laid out by the form's kind.
 */
import * as assert from 'assert';
import { FORMS } from '../../core/src/isa/table';
import { asm, hex, mnemonicSampleOf, sampleOf, sectionBytes } from './util';

const pairs: [string, string][] = [
  ['mov %r0, 1', 'r0 = 1'],
  ['mov r0, 1', 'r0 = 1'],
  ['mov32 r0, 1', 'w0 = 1'],
  ['mov r0, -1', 'r0 = -1'],
  ['add r1, r2', 'r1 += r2'],
  ['add32 %r1, %r2', 'w1 += w2'],
  ['neg r0', 'r0 = -r0'],
  ['neg32 r3', 'w3 = -w3'],
  ['arsh r1, 3', 'r1 s>>= 3'],
  ['ldxw r0, [r1+4]', 'w0 = *(u32 *)(r1 + 4)'],
  ['ldxdw r0, [r1-8]', 'r0 = *(u64 *)(r1 - 8)'],
  ['ldxb r0, [r1]', 'w0 = *(u8 *)(r1 + 0)'],
  ['ldxsw r0, [r1+2]', 'r0 = *(s32 *)(r1 + 2)'],
  ['stxdw [r10-8], r1', '*(u64 *)(r10 - 8) = r1'],
  ['stw [r1+2], 5', '*(u32 *)(r1 + 2) = 5'],
  ['sth [r1], -1', '*(u16 *)(r1 + 0) = -1'],
  ['jeq r1, 0, +2', 'if r1 == 0 goto +2'],
  ['jne r1, r2, -1', 'if r1 != r2 goto -1'],
  ['jsgt32 r1, -3, +0', 'if w1 s> -3 goto +0'],
  ['ja +3', 'goto +3'],
  ['ja32 +3', 'gotol +3'],
  ['lddw r0, 0x1234567890', 'r0 = 0x1234567890 ll'],
  ['lddw r1, mymap', 'r1 = mymap ll'],
  ['ldabsw 4', 'r0 = *(u32 *)skb[4]'],
  ['ldindb r1', 'r0 = *(u8 *)skb[r1]'],
  ['call 1', 'call 1'],
  ['call local f\nf: exit', 'call f\nf: exit'],
  ['exit', 'exit'],
  ['mov r0, 0\ncall bpf_map_lookup_elem', 'r0 = 0\ncall 1'],
  ['lddw r1, map_by_fd(array_map)', 'r1 = array_map ll'],
  ['call local +1\nexit\nexit', 'call f\nexit\nf: exit'],
  ['be16 r0', 'r0 = be16 r0'],
  ['le32 r0', 'r0 = le32 r0'],
  ['bswap64 r0', 'r0 = bswap64 r0'],
  ['lock add [r10-8], r1', 'lock *(u64 *)(r10 - 8) += r1'],
  ['lock add32 [r10-8], r1', 'lock *(u32 *)(r10 - 8) += w1'],
  ['lock fetch add [r1+0], r2', 'r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)'],
  ['lock xchg [r1+0], r2', 'r2 = xchg_64(r1 + 0, r2)'],
  ['lock cmpxchg32 [r1+0], r2', 'w0 = cmpxchg32_32(r1 + 0, w0, w2)'],
  ['may_goto +1', 'may_goto +1'],
  ['start:\nja start', 'start:\ngoto start'],
];

describe('asm: mnemonic dialect', () => {
  for (const [mn, llvm] of pairs) {
    it(`${mn.replace(/\n/g, '; ')} == ${llvm.replace(/\n/g, '; ')}`, () => {
      const a = asm(mn);
      const b = asm(llvm);
      assert.deepStrictEqual(a.diagnostics, []);
      // Statements both dialects share (call N, exit, callx, may_goto) do not decide the dialect.
      const shared = /^(call \d|exit|may_goto)/.test(mn);
      assert.strictEqual(a.dialect, shared ? undefined : 'mnemonic');
      assert.strictEqual(hex(sectionBytes(a)), hex(sectionBytes(b)));
    });
  }

  for (const form of FORMS) {
    const text = mnemonicSampleOf(form);
    if (text === undefined) continue;
    it(`form ${form.id}: ${text.split('\n')[0]}`, () => {
      const a = asm(text);
      assert.deepStrictEqual(a.diagnostics, []);
      const llvm = sampleOf(form);
      const want = asm(form.sem.kind === 'call' && form.srcSel === 1 ? `${llvm.text}\nnext:` : llvm.text);
      assert.strictEqual(hex(sectionBytes(a)), hex(sectionBytes(want)));
    });
  }
});
