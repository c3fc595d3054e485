/**
 * The disassembler on raw instruction bytes: synthesised labels, undecodable slots shown as data
 * with the decoder's message, trailing bytes, broken 64-bit loads, the mnemonic dialect, and a
 * seeded fuzz run showing it never throws and that our assembler reads its output back to the
 * same bytes; and random object models with inconsistent symbols and relocations, which it must
 * survive as well.
 */
import * as assert from 'assert';
import { disassemble } from '../../core/src/asm/disassembler';
import { assemble } from '../../core/src/asm/assembler';
import { encodeProgram } from '../../core/src/isa/codec';
import { randomProgram, rng } from '../gen/random';
import {
  SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHN_ABS, SHN_COMMON, SHT_NOBITS, SHT_PROGBITS,
  type ObjectFile, type ObjRelocation, type ObjSection, type ObjSymbol,
} from '../../core/src/elf/types';
import { mixedBlob } from './blobs';

function bytes(...hexSlots: string[]): Uint8Array {
  const hex = hexSlots.join('');
  return Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
}

function sectionBytes(text: string): Uint8Array {
  const r = assemble(text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepStrictEqual(errors.map((e) => `${e.range.line}: ${e.message}`), [], text);
  return r.object.sections.find((s) => s.name === '.text')?.data ?? new Uint8Array(0);
}

describe('disassembler on raw bytes', () => {
  it('names jump targets with synthesised labels', () => {
    const code = bytes(
      'b700000000000000', // r0 = 0
      '1501010000000000', // if r1 == 0 goto +1
      '0500ffff00000000', // goto -1
      '9500000000000000', // exit
    );
    const d = disassemble(code);
    assert.deepStrictEqual(d.diagnostics, []);
    assert.strictEqual(d.text, [
      '\t.text',
      '\tr0 = 0x0',
      '\tif r1 == 0x0 goto LBB0_3',
      'LBB0_2:',
      '\tgoto LBB0_2',
      'LBB0_3:',
      '\texit',
      '',
    ].join('\n'));
  });

  it('shows undecodable slots as .quad data with the decoder\'s message', () => {
    const d = disassemble(bytes('ff00000000000000', '9501000000000000', '9500000000000000'));
    assert.strictEqual(d.text, [
      '\t.text',
      '\t.quad 0x00000000000000ff # unknown opcode 0xff',
      '\t.quad 0x0000000000000195 # reserved field dst=1 must be 0 in exit (opcode 0x95)',
      '\texit',
      '',
    ].join('\n'));
    assert.deepStrictEqual(d.diagnostics, [
      { offset: 0, message: 'unknown opcode 0xff' },
      { offset: 8, message: 'reserved field dst=1 must be 0 in exit (opcode 0x95)' },
    ]);
  });

  it('keeps trailing bytes and broken 64-bit loads as data', () => {
    const d = disassemble(bytes('1801000005000000', '0100000000000000', '9500000000000000', '0102'));
    assert.strictEqual(d.text, [
      '\t.text',
      '\t.quad 0x0000000500000118 # broken 64-bit immediate load',
      '\t.quad 0x0000000000000001 # invalid second slot of a 64-bit immediate load: opcode, registers and offset must be 0',
      '\texit',
      '\t.byte 0x01, 0x02',
      '',
    ].join('\n'));
    assert.strictEqual(d.diagnostics.length, 3);
    assert.strictEqual(d.diagnostics[2]!.message, '2 trailing bytes do not make a whole instruction');
  });

  it('prints the mnemonic dialect', () => {
    const code = bytes('b700000001000000', '1501010000000000', '6112040000000000', '9500000000000000');
    assert.strictEqual(disassemble(code, { dialect: 'mnemonic' }).text, [
      '\tmov r0, 0x1',
      '\tjeq r1, 0x0, LBB0_3',
      '\tldxw r2, [r1+0x4]',
      'LBB0_3:',
      '\texit',
      '',
    ].join('\n'));
    assert.strictEqual(disassemble(code, { dialect: 'mnemonic', decimal: true, regPrefix: '%' }).text.split('\n')[2], '\tldxw %r2, [%r1+4]');
  });

  it('keeps our own LLVM-dialect extensions as data for llvm-mc, with the text in a comment', () => {
    const code = bytes('8520000005000000');
    assert.strictEqual(disassemble(code).text, '\t.text\n\t.quad 0x0000000500002085 # call kfunc 0x5\n');
    assert.strictEqual(disassemble(code, { dialect: 'mnemonic' }).text, '\tcall runtime 0x5\n');
  });

  it('writes a local call whose target lies outside the code as data', () => {
    const d = disassemble(bytes('8510000005000000', '9500000000000000'));
    assert.strictEqual(d.text, '\t.text\n\t.quad 0x0000000500001085 # local call target outside the section\n\texit\n');
    assert.deepStrictEqual(d.diagnostics, [{ offset: 0, message: 'local call target outside the section' }]);
  });

  it('handles empty input', () => {
    assert.deepStrictEqual(disassemble(new Uint8Array(0)), { text: '\t.text\n', diagnostics: [] });
  });

  it('never throws on 800 random blobs, and our assembler reads its output back to the same bytes', () => {
    const problems: string[] = [];
    for (let seed = 1; seed <= 800; seed++) {
      const blob = mixedBlob(seed);
      const d = disassemble(blob);
      const back = sectionBytes(d.text);
      if (Buffer.compare(Buffer.from(back), Buffer.from(blob)) !== 0) problems.push(`seed ${seed}`);
      disassemble(blob, { dialect: 'mnemonic' });
    }
    assert.deepStrictEqual(problems.slice(0, 10), []);
  });

  it('the mnemonic dialect of a random program assembles back to the same bytes', () => {
    const problems: string[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const p = randomProgram(seed, { subprograms: 0, maps: [], externCalls: false, forms: (f) => !(f.sem.kind === 'ldImm64' && f.srcSel !== 0) && !f.llvmExtension });
      const code = encodeProgram(p.insns);
      const text = disassemble(code, { dialect: 'mnemonic' }).text;
      const r = assemble(text);
      const err = r.diagnostics.find((x) => x.severity === 'error');
      const back = r.object.sections.find((s) => s.name === '.text')?.data;
      if (err) problems.push(`seed ${seed}: line ${err.range.line}: ${err.message}: ${text.split('\n')[err.range.line - 1]}`);
      else if (!back || Buffer.compare(Buffer.from(back), Buffer.from(code)) !== 0) problems.push(`seed ${seed}: bytes differ`);
    }
    assert.deepStrictEqual(problems.slice(0, 10), []);
  });

  it('never throws on 500 random object models, whatever their symbols and relocations claim', () => {
    const r = rng(99);
    const int = (n: number): number => Math.floor(r() * n);
    const names = ['xdp', '.text', 'socket', '.data', 'license', '.bss', 'missing', 'a b', 'q"uote'];
    for (let k = 0; k < 500; k++) {
      const sections: ObjSection[] = [];
      for (let i = 0, n = 1 + int(4); i < n; i++) {
        const exec = r() < 0.6;
        sections.push({
          name: names[int(names.length)]!, type: r() < 0.1 ? SHT_NOBITS : SHT_PROGBITS,
          flags: exec ? SHF_ALLOC | SHF_EXECINSTR : SHF_ALLOC | SHF_WRITE, align: 1 << int(4), data: r() < 0.5 ? mixedBlob(k * 7 + i) : Uint8Array.from({ length: int(40) }, () => int(256)),
        });
      }
      const symbols: ObjSymbol[] = Array.from({ length: int(6) }, (_, i) => ({
        name: r() < 0.2 ? `LBB0_${int(5)}` : `s${i}`, section: r() < 0.8 ? names[int(names.length)] : undefined,
        value: int(64) - 4, size: int(32), type: (['func', 'object', 'notype', 'section', 'file'] as const)[int(5)]!,
        bind: (['local', 'global', 'weak'] as const)[int(3)]!, ...(r() < 0.1 ? { specialIndex: r() < 0.5 ? SHN_ABS : SHN_COMMON } : {}),
      }));
      const relocations: ObjRelocation[] = Array.from({ length: int(6) }, () => ({
        section: names[int(names.length)]!, offset: int(80) - 4, type: int(12), symbol: r() < 0.2 ? '' : names[int(names.length)]!, symbolIsSection: r() < 0.3,
      }));
      const obj: ObjectFile = { sections, symbols, relocations, ...(r() < 0.2 ? { addrsig: ['s0'] } : {}) };
      for (const dialect of ['llvm', 'mnemonic'] as const) {
        const d = disassemble(obj, { dialect, decimal: r() < 0.5 });
        assert.strictEqual(typeof d.text, 'string');
      }
    }
  });
});
