/**
 * Malformed input: every case names the exact message, line and column the assembler reports (the
 * same as llvm-mc wherever llvm-mc rejects the input too), and the assembler never throws.
 */
import * as assert from 'assert';
import { asm } from './util';
import { writeElf } from '../../core/src/elf/writer';
import { buildModule } from '../../core/src/program/build';

interface Case { name: string; src: string; want: [severity: string, line: number, column: number, message: string][] }

const cases: Case[] = [
  { name: 'offset out of 16 bits', src: 'r1 = *(u32 *)(r2 + 40000)', want: [['error', 1, 18, 'operand is not a 16-bit signed integer']] },
  { name: 'missing offset', src: 'r1 = *(u32 *)(r2)', want: [['error', 1, 17, 'operand is not a 16-bit signed integer']] },
  { name: 'immediate above 32 bits', src: 'r1 += 0x1ffffffff', want: [['warning', 1, 1, 'immediate out of range, shall fit in 32 bits']] },
  { name: 'immediate below -2^31', src: '  r1 = -2147483649', want: [['warning', 1, 3, 'immediate out of range, shall fit in 32 bits']] },
  { name: 'comparison immediate too wide', src: 'if r1 > 0x10000000000 goto +1', want: [['warning', 1, 1, 'immediate out of range, shall fit in 32 bits']] },
  { name: 'unknown mnemonic (LLVM dialect)', src: 'foo r1', want: [['error', 1, 1, 'invalid register/token name']] },
  { name: 'unknown mnemonic after a statement', src: '\tr2 = r1 ; frob r3', want: [['error', 1, 12, 'invalid register/token name']] },
  { name: 'unknown register r12', src: 'r1 = r12', want: [['error', 1, 6, "unknown register 'r12'"]] },
  { name: 'r11 is a warning', src: 'r1 = r11', want: [['warning', 1, 6, 'register r11 is accepted by llvm-mc but rejected by the kernel']] },
  { name: 'w register where r is needed', src: 'r1 = w2', want: [['error', 1, 6, 'invalid operand for instruction']] },
  { name: 'r register where w is needed', src: 'w1 = r2', want: [['error', 1, 6, 'invalid operand for instruction']] },
  { name: 'trailing operator', src: 'r1 = r2 +', want: [['error', 1, 9, 'invalid operand for instruction']] },
  { name: 'trailing operand after a load', src: 'r1 = *(u64 *)(r2 + 1) + 2', want: [['error', 1, 23, 'invalid operand for instruction']] },
  { name: 'operand to exit', src: 'exit 5', want: [['error', 1, 6, 'invalid operand for instruction']] },
  { name: 'number for callx', src: 'callx 5', want: [['error', 1, 7, 'invalid operand for instruction']] },
  { name: 'missing jump target', src: 'if r1 > r2 goto', want: [['error', 1, 1, 'too few operands for instruction']] },
  { name: 'missing call target', src: '  call', want: [['error', 1, 3, 'too few operands for instruction']] },
  { name: 'missing source', src: 'r0 =', want: [['error', 1, 1, 'too few operands for instruction']] },
  { name: 'different registers in byte swap', src: 'r1 = be16 r2', want: [['error', 1, 1, 'additional inst constraint not met']] },
  { name: 'different registers in negation', src: 'w1 = w2 ; exit ; r9 = -r8', want: [['error', 1, 18, 'additional inst constraint not met']] },
  { name: 'jump offset out of range', src: 'goto +40000', want: [['error', 1, 6, 'operand is not an identifier or 16-bit signed integer']] },
  { name: 'undefined label', src: 'if r1 > 5 goto nolabel\nexit', want: [['error', 1, 16, "undefined label 'nolabel'"]] },
  { name: 'jump into another section', src: 'goto x\n.section s2,"ax"\nx: exit', want: [['error', 1, 6, "jump to 'x' in another section"]] },
  { name: 'label jump too far', src: `goto far\n${'r0 = 0\n'.repeat(40000)}far: exit`, want: [['error', 1, 6, "jump to 'far' is out of range: the offset does not fit in 16 bits"]] },
  { name: 'duplicate label', src: 'x:\nx:', want: [['error', 2, 1, "symbol 'x' is already defined"]] },
  { name: '.size of an unknown symbol', src: '.size nosuch, 4', want: [['error', 1, 7, ".size of unknown symbol 'nosuch'"]] },
  { name: '.size that is not absolute', src: '.size f, g - .\nf: exit\n.data\ng: .byte 1', want: [['error', 1, 10, 'expression is not an absolute value']] },
  { name: 'forward label difference in .uleb128', src: '.La:\n.uleb128 .Lb - .La\n.Lb:', want: [['error', 2, 10, 'expression is not an absolute value']] },
  { name: '.popsection without .pushsection', src: '.popsection', want: [['error', 1, 12, '.popsection without corresponding .pushsection']] },
  { name: 'undefined numeric label', src: '1: exit\ngoto 3b', want: [['error', 2, 6, 'directional label undefined']] },
  { name: 'unterminated string', src: 'r1 = "abc', want: [['error', 1, 6, 'unexpected token']] },
  { name: 'unterminated string in .ascii', src: '.data\n.ascii "abc', want: [['error', 2, 8, 'expected string']] },
  { name: 'unterminated comment', src: 'exit\n  /* abc\nexit', want: [['error', 2, 3, 'unterminated comment']] },
  { name: 'unknown directive', src: '.foo 1', want: [['error', 1, 1, 'unknown directive']] },
  { name: 'unknown directive after a label', src: 'x: .word2 1', want: [['error', 1, 4, 'unknown directive']] },
  { name: 'literal too large for .byte', src: '.byte 256', want: [['error', 1, 7, 'out of range literal value']] },
  { name: 'literal too small for .byte', src: '.byte -129', want: [['error', 1, 7, 'out of range literal value']] },
  { name: 'number above 64 bits', src: 'r1 = 99999999999999999999 ll', want: [['error', 1, 6, 'unexpected token']] },
  { name: 'malformed hex literal', src: 'r1 = 0x', want: [['error', 1, 6, 'unexpected token']] },
  { name: '.section without a name', src: '.section', want: [['error', 1, 9, 'expected identifier']] },
  { name: 'changed section flags', src: '.section foo,"ax",@progbits\n.section foo,"aw"', want: [['error', 2, 1, 'changed section flags for foo, expected: 0x6']] },
  { name: 'bad alignment', src: '.p2align 99', want: [['error', 1, 10, 'invalid alignment value']] },
  { name: '.globl without a name', src: '.globl', want: [['error', 1, 7, 'expected identifier']] },
  { name: 'binary junk', src: '\x01\x02\x03', want: [['error', 1, 1, 'invalid character in input']] },
  { name: 'mixing dialects (mnemonic first)', src: 'mov r0, 1\nr0 = 1', want: [['error', 2, 1, 'mixing LLVM and mnemonic syntax in one file is not supported (this file uses the mnemonic dialect since line 1)']] },
  { name: 'mixing dialects (LLVM first)', src: '\n\nr0 = 1\nmov r0, 1', want: [['error', 4, 1, 'mixing LLVM and mnemonic syntax in one file is not supported (this file uses the LLVM dialect since line 3)']] },
  { name: 'mnemonic: offset out of range', src: 'ldxw r0, [r1+70000]', want: [['error', 1, 13, 'operand is not a 16-bit signed integer']] },
  { name: 'mnemonic: missing operand', src: 'jeq r1, 0', want: [['error', 1, 1, 'too few operands for instruction']] },
  { name: 'mnemonic: unknown helper name', src: 'mov r0, 0\ncall bpf_frobnicate', want: [['error', 2, 6, "unknown helper function 'bpf_frobnicate'"]] },
  { name: 'mnemonic: unknown instruction', src: 'mov r0, 1\nfrobnicate r0', want: [['error', 2, 1, "unknown instruction 'frobnicate'"]] },
  { name: '.endr without .rept', src: '.endr', want: [['error', 1, 6, "unmatched '.endr' directive"]] },
  { name: 'negative .rept count', src: '.rept -1\n.endr', want: [['error', 1, 7, 'Count is negative']] },
  { name: '.rept without .endr', src: '.rept 2\nexit', want: [['error', 1, 1, "no matching '.endr' in definition"]] },
  { name: '.rept count that is not absolute', src: '.rept X\n.endr', want: [['error', 1, 7, "unexpected token in '.rept' directive"]] },
  { name: '.rept expanding beyond the limit', src: '.rept 100000\n.rept 100000\nexit\n.endr\n.endr', want: [['error', 2, 1, '.rept expands to more than 4000000 statements']] },
  { name: 'label defined by each repetition', src: '.rept 2\nx: exit\n.endr', want: [['error', 2, 1, "symbol 'x' is already defined"]] },
  { name: 'division by zero in an immediate', src: 'r0 = 1/0', want: [['error', 1, 7, 'expected relocatable expression']] },
  { name: 'division by zero in data', src: '.byte 1 % 0', want: [['error', 1, 9, 'expected relocatable expression']] },
  { name: '.equiv of a defined symbol', src: '.set N, 1\n.equiv N, 7', want: [['error', 2, 11, "redefinition of 'N'"]] },
  { name: '.set of a label', src: 'f: exit\n.set f, 3', want: [['error', 2, 9, "redefinition of 'f'"]] },
  { name: '.set without a value', src: '.set N', want: [['error', 1, 7, 'expected comma']] },
  { name: '.lcomm of a common symbol', src: '.comm c, 4\n.lcomm c, 4', want: [['error', 2, 8, "redefinition of 'c'"]] },
  { name: 'absolute symbol as a memory offset', src: '.set N, 8\nr0 = *(u64 *)(r10 - N)', want: [['error', 2, 19, 'operand is not a 16-bit signed integer']] },
  { name: 'absolute symbol as a jump offset', src: '.set N, 8\ngoto +N', want: [['error', 2, 6, 'operand is not an identifier or 16-bit signed integer']] },
  { name: 'negated absolute symbol as an immediate', src: '.set N, 8\nr0 = -N', want: [['error', 2, 7, 'invalid operand for instruction']] },
  { name: 'implicit exit label only in the mnemonic dialect', src: 'if r1 > 0 goto exit\nexit', want: [['error', 1, 16, "undefined label 'exit'"]] },
  { name: 'mnemonic: jump to exit without any exit', src: 'mov r0, 0\nja exit', want: [['error', 2, 4, "undefined label 'exit'"]] },
  {
    name: 'every error of a file at once, one per statement',
    src: 'r1 = r12 + r13\nexit\nfoo\n.bar\nr0 = 1 ; r0 = w1',
    want: [
      ['error', 1, 6, "unknown register 'r12'"], ['error', 3, 1, 'invalid register/token name'],
      ['error', 4, 1, 'unknown directive'], ['error', 5, 15, 'invalid operand for instruction'],
    ],
  },
];

