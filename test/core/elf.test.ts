/**
 * Tests of the ELF reader and writer (core/src/elf). Three groups:
 *  - against llvm-mc-22: every test/fixtures/elf/*.s is assembled by llvm-mc and
 *    `writeElf(readElf(bytes).object)` must give back the very same bytes (skipped without LLVM);
 *  - the writer's own layout and a model round trip, with no external tool;
 *  - malformed input: a table of damaged objects with the exact diagnostics each must produce,
 *    then seeded random junk, random byte flips and every truncation, none of which may throw.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ObjectFile, R_BPF_64_32, R_BPF_64_64, R_BPF_64_NODYLD32, readElf, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE,
  SHN_ABS, SHN_COMMON, SHT_NOBITS, SHT_PROGBITS, writeElf,
} from '../../core/src/elf';
import { buildStringTable } from '../../core/src/elf/writer';
import { hasTool, run } from '../helpers/tools';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'elf');
const LLVM_MC = 'llvm-mc-22';

function assemble(file: string): Uint8Array {
  const r = run(LLVM_MC, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', '-o', '-', file]);
  assert.strictEqual(r.status, 0, `${LLVM_MC} failed on ${file}:\n${r.stderr}`);
  return r.bytes;
}

/** The LLVM tools' view of an object, to show what differs when the bytes do not match. */
function dump(bytes: Uint8Array): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elf-test-'));
  const file = path.join(dir, 'x.o');
  fs.writeFileSync(file, bytes);
  const readelf = run('llvm-readelf-22', ['-S', '-s', '-r', file]).stdout;
  const objdump = run('llvm-objdump-22', ['-d', '-r', file]).stdout;
  fs.rmSync(dir, { recursive: true, force: true });
  return (readelf + objdump).split(file).join('x.o');
}

