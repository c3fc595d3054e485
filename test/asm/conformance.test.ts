/**
 * What the bpf_conformance suite's and rbpf's assemblers accept beyond the table's own mnemonics:
 * the other names of `MNEMONIC_ALIASES` (`swap32`, `call helper`, `lock fetch xchg`, `add64`), and
 * the implicit `exit` label (a jump to `exit` that no label defines goes to the first `exit`
 * instruction). Each case is our own program, checked against the same program written with
 * explicit names and labels.
 */
import * as assert from 'assert';
import { MNEMONIC_ALIASES } from '../../core/src/asm/mnemonicParser';
import { FORMS } from '../../core/src/isa/table';
import { asm, hex, mnemonicSampleOf, sectionBytes } from './util';

interface Row { name: string; have: string; want: string }

/** Both texts must assemble without errors to the same `.text` bytes. */
function same(have: string, want: string): void {
  const a = asm(have);
  const b = asm(want);
  assert.deepStrictEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.line}: ${d.message}`), []);
  assert.deepStrictEqual(b.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.line}: ${d.message}`), []);
  assert.strictEqual(hex(sectionBytes(a)), hex(sectionBytes(b)));
}

describe('asm: bpf_conformance compatibility', () => {
  describe('mnemonic aliases', () => {
    // Every form of the table name, written with the alias, must give the form's own bytes.
    for (const form of FORMS) {
      for (const alias of MNEMONIC_ALIASES[form.mnemonic] ?? []) {
        const have = mnemonicSampleOf(form, alias);
        const want = mnemonicSampleOf(form);
        if (have === undefined || want === undefined) continue;
        it(`${form.id}: ${have.split('\n')[0]} is ${want.split('\n')[0]}`, () => same(`mov %r0, 1\n${have}\nexit`, `mov %r0, 1\n${want}\nexit`));
      }
    }
    it('an alias alone fixes the dialect', () => same('swap32 r1\nexit', 'bswap32 r1\nexit'));
    it('rbpf\'s 64 suffix', () => same('add64 r1, 7\nmov64 r2, 0x11\nmov64 r1, r0\nneg64 r2\nexit', 'r1 += 7\nr2 = 0x11\nr1 = r0\nr2 = -r2\nexit'));
    it('the helper call kind, by number, name or register', () => same('call helper 1\ncall helper bpf_trace_printk\ncall helper %r1\nexit', 'call 1\ncall 6\ncallx r1\nexit'));
    it('fetch on an exchange changes nothing', () => same('lock fetch cmpxchg32 [r1+0], r2\nlock fetch xchg [r1+0], r2', 'w0 = cmpxchg32_32(r1 + 0, w0, w2)\nr2 = xchg_64(r1 + 0, r2)'));
  });

  describe('implicit exit label', () => {
    const rows: Row[] = [
      {
        name: 'a forward jump goes to the first exit',
        have: 'mov32 %r0, 0\njne %r0, 0, exit\nmov32 %r0, 1\nexit\nmov32 %r0, 2\nexit',
        want: 'mov32 %r0, 0\njne %r0, 0, done\nmov32 %r0, 1\ndone: exit\nmov32 %r0, 2\nexit',
      },
      {
        name: 'a backward jump goes to the first exit too',
        have: 'ja +1\nexit\nmov %r0, 1\nja exit\nexit',
        want: 'ja +1\ndone: exit\nmov %r0, 1\nja done\nexit',
      },
      {
        name: 'comments and blank lines between statements',
        have: '# result in r0\nmov %r0, 42 # answer\n\n  jeq %r0, 42, exit\n# never\nmov %r0, 0\nexit\n',
        want: 'mov %r0, 42\njeq %r0, 42, +1\nmov %r0, 0\nexit',
      },
      {
        name: 'after a wide load',
        have: 'lddw %r1, 0x100000000\njgt %r1, 0, exit\nmov %r0, 1\nexit',
        want: 'lddw %r1, 0x100000000\njgt %r1, 0, +1\nmov %r0, 1\nexit',
      },
      {
        name: 'a label the file defines wins',
        have: 'jeq %r1, 0, exit\nexit\nexit:\nmov %r0, 1\nexit',
        want: 'jeq %r1, 0, +1\nexit\nmov %r0, 1\nexit',
      },
      {
        name: 'a 32-bit jump',
        have: 'mov %r0, 0\nja32 exit\nmov %r0, 1\nexit',
        want: 'mov %r0, 0\nja32 +1\nmov %r0, 1\nexit',
      },
    ];
    for (const r of rows) it(r.name, () => same(r.have, r.want));

    it('is per section', () => {
      const r = asm('.section a,"ax"\nmov %r0, 0\nexit\n.section b,"ax"\nja exit\nmov %r0, 1\nexit');
      assert.deepStrictEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.strictEqual(hex(sectionBytes(r, 'b')).slice(0, 16), '0500010000000000');
    });

    it('does not name a symbol in the object', () => {
      const r = asm('ja exit\nexit');
      assert.deepStrictEqual(r.object.symbols.map((s) => s.name), []);
      assert.deepStrictEqual(r.object.relocations, []);
    });
  });
});