describe('asm: malformed input', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = asm(c.src);
      const got = r.diagnostics.map((d) => [d.severity, d.range.line, d.range.column, d.message]);
      assert.deepStrictEqual(got, c.want);
      for (const d of r.diagnostics) assert.match(d.code, /^ASM\d{3}$/);
    });
  }

  it('survives random binary junk', () => {
    let seed = 12345;
    const bytes: string[] = [];
    for (let k = 0; k < 200000; k++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; bytes.push(String.fromCharCode(seed & 0xff)); }
    const r = asm(bytes.join(''));
    assert.ok(r.diagnostics.length > 0 && r.diagnostics.length <= 1001);
    assert.ok(r.diagnostics.every((d) => d.range.line >= 1 && d.range.column >= 1));
  });

  it('never throws on random token soup, and what assembles can be written and modelled', () => {
    const words = ['r0', 'r1', 'w2', 'r10', 'r11', '=', '+=', '-', '+', '*', '(', 'u32', 's16', ')', 'if', 'goto', 'gotol',
      'call', 'exit', 'll', 'x', '.Lx', 'y', '1', '0x10', '-5', '99999999999', '\n', ';', ':', ',', '.section', 'xdp',
      '"ax"', '@progbits', '.text', '.data', '.globl', '.weak', '.quad', '.long', '.byte', '.size', '.', '.type',
      '@function', 'lock', '[', ']', 'mov', 'ldxw', 'lddw', 'jeq', '%r1', 'be16', '>', 's>=', '.p2align', '3',
      '.cfi_startproc', '.cfi_endproc', '.pushsection', '.popsection', '1b', '1f', '#', '.uleb128', '"s"', '.bss',
      '.rept', '.endr', '.set', '.equ', 'N', '.comm', '.lcomm', '<<', '/', '&', 'swap16', 'ja', 'jeq',
      '# @map m type=hash key_size=4 value_size=4 max_entries=1\n', 'callx', 'may_goto', '"'];
    let seed = 7;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    for (let it = 0; it < 500; it++) {
      let text = '';
      const n = 5 + rnd(60);
      for (let k = 0; k < n; k++) text += words[rnd(words.length)]! + (rnd(3) ? ' ' : '');
      const r = asm(text);
      if (!r.diagnostics.some((d) => d.severity === 'error')) writeElf(r.object);
      buildModule(r.object, { fileName: 'f.s', lines: r.lines, annotations: { maps: r.annotations.maps, progTypeBySection: r.progTypeBySection } });
    }
  });

  it('handles a 10 MB line', () => {
    const r = asm('a'.repeat(10 * 1024 * 1024));
    assert.deepStrictEqual(r.diagnostics.map((d) => [d.range.line, d.range.column, d.message]), [[1, 1, 'invalid register/token name']]);
  });

  it('caps 100,000 bad lines at 1000 errors plus a summary', () => {
    const r = asm('bogus\n'.repeat(100000));
    assert.strictEqual(r.diagnostics.length, 1001);
    assert.strictEqual(r.diagnostics[1000]!.message, 'too many errors; 99000 more not shown');
  });

  it('reports an error once per statement and resynchronises', () => {
    const r = asm('r1 = = = ; r2 = 1\nr3 = "x');
    assert.deepStrictEqual(r.diagnostics.map((d) => [d.range.line, d.range.column]), [[1, 6], [2, 6]]);
    assert.strictEqual(r.object.sections[0]!.data.length, 8);
  });
});
