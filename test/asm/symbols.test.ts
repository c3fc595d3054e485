/**
 * Absolute symbols (`.set`, `.equ`, `.equiv`), constant expressions in immediates and data,
 * `.rept` / `.endr`, common symbols, and the token list `assemble` hands to the language server.
 * The values were read from llvm-mc-22's output for the same lines; the fixtures `set.s`, `rept.s`
 * and `comm.s` compare whole objects with llvm-mc in objects.test.ts.
 */
import * as assert from 'assert';
import { assemble } from '../../core/src/asm/assembler';
import { lex } from '../../core/src/asm/lexer';
import { SHN_ABS, SHN_COMMON } from '../../core/src/elf/types';
import { asm, hex, sectionBytes } from './util';

interface Row { name: string; have: string; want: string }

function bytesOf(src: string, section = '.text'): string {
  const r = asm(src);
  assert.deepStrictEqual(r.diagnostics.map((d) => `${d.range.line}:${d.range.column}: ${d.message}`), []);
  return hex(sectionBytes(r, section));
}

describe('asm: absolute symbols and expressions', () => {
  const imm: Row[] = [
    { name: '.set in an immediate', have: '.set N, 5\nr0 = N', want: 'b700000005000000' },
    { name: '.equ of an expression of another symbol', have: '.set N, 5\n.equ M, N + 3\nr1 += M', want: '0701000008000000' },
    { name: 'an expression in an immediate', have: '.set N, 5\nw2 = N * 2 - 1', want: 'b402000009000000' },
    { name: 'literals only', have: 'r0 = 5 - 1', want: 'b700000004000000' },
    { name: 'GNU precedence: & binds tighter than +', have: 'r4 = 1 + 6 & 4', want: 'b704000005000000' },
    { name: 'GNU precedence: >> binds tighter than +', have: 'r0 = 8 >> 1 + 1', want: 'b700000005000000' },
    { name: 'parentheses in a definition', have: '.equiv MASK, (1 << 4) - 1\nr0 = MASK', want: 'b70000000f000000' },
    { name: 'a comparison immediate', have: '.set N, 5\nif r1 > N + 1 goto +1', want: '2501010006000000' },
    { name: 'a store immediate', have: '.set N, 5\n*(u32 *)(r10 - 8) = N', want: '620af8ff05000000' },
    { name: 'a 64-bit immediate', have: '.set G, 0x123456789\nr3 = G ll', want: '18030000896745230000000001000000' },
    { name: 'a redefinition applies from there on', have: '.set N, 5\nr0 = N\n.set N, 6\nr0 = N', want: 'b700000005000000b700000006000000' },
    { name: 'a negative value', have: '.set N, -3\nr0 = N', want: 'b7000000fdffffff' },
    { name: 'a difference of labels', have: 'a: exit\nb: exit\n.set D, b - a\nr0 = D', want: '95000000000000009500000000000000b700000008000000' },
    { name: 'the mnemonic dialect', have: '.set N, 7\nmov r0, N\njeq r0, N * 2, +0', want: 'b700000007000000150000000e000000' },
  ];
  for (const r of imm) it(r.name, () => assert.strictEqual(bytesOf(r.have), r.want));

  it('data directives take absolute expressions', () => {
    assert.strictEqual(bytesOf('.set N, 5\n.data\n.byte N, N + 3, -N\n.short (1 << 4) - 1\n.quad N * 2', '.data'),
      '0508fb0f000a00000000000000');
  });

  it('absolute symbols are local ABS symbols in the object, globals when declared so', () => {
    const r = asm('.set N, 5\n.globl G\n.set G, 0x1234\nexit');
    assert.deepStrictEqual(r.object.symbols.map((s) => [s.name, s.value, s.bind, s.specialIndex]),
      [['N', 5, 'local', SHN_ABS], ['G', 0x1234, 'global', SHN_ABS]]);
  });

  it('an alias of a label takes its place, type and size; a later label is fine', () => {
    const r = asm('.set early, f + 8\nf: exit\nexit\n.set A, f\n.type f,@function\n.size f, 16');
    assert.deepStrictEqual(r.diagnostics, []);
    const row = (n: string): unknown[] => { const s = r.object.symbols.find((x) => x.name === n)!; return [s.section, s.value, s.type, s.size]; };
    assert.deepStrictEqual(row('early'), ['.text', 8, 'func', 16]);
    assert.deepStrictEqual(row('A'), ['.text', 0, 'func', 16]);
  });

  it('an alias of an undefined symbol makes references name that symbol', () => {
    const r = asm('.set N, ext\nr1 = N ll\nexit');
    assert.deepStrictEqual(r.diagnostics, []);
    assert.deepStrictEqual(r.object.relocations.map((x) => x.symbol), ['ext']);
    assert.deepStrictEqual(r.object.symbols.map((s) => [s.name, s.bind, s.section]), [['ext', 'global', undefined]]);
  });
});

