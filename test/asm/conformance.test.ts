/**
 * What the bpf_conformance suite's assembler accepts beyond the table's own mnemonics: the `swap`
 * spellings of the byte swaps, and the implicit `exit` label (a jump to `exit` that no label
 * defines goes to the first `exit` instruction). Each case is our own program, checked against the
 * same program written with explicit names and labels.
 */
import * as assert from 'assert';
import { MNEMONIC_ALIASES } from '../../core/src/asm/mnemonicParser';
import { asm, hex, sectionBytes } from './util';

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
    for (const [name, aliases] of Object.entries(MNEMONIC_ALIASES)) {
      for (const alias of aliases) {
        it(`${alias} is ${name}`, () => same(`mov %r0, 1\n${alias} %r0\nexit`, `mov %r0, 1\n${name} %r0\nexit`));
      }
    }
    it('an alias alone fixes the dialect', () => same('swap32 r1\nexit', 'bswap32 r1\nexit'));
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