function assembleSource(source: string): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elf-test-'));
  const file = path.join(dir, 'x.s');
  fs.writeFileSync(file, source);
  try {
    return assemble(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('ELF against llvm-mc-22', function () {
  before(function () { if (!hasTool('llvm-mc-22')) { (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); } });

  const sources = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.s')).sort();
  it('has fixtures to assemble', () => assert.ok(sources.length >= 6, sources.join(', ')));

  for (const source of sources) {
    it(`writes ${source} byte for byte as llvm-mc does`, function () {
      const theirs = assemble(path.join(FIXTURES, source));
      const read = readElf(theirs);
      assert.deepStrictEqual(read.diagnostics, []);
      const ours = writeElf(read.object!);
      if (!Buffer.from(ours).equals(Buffer.from(theirs))) {
        if (hasTool('llvm-readelf-22') && hasTool('llvm-objdump-22')) assert.strictEqual(dump(ours), dump(theirs));
        assert.deepStrictEqual(Array.from(ours), Array.from(theirs));
      }
    });
  }

  it('reads maps, relocations and the address-significance table of a clang-style program', () => {
    const read = readElf(assemble(path.join(FIXTURES, 'xdp_maps.s')));
    const obj = read.object!;
    assert.deepStrictEqual(obj.relocations, [
      { section: 'xdp', offset: 32, type: R_BPF_64_64, symbol: 'counters' },
      { section: 'xdp', offset: 80, type: R_BPF_64_64, symbol: '.rodata.str1.1', symbolIsSection: true },
    ]);
    assert.deepStrictEqual(read.maps, [{ name: 'counters', offset: 0, size: 32 }]);
    assert.deepStrictEqual(obj.addrsig, ['counters', '_license']);
    assert.deepStrictEqual(obj.sections.map((s) => s.name), ['.text', 'xdp', '.maps', '.rodata.str1.1', 'license']);
    assert.deepStrictEqual(obj.symbols.find((s) => s.name === 'LBB0_2'),
      { name: 'LBB0_2', section: 'xdp', value: 112, size: 0, type: 'notype', bind: 'local' });
    assert.strictEqual(read.hasBtf, false);
  });

  it('finds .BTF and .BTF.ext and their relocations', () => {
    const read = readElf(assemble(path.join(FIXTURES, 'btf.s')));
    assert.strictEqual(read.hasBtf, true);
    assert.strictEqual(read.hasBtfExt, true);
    assert.deepStrictEqual(read.maps, [{ name: 'first_map', offset: 0, size: 24 }, { name: 'second_map', offset: 24, size: 40 }]);
    assert.deepStrictEqual(read.object!.relocations.map((r) => [r.section, r.offset, r.type, r.symbol]), [
      ['.BTF.ext', 44, R_BPF_64_NODYLD32, 'xdp'],
      ['.BTF.ext', 60, R_BPF_64_NODYLD32, 'xdp'],
    ]);
  });

  it('reads absolute, common, weak, hidden and file symbols', () => {
    const symbols = readElf(assemble(path.join(FIXTURES, 'symbols.s'))).object!.symbols;
    const byName = (name: string) => symbols.find((s) => s.name === name);
    assert.deepStrictEqual(byName('minus_one'), { name: 'minus_one', section: undefined, value: -1, size: 0, type: 'notype', bind: 'global', specialIndex: SHN_ABS });
    assert.deepStrictEqual(byName('counter'), { name: 'counter', section: undefined, value: 8, size: 8, type: 'object', bind: 'global', specialIndex: SHN_COMMON });
    assert.deepStrictEqual(byName('hidden_const'), { name: 'hidden_const', section: '.rodata', value: 4, size: 4, type: 'object', bind: 'global', other: 2 });
    assert.deepStrictEqual(byName('weak_undef'), { name: 'weak_undef', section: undefined, value: 0, size: 0, type: 'notype', bind: 'weak' });
    assert.deepStrictEqual(symbols.filter((s) => s.type === 'file').map((s) => s.name), ['first.c', 'second.c']);
  });

  it('keeps locals first whatever order the model lists them in', () => {
    const theirs = assemble(path.join(FIXTURES, 'multi_prog.s'));
    const obj = readElf(theirs).object!;
    const globals = obj.symbols.filter((s) => s.bind !== 'local');
    const locals = obj.symbols.filter((s) => s.bind === 'local');
    const interleaved = globals.flatMap((g, i) => [g, ...(locals[i] ? [locals[i]!] : [])]).concat(locals.slice(globals.length));
    assert.ok(Buffer.from(writeElf({ ...obj, symbols: interleaved })).equals(Buffer.from(theirs)));
  });

  it('survives llvm-mc objects with random bytes changed, 200 seeds each', () => {
    for (const source of sources) {
      const valid = assemble(path.join(FIXTURES, source));
      const shoff = Number(new DataView(valid.buffer, valid.byteOffset).getBigUint64(40, true));
      for (let seed = 1; seed <= 200; seed++) checkWellFormed(flipBytes(valid, shoff, seed), `${source} seed ${seed}`);
    }
  });

  it('matches llvm-mc for a program written in this test', () => {
    const theirs = assembleSource('\t.section socket,"ax",@progbits\nf:\n\tr0 = 0\n\texit\n\t.section .data,"aw",@progbits\n\t.quad f\n');
    assert.ok(Buffer.from(writeElf(readElf(theirs).object!)).equals(Buffer.from(theirs)));
  });
});

/** A small XDP object built by hand, so that the tests below need no external tool. */
function insn(code: number, regs: number, imm: number): number[] {
  return [code, regs, 0, 0, imm & 0xff, (imm >> 8) & 0xff, (imm >> 16) & 0xff, (imm >>> 24) & 0xff];
}

function baseObject(): ObjectFile {
  const code = [...insn(0x18, 0x01, 0), ...insn(0, 0, 0), ...insn(0x85, 0, 1), ...insn(0xb7, 0, 2), ...insn(0x95, 0, 0)];
  return {
    sections: [
      { name: '.text', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, align: 4, data: new Uint8Array(0) },
      { name: 'xdp', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, align: 8, data: Uint8Array.from(code) },
      { name: 'license', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE, align: 1, data: Uint8Array.from([0x47, 0x50, 0x4c, 0]) },
      { name: '.maps', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE, align: 8, data: new Uint8Array(32) },
      { name: '.bss', type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE, align: 8, data: new Uint8Array(8) },
    ],
    symbols: [
      { name: 'LBB0_1', section: 'xdp', value: 32, size: 0, type: 'notype', bind: 'local' },
      { name: 'xdp_prog', section: 'xdp', value: 0, size: 40, type: 'func', bind: 'global' },
      { name: '_license', section: 'license', value: 0, size: 4, type: 'object', bind: 'global' },
      { name: 'mymap', section: '.maps', value: 0, size: 32, type: 'object', bind: 'global' },
    ],
    relocations: [{ section: 'xdp', offset: 0, type: R_BPF_64_64, symbol: 'mymap' }],
  };
}

/** Section names in section-table order, read straight from the headers. */
function sectionNames(bytes: Uint8Array): string[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(v.getBigUint64(40, true));
  const strtab = Number(v.getBigUint64(shoff + v.getUint16(62, true) * 64 + 24, true));
  const names: string[] = [];
  for (let i = 0; i < v.getUint16(60, true); i++) {
    let at = strtab + v.getUint32(shoff + i * 64, true);
    let name = '';
    while (bytes[at] !== 0) name += String.fromCharCode(bytes[at++]!);
    names.push(name);
  }
  return names;
}

describe('ELF writer', () => {
  it('lays out sections as llvm-mc does', () => {
    const bytes = writeElf(baseObject());
    assert.deepStrictEqual(sectionNames(bytes), ['', '.strtab', '.text', 'xdp', '.relxdp', 'license', '.maps', '.bss', '.symtab']);
    const v = new DataView(bytes.buffer);
    assert.strictEqual(v.getUint16(18, true), 247);
    assert.strictEqual(v.getUint32(48, true), 0);
    assert.strictEqual(Number(v.getBigUint64(40, true)) % 8, 0);
  });

  it('reads back the model it wrote', () => {
    const obj = baseObject();
    const read = readElf(writeElf(obj));
    assert.deepStrictEqual(read.diagnostics, []);
    assert.deepStrictEqual(read.object, obj);
    assert.deepStrictEqual(read.maps, [{ name: 'mymap', offset: 0, size: 32 }]);
  });

  it('reads back section symbols, an address-significance table and non-ASCII names', () => {
    const obj = baseObject();
    obj.symbols.unshift({ name: 'license', section: 'license', value: 0, size: 0, type: 'section', bind: 'local' });
    obj.symbols.push({ name: 'café_λ', section: undefined, value: 0, size: 0, type: 'notype', bind: 'global' });
    obj.relocations.push({ section: 'xdp', offset: 16, type: R_BPF_64_32, symbol: 'license', symbolIsSection: true });
    obj.addrsig = ['mymap', 'café_λ'];
    const read = readElf(writeElf(obj));
    assert.deepStrictEqual(read.diagnostics, []);
    assert.deepStrictEqual(read.object, obj);
  });

  it('builds the string table with llvm tail merging', () => {
    const { bytes, offsets } = buildStringTable(['xdp', '.relxdp', '.text', '.rel.text', 'a', 'ba', 'xdp']);
    assert.strictEqual(String.fromCharCode(...bytes), '\0.rel.text\0.relxdp\0ba\0');
    assert.deepStrictEqual([...offsets].sort(), [['.rel.text', 1], ['.relxdp', 11], ['.text', 5], ['a', 20], ['ba', 19], ['xdp', 15]]);
  });

  it('refuses a relocation against a symbol the model does not have', () => {
    const obj = baseObject();
    obj.relocations[0]!.symbol = 'nothing';
    assert.throws(() => writeElf(obj), /relocation in 'xdp' refers to unknown symbol 'nothing'/);
  });
});

/** Layout facts of writeElf(baseObject()), checked by the first test below. */
const BASE = { shoff: 0x168, size: 0x3a8, strtab: 0x118, symtab: 0x90, rel: 0x108 };
const shdr = (index: number) => BASE.shoff + index * 64;

function damaged(change: (v: DataView, bytes: Uint8Array) => void): Uint8Array {
  const bytes = writeElf(baseObject());
  change(new DataView(bytes.buffer), bytes);
  return bytes;
}

/**
 * The base object rebuilt with the section header table right after the ELF header and `last`
 * placed at the end of the file, cut after `keep` bytes: a file truncated in the middle of a section.
 */
function cutInside(last: number, keep: number): Uint8Array {
  const bytes = writeElf(baseObject());
  const v = new DataView(bytes.buffer);
  const count = v.getUint16(60, true);
  const order = [...Array(count).keys()].filter((i) => i !== 0 && i !== last).concat([last]);
  const out = new Uint8Array(bytes.length + 64 * count);
  out.set(bytes.subarray(0, 64));
  out.set(bytes.subarray(BASE.shoff, BASE.shoff + 64 * count), 64);
  const ov = new DataView(out.buffer);
  ov.setBigUint64(40, 64n, true);
  let end = 64 + 64 * count;
  for (const i of order) {
    const at = 64 + i * 64;
    const offset = Number(ov.getBigUint64(at + 24, true));
    const size = ov.getUint32(at + 4, true) === SHT_NOBITS ? 0 : Number(ov.getBigUint64(at + 32, true));
    end = Math.ceil(end / 8) * 8;
    ov.setBigUint64(at + 24, BigInt(end), true);
    out.set(bytes.subarray(offset, offset + size), end);
    end += i === last ? keep : size;
  }
  return out.slice(0, end);
}

interface MalformedCase {
  name: string;
  have: () => Uint8Array;
  want: string[];
  /** Whether the reader still returns an object. */
  object: boolean;
}

const MALFORMED: MalformedCase[] = [
  { name: 'empty file', have: () => new Uint8Array(0), object: false, want: ['not an ELF file: the file is empty'] },
  {
    name: '3 bytes', have: () => writeElf(baseObject()).slice(0, 3), object: false,
    want: ['truncated ELF: the ELF header at offset 0x0 needs 0x40 bytes but the file has 0x3'],
  },
  {
    name: 'wrong magic', have: () => damaged((v) => v.setUint8(1, 0x41)), object: false,
    want: ['not an ELF file: bad magic bytes 7f 41 4c 46 at offset 0x0 (expected 7f 45 4c 46)'],
  },
  {
    name: 'ELFCLASS32', have: () => damaged((v) => v.setUint8(4, 1)), object: false,
    want: ['unsupported ELF class 1 (ELFCLASS32) at offset 0x4: only ELFCLASS64 BPF objects are supported'],
  },
  {
    name: 'big-endian', have: () => damaged((v) => v.setUint8(5, 2)), object: false,
    want: ['unsupported ELF data encoding 2 (big-endian) at offset 0x5: only little-endian (bpfel) objects are supported'],
  },
  { name: 'bad ELF version', have: () => damaged((v) => v.setUint8(6, 0)), object: false, want: ['unsupported ELF version 0 at offset 0x6 (expected 1)'] },
  {
    name: 'wrong machine', have: () => damaged((v) => v.setUint16(18, 62, true)), object: false,
    want: ['wrong machine: e_machine 62 (x86-64) at offset 0x12 is not 247 (EM_BPF)'],
  },
  {
    name: 'not relocatable', have: () => damaged((v) => v.setUint16(16, 2, true)), object: true,
    want: ['not a relocatable object: e_type 2 at offset 0x10 (expected 1, ET_REL)'],
  },
  {
    name: 'e_shoff past end of file', have: () => damaged((v) => v.setBigUint64(40, 0x10000n, true)), object: false,
    want: ['truncated ELF: section header table offset 0x10000 (e_shoff at offset 0x28) is past end of file (size 0x3a8)'],
  },
  {
    name: 'huge section count', have: () => damaged((v) => v.setUint16(60, 0xfeff, true)), object: false,
    want: ['truncated ELF: section header table at offset 0x168 (65279 entries of 0x40 bytes) extends past end of file (size 0x3a8)'],
  },
  {
    name: 'cut inside the section header table', have: () => writeElf(baseObject()).slice(0, BASE.size - 10), object: false,
    want: ['truncated ELF: section header table at offset 0x168 (9 entries of 0x40 bytes) extends past end of file (size 0x39e)'],
  },
  {
    name: 'wrong section header size', have: () => damaged((v) => v.setUint16(58, 40, true)), object: false,
    want: ['bad section header size 0x28 (e_shentsize at offset 0x3a), expected 0x40'],
  },
  {
    name: 'section name table index out of range', have: () => damaged((v) => v.setUint16(62, 50, true)), object: true,
    want: [
      'section name table index 50 (e_shstrndx at offset 0x3e) is out of range: the file has 9 sections',
      'section [3] has the same name as section [2]; symbols and relocations naming it mean the first',
      'section [5] has the same name as section [2]; symbols and relocations naming it mean the first',
      'section [6] has the same name as section [2]; symbols and relocations naming it mean the first',
      'section [7] has the same name as section [2]; symbols and relocations naming it mean the first',
    ],
  },
  {
    name: 'section data offset past end of file', have: () => damaged((v) => v.setBigUint64(shdr(3) + 24, 0x100000n, true)), object: true,
    want: [
      "truncated ELF: section [3] 'xdp' data offset 0x100000 is past end of file (size 0x3a8)",
      "relocation 0 in [4] '.relxdp' at offset 0x108: r_offset 0x0 + 16 bytes is past the end of section 'xdp' (size 0x0); ignored",
    ],
  },
  {
    name: 'truncated in the middle of a section', have: () => cutInside(3, 20), object: true,
    want: ["truncated ELF: section [3] 'xdp' at offset 0x380 (size 0x28) extends past end of file (size 0x394)"],
  },
  {
    name: 'section name offset out of range', have: () => damaged((v) => v.setUint32(shdr(3), 0x999, true)), object: true,
    want: ['section [3] header at offset 0x228: name offset 0x999 is outside the section name table (size 0x49)'],
  },
  {
    name: 'zero-filled section too large', have: () => damaged((v) => v.setBigUint64(shdr(7) + 32, 0x10000000n, true)), object: true,
    want: ["section [7] '.bss': zero-filled size 0x10000000 is over the reader's limit of 0x4000000 bytes; read as empty"],
  },
  {
    name: 'alignment not a power of two', have: () => damaged((v) => v.setBigUint64(shdr(6) + 48, 3n, true)), object: true,
    want: ["section [6] '.maps': alignment 0x3 is not a power of two up to 0x10000; read as 1"],
  },
  {
    name: 'symbol table entry size wrong', have: () => damaged((v) => v.setBigUint64(shdr(8) + 56, 16n, true)), object: true,
    want: [
      "symbol table [8] '.symtab': entry size 0x10 is not 0x18; no symbols were read",
      "relocation section [4] '.relxdp': the file has no readable symbol table; no relocations were read",
    ],
  },
  {
    name: 'symbol name offset out of range', have: () => damaged((v) => v.setUint32(BASE.symtab + 2 * 24, 0x999, true)), object: true,
    want: ["symbol 2 at offset 0xc0: name offset 0x999 is outside string table [1] '.strtab' (size 0x49)"],
  },
  {
    name: 'string table not NUL-terminated', have: () => damaged((v) => v.setUint8(BASE.strtab + 0x48, 0x78)), object: true,
    want: ["symbol 1 at offset 0xa8: the name at offset 0x42 of string table [1] '.strtab' is not NUL-terminated"],
  },
  {
    name: 'symbol section index out of range', have: () => damaged((v) => v.setUint16(BASE.symtab + 4 * 24 + 6, 40, true)), object: true,
    want: ["symbol 4 'mymap' at offset 0xf0: section index 40 is out of range (9 sections)"],
  },
  {
    name: 'relocation symbol index out of range', have: () => damaged((v) => v.setUint32(BASE.rel + 12, 99, true)), object: true,
    want: ["relocation 0 in [4] '.relxdp' at offset 0x108: symbol index 99 is out of range (5 symbols)"],
  },
  {
    name: 'relocation offset past section end', have: () => damaged((v) => v.setBigUint64(BASE.rel, 0x20n, true)), object: true,
    want: ["relocation 0 in [4] '.relxdp' at offset 0x108: r_offset 0x20 + 16 bytes is past the end of section 'xdp' (size 0x28); ignored"],
  },
  {
    name: 'unknown relocation type', have: () => damaged((v) => v.setUint32(BASE.rel + 8, 77, true)), object: true,
    want: ["relocation 0 in [4] '.relxdp' at offset 0x108: unknown BPF relocation type 77"],
  },
  {
    name: 'relocation target out of range', have: () => damaged((v) => v.setUint32(shdr(4) + 44, 40, true)), object: true,
    want: ["relocation section [4] '.relxdp': target section index 40 (sh_info) does not name a section with program data"],
  },
];

/** xorshift32: reproducible pseudo-random bytes for the fuzz tests. */
function random(seed: number): () => number {
  let x = seed | 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

/** A copy of `valid` with 1 to 8 bytes changed, half of them in the section headers (from `shoff`), where the offsets are. */
function flipBytes(valid: Uint8Array, shoff: number, seed: number): Uint8Array {
  const next = random(seed);
  const bytes = valid.slice();
  const flips = 1 + Math.floor(next() * 8);
  for (let i = 0; i < flips; i++) {
    const at = next() < 0.5 ? shoff + Math.floor(next() * (bytes.length - shoff)) : Math.floor(next() * bytes.length);
    bytes[at] = Math.floor(next() * 256);
  }
  return bytes;
}

/** Reads `bytes`, which must not throw, and checks the shape of the result; `writeElf` must accept any object it returns. */
function checkWellFormed(bytes: Uint8Array, what: string): ReturnType<typeof readElf> {
  let read: ReturnType<typeof readElf> | undefined;
  assert.doesNotThrow(() => { read = readElf(bytes); }, what);
  assert.ok(read!.diagnostics.length <= 101, `${what}: ${read!.diagnostics.length} diagnostics`);
  for (const d of read!.diagnostics) {
    assert.ok(typeof d.message === 'string' && d.message.length > 0 && /^ELF\d{3}$/.test(d.code ?? ''), `${what}: ${JSON.stringify(d)}`);
    assert.ok(d.offset !== undefined && d.offset >= 0 && d.offset <= bytes.length, `${what}: offset of ${d.message}`);
  }
  if (read!.object) assert.doesNotThrow(() => writeElf(read!.object!), `${what}: writeElf of the repaired object`);
  return read!;
}

describe('ELF reader on malformed input', () => {
  it('knows the layout of the base object', () => {
    const bytes = writeElf(baseObject());
    const v = new DataView(bytes.buffer);
    assert.deepStrictEqual(
      { shoff: Number(v.getBigUint64(40, true)), size: bytes.length, strtab: Number(v.getBigUint64(shdr(1) + 24, true)),
        symtab: Number(v.getBigUint64(shdr(8) + 24, true)), rel: Number(v.getBigUint64(shdr(4) + 24, true)) },
      BASE);
  });

  for (const c of MALFORMED) {
    it(c.name, () => {
      const read = checkWellFormed(c.have(), c.name);
      assert.deepStrictEqual(read.diagnostics.map((d) => d.message), c.want);
      assert.strictEqual(read.object !== undefined, c.object);
    });
  }

  it('keeps a relocation of unknown type', () => {
    const read = readElf(damaged((v) => v.setUint32(BASE.rel + 8, 77, true)));
    assert.deepStrictEqual(read.object!.relocations, [{ section: 'xdp', offset: 0, type: 77, symbol: 'mymap' }]);
  });

  it('stops reporting after 100 problems', () => {
    const obj = baseObject();
    obj.relocations = Array.from({ length: 150 }, () => ({ section: 'xdp', offset: 0, type: R_BPF_64_64, symbol: 'mymap' }));
    const bytes = writeElf(obj);
    const v = new DataView(bytes.buffer);
    for (let k = 0; k < 150; k++) v.setUint32(BASE.rel + k * 16 + 12, 99, true);
    const read = checkWellFormed(bytes, 'many bad relocations');
    const bad = (k: number) => `relocation ${k} in [4] '.relxdp' at offset 0x${(BASE.rel + k * 16).toString(16)}: symbol index 99 is out of range (5 symbols)`;
    assert.deepStrictEqual(read.diagnostics.map((d) => d.message),
      [...Array.from({ length: 100 }, (_, k) => bad(k)), 'too many problems: only the first 100 are reported']);
  });

  it('rejects 1000 seeded buffers of random junk with the bad-magic message', () => {
    for (let seed = 1; seed <= 1000; seed++) {
      const next = random(seed);
      const bytes = Uint8Array.from({ length: 4 + Math.floor(next() * 600) }, () => Math.floor(next() * 256));
      const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      const read = checkWellFormed(bytes, `seed ${seed}`);
      assert.deepStrictEqual(read.diagnostics.map((d) => d.message), [`not an ELF file: bad magic bytes ${head} at offset 0x0 (expected 7f 45 4c 46)`], `seed ${seed}`);
    }
  });

  it('survives 1000 seeded objects with random bytes changed', () => {
    const valid = writeElf(baseObject());
    for (let seed = 1; seed <= 1000; seed++) checkWellFormed(flipBytes(valid, BASE.shoff, seed), `seed ${seed}`);
  });

  it('survives every truncation of a valid object', () => {
    const valid = writeElf(baseObject());
    for (let length = 0; length < valid.length; length++) {
      const read = checkWellFormed(valid.slice(0, length), `length ${length}`);
      assert.ok(read.diagnostics.length > 0, `length ${length}`);
    }
  });
});