describe('asm: .rept / .endr', () => {
  it('repeats its body, nested bodies at each repetition', () => {
    assert.strictEqual(bytesOf('.rept 2\nr0 += 1\n.rept 3\nr1 += 2\n.endr\n.endr'),
      ('0700000001000000' + '0701000002000000'.repeat(3)).repeat(2));
  });

  it('takes an absolute expression as the count, and 0 drops the body', () => {
    assert.strictEqual(bytesOf('.set N, 1\n.rept N + 1\nexit\n.endr\n.rept 0\nr0 = 1\n.endr'), '95000000000000009500000000000000');
  });

  it('numeric labels work in each repetition', () => {
    assert.strictEqual(bytesOf('.rept 2\n1: goto 1b\n.endr'), '0500ffff00000000'.repeat(2));
  });

  it('maps every repeated slot to the body line it came from', () => {
    const r = asm('r0 = 0\n.rept 2\nr0 += 1\n.endr\nexit');
    assert.deepStrictEqual(r.lines.get('.text')!.map((l) => l?.line), [1, 3, 3, 5]);
  });

  it('repeats data', () => {
    assert.strictEqual(bytesOf('.data\n.rept 3\n.byte 1, 2\n.endr', '.data'), '010201020102');
  });
});

describe('asm: common symbols', () => {
  it('.comm makes a global common object whose value is its alignment', () => {
    const r = asm('.comm buf, 16, 8\n.comm flag, 1\nr1 = buf ll\nexit');
    assert.deepStrictEqual(r.object.symbols.map((s) => [s.name, s.value, s.size, s.type, s.bind, s.specialIndex]),
      [['buf', 8, 16, 'object', 'global', SHN_COMMON], ['flag', 1, 1, 'object', 'global', SHN_COMMON]]);
    assert.deepStrictEqual(r.object.relocations.map((x) => x.symbol), ['buf']);
  });

  it('.lcomm reserves room in .bss for a local object', () => {
    const r = asm('.lcomm a, 3\n.lcomm b, 5\nexit');
    const bss = r.object.sections.find((s) => s.name === '.bss')!;
    assert.strictEqual(bss.data.length, 8);
    assert.deepStrictEqual(r.object.symbols.map((s) => [s.name, s.section, s.value, s.size, s.bind]),
      [['a', '.bss', 0, 3, 'local'], ['b', '.bss', 3, 5, 'local']]);
  });
});

describe('asm: tokens for the language server', () => {
  const src = '# @map m type=hash key_size=4 value_size=4 max_entries=1\n.rept 2\nr0 += 1 // c\n.endr\n1: goto 1b ; exit';

  it('are the lexer\'s tokens, once each, when asked for', () => {
    const r = assemble(src, { keepTokens: true });
    const want = lex(src).tokens;
    assert.deepStrictEqual(r.tokens!.map((t) => [t.kind, t.text, t.line, t.column]), want.map((t) => [t.kind, t.text, t.line, t.column]));
  });

  it('are not kept by default', () => {
    assert.strictEqual(assemble(src).tokens, undefined);
  });
});
