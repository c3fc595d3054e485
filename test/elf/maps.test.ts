/**
 * Tests of map definitions read from objects without `# @map` annotations (core/src/elf/maps.ts) and of
 * the BTF reader under them (core/src/elf/btf.ts). Objects are assembled by llvm-mc-22 from sources
 * whose `.BTF` bytes come from the test-only BtfWriter; malformed BTF is fed in directly with exact
 * diagnostics; and when root and bpftool are available, the kernel (through libbpf) loads the same
 * object and `bpftool map show` must report the maps `mapsFromObject` found.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ObjectFile, readElf, SHF_ALLOC, SHF_WRITE, SHT_PROGBITS } from '../../core/src/elf';
import { BTF_KIND, readBtf } from '../../core/src/elf/btf';
import { mapsFromObject, withObjectMaps } from '../../core/src/elf/maps';
import { buildModule } from '../../core/src/program/build';
import type { MapDef } from '../../core/src/program/model';
import { hasTool, run } from '../helpers/tools';
import { btfMapsSource, BtfWriter } from './btfWriter';

const LLVM_MC = 'llvm-mc-22';

function assemble(source: string): ObjectFile {
  const r = run(LLVM_MC, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', '-o', '-'], source);
  assert.strictEqual(r.status, 0, `${LLVM_MC} failed:\n${r.stderr}`);
  const read = readElf(r.bytes);
  assert.deepStrictEqual(read.diagnostics, []);
  return read.object!;
}

function skipWithoutLlvm(this: Mocha.Context): void {
  if (!hasTool(LLVM_MC)) { (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); }
}

const map = (name: string, type: string, keySize: number, valueSize: number, maxEntries: number, flags = 0, flagNames: string[] = [], inner?: string): MapDef =>
  ({ name, type, keySize, valueSize, maxEntries, flags, flagNames, ...(inner ? { inner } : {}) });

/**
 * The four maps of a typical libbpf program: an array of u64 counters, a hash with a struct key and
 * value and BPF_F_NO_PREALLOC, a ring buffer without key or value, and an array of maps with an
 * inner array definition.
 */
function standardBtf(): { bytes: Uint8Array; maps: { name: string; size: number }[] } {
  const w = new BtfWriter();
  const int = w.theInt();
  const u32 = w.typedef('__u32', w.int('unsigned int', 4, false));
  const u64 = w.typedef('__u64', w.int('long long unsigned int', 8, false));
  const key = w.struct('flow', 12, [['saddr', u32, 0], ['daddr', u32, 32], ['port', w.int('short unsigned int', 2, false), 64]]);
  const val = w.struct('stats', 16, [['packets', u64, 0], ['bytes', u64, 64]]);
  const counts = w.mapDef({ type: 2, key: u32, value: u64, maxEntries: 16 });
  const table = w.mapDef({ type: 1, mapFlags: 1, key: w.const(key), value: val, maxEntries: 1024 });
  const events = w.mapDef({ type: 27, maxEntries: 16384 });
  const innerDef = w.mapDef({ type: 2, key: int, value: u64, maxEntries: 1 }, 'inner_map');
  const outer = w.mapDef({ type: 12, keySize: 4, maxEntries: 4, values: innerDef });
  const defs: [string, number, number][] = [['counts', counts, 32], ['table', table, 40], ['events', events, 16], ['outer', outer, 32]];
  let offset = 0;
  const entries: [number, number, number][] = [];
  for (const [name, def, size] of defs) {
    entries.push([w.variable(name, def), offset, size]);
    offset += size;
  }
  w.datasec('.maps', offset, entries);
  return { bytes: w.bytes(), maps: defs.map(([name, , size]) => ({ name, size })) };
}

const STANDARD_MAPS: MapDef[] = [
  map('counts', 'array', 4, 8, 16),
  map('table', 'hash', 12, 16, 1024, 1, ['BPF_F_NO_PREALLOC']),
  map('events', 'ringbuf', 0, 0, 16384),
  map('outer.inner', 'array', 4, 8, 1),
  map('outer', 'array_of_maps', 4, 4, 4, 0, [], 'outer.inner'),
];

describe('maps from objects built by llvm-mc-22', function () {
  before(skipWithoutLlvm);

  it('reads BTF-defined array, hash, ringbuf and array_of_maps with its inner map', () => {
    const { bytes, maps } = standardBtf();
    const result = mapsFromObject(assemble(btfMapsSource(maps, bytes)));
    assert.deepStrictEqual(result.diagnostics, []);
    assert.deepStrictEqual(result.maps, STANDARD_MAPS);
  });

  it('takes key_size and value_size attributes and checks them against key and value types', () => {
    const w = new BtfWriter();
    const u64 = w.int('long', 8);
    const good = w.mapDef({ type: 5, keySize: 8, key: u64, valueSize: 8, maxEntries: 2 });
    const bad = w.mapDef({ type: 1, keySize: 4, key: u64, valueSize: 8, maxEntries: 2 });
    w.datasec('.maps', 64, [[w.variable('good', good), 0, 40], [w.variable('bad', bad), 40, 40]]);
    const result = mapsFromObject(assemble(btfMapsSource([{ name: 'good', size: 40 }, { name: 'bad', size: 40 }], w.bytes())));
    assert.deepStrictEqual(result.maps, [map('good', 'percpu_hash', 8, 8, 2)]);
    assert.deepStrictEqual(result.diagnostics, [{ code: 'ELF706', message: "map 'bad': conflicting key size 4 != 8" }]);
  });

  it('lets annotations win over the object and feeds buildModule', () => {
    const { bytes, maps } = standardBtf();
    const obj = assemble(btfMapsSource(maps, bytes));
    const annotated = [map('outer', 'hash_of_maps', 4, 4, 9, 0, [], 'counts'), map('extra', 'hash', 4, 4, 1)];
    const merged = withObjectMaps(annotated, obj);
    assert.deepStrictEqual(merged, { maps: [...annotated, ...STANDARD_MAPS.slice(0, 3)], diagnostics: [] });
    // With the object's maps handed over as annotations, every map load resolves.
    const built = buildModule(obj, { fileName: 'x.o', annotations: { maps: withObjectMaps([], obj).maps } });
    assert.deepStrictEqual(built.diagnostics, []);
    assert.deepStrictEqual([...built.module.programs[0]!.ldImm64Refs.values()].map((r) => (r.kind === 'map' ? r.map : r.kind)), ['counts', 'table', 'events', 'outer']);
  });

  it('reads the legacy maps section, one struct bpf_map_def per symbol', () => {
    const source = `  .section maps,"aw",@progbits
  .globl hits
  .type hits,@object
hits:
  .long 1, 4, 8, 256, 1
  .size hits, 20
  .globl arr
arr:
  .long 2, 4, 16, 8, 0x80
  .size arr, 20
  .globl short
short:
  .long 6, 4
  .size short, 8
  .globl weird
weird:
  .long 99, 4, 4, 1, 0
  .size weird, 20
  .globl longer
longer:
  .long 5, 4, 4, 3, 0x100001, 0, 0
  .size longer, 28
`;
    const result = mapsFromObject(assemble(source));
    assert.deepStrictEqual(result.maps, [
      map('hits', 'hash', 4, 8, 256, 1, ['BPF_F_NO_PREALLOC']),
      map('arr', 'array', 4, 16, 8, 0x80, ['BPF_F_RDONLY_PROG']),
      map('short', 'percpu_array', 4, 0, 0),
      map('longer', 'percpu_hash', 4, 4, 3, 0x100001, ['BPF_F_NO_PREALLOC', '0x100000']),
    ]);
    assert.deepStrictEqual(result.diagnostics, [{ code: 'ELF702', message: "map 'weird': unknown map type 99" }]);
  });

  it('shares a legacy section evenly among symbols without a size', () => {
    const source = '  .section maps,"aw",@progbits\n  .globl a, b\na:\n  .long 1, 4, 4, 10, 0\nb:\n  .long 2, 4, 4, 20, 0\n';
    assert.deepStrictEqual(mapsFromObject(assemble(source)).maps, [map('a', 'hash', 4, 4, 10), map('b', 'array', 4, 4, 20)]);
  });

  it('says so when .maps has no .BTF to describe it', () => {
    const source = '  .section .maps,"aw",@progbits\n  .globl m1, m2\nm1:\n  .zero 16\nm2:\n  .zero 16\n';
    assert.deepStrictEqual(mapsFromObject(assemble(source)), {
      maps: [], diagnostics: [{ code: 'ELF703', message: "section .maps defines maps 'm1', 'm2' but the object has no .BTF section to describe them" }],
    });
  });
});

/** An object with just `.maps` (zeroed, `mapsSize` bytes) and the given `.BTF` bytes, made without tools. */
function objectWith(btf: Uint8Array, mapsSize = 64): ObjectFile {
  return {
    sections: [
      { name: '.maps', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE, align: 8, data: new Uint8Array(mapsSize) },
      { name: '.BTF', type: SHT_PROGBITS, flags: 0, align: 4, data: btf },
    ],
    symbols: [],
    relocations: [],
  };
}

/** The same header as `bytes` with the u32 at `offset` set to `value`. */
function patch32(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(offset, value, true);
  return copy;
}

describe('BTF reader', () => {
  it('reads every kind and resolves sizes as libbpf does', () => {
    const w = new BtfWriter();
    const int = w.theInt();
    const ptr = w.ptr(int);
    const arr = w.array(w.int('char', 1), 10);
    const s = w.struct('s', 24, [['a', int, 0], ['p', ptr, 64], ['c', arr, 128]]);
    const u = w.struct('u', 8, [['a', int, 0], ['p', ptr, 0]], true);
    const e = w.enumType('e', 4, [['A', 0], ['B', -1]]);
    const fwd = w.fwd('later');
    const td = w.typedef('t', w.volatile(w.const(w.restrict(s))));
    const proto = w.funcProto(int, [['x', int], ['y', ptr]]);
    const fn = w.func('f', proto);
    const v = w.variable('v', td);
    const ds = w.datasec('.data', 24, [[v, 0, 24]]);
    const fl = w.float('double', 8);
    const tag = w.declTag('tag', v);
    const tt = w.typeTag('user', int);
    const e64 = w.enum64('big', [['X', 2 ** 40 + 3]]);
    const matrix = w.array(w.array(s, 3), 5);
    const { btf, diagnostics } = readBtf(w.bytes());
    assert.deepStrictEqual(diagnostics, []);
    assert.strictEqual(btf!.count, matrix);
    assert.deepStrictEqual(btf!.types.slice(1).map((t) => t.kind), [1, 2, 1, 3, 4, 5, 6, 7, 11, 10, 9, 8, 13, 12, 14, 15, 16, 17, 18, 19, 3, 3]);
    assert.deepStrictEqual(btf!.type(e)!.members.map((m) => [m.name, m.offset]), [['A', 0], ['B', -1]]);
    assert.strictEqual(btf!.type(e64)!.members[0]!.offset, 2 ** 40 + 3);
    assert.deepStrictEqual(btf!.type(ds)!.members, [{ name: '', type: v, offset: 0, size: 24 }]);
    assert.strictEqual(btf!.type(fn)!.name, 'f');
    assert.strictEqual(btf!.find(BTF_KIND.STRUCT, 's')!.id, s);
    const sizes = [int, ptr, arr, s, u, e, td, v, ds, fl, tag, tt, e64, matrix].map((id) => btf!.resolveSize(id));
    assert.deepStrictEqual(sizes.map((r) => (r.ok ? r.size : r.message)), [4, 8, 10, 24, 8, 4, 24, 24, 24, 8, 24, 4, 8, 360]);
    assert.deepStrictEqual([0, fwd, proto, fn, 999].map((id) => btf!.resolveSize(id)), [
      { ok: false, message: 'void has no size' },
      { ok: false, message: `type [${fwd}] is a FWD, which has no size` },
      { ok: false, message: `type [${proto}] is a FUNC_PROTO, which has no size` },
      { ok: false, message: `type [${fn}] is a FUNC, which has no size` },
      { ok: false, message: 'type [999] does not exist' },
    ]);
  });

  it('cuts loops in typedef chains and reports overflowing sizes', () => {
    const w = new BtfWriter();
    w.typedef('a', 2); // [1] -> [2]
    w.typedef('b', 1); // [2] -> [1]
    const int = w.theInt();
    const big = w.array(w.array(int, 0x10000), 0x10000);
    const { btf, diagnostics } = readBtf(w.bytes());
    assert.deepStrictEqual(diagnostics, []);
    assert.deepStrictEqual(btf!.resolveSize(1), { ok: false, message: 'the chain of types from [1] is longer than 32 links (a loop?)' });
    assert.deepStrictEqual(btf!.skipModsAndTypedefs(2), { ok: false, message: 'the chain of typedefs and modifiers from type [2] is longer than 32 links (a loop?)' });
    assert.deepStrictEqual(btf!.resolveSize(big), { ok: false, message: `the size of type [${big}] overflows 32 bits` });
  });

  const good = new BtfWriter();
  good.int();
  const base = good.bytes();
  const cases: { name: string; bytes: Uint8Array; want: string[] }[] = [
    { name: 'an empty section', bytes: new Uint8Array(0), want: ['ELF601 .BTF: truncated header: the section has 0 bytes, the header needs 24'] },
    { name: 'a truncated header', bytes: base.slice(0, 23), want: ['ELF601 .BTF: truncated header: the section has 23 bytes, the header needs 24'] },
    { name: 'big-endian magic', bytes: (() => { const b = base.slice(); b[0] = 0xeb; b[1] = 0x9f; return b; })(), want: ['ELF602 .BTF: bad magic 0x9feb at offset 0x0 (expected 0xeb9f; this BTF is big-endian)'] },
    { name: 'version 2', bytes: (() => { const b = base.slice(); b[2] = 2; return b; })(), want: ['ELF603 .BTF: unsupported version 2 at offset 0x2 (expected 1)'] },
    { name: 'a short header length', bytes: patch32(base, 4, 8), want: [`ELF604 .BTF: header length 0x8 at offset 0x4 is below 0x18 or past the end of the section (size 0x${base.length.toString(16)})`] },
    { name: 'a huge type length', bytes: patch32(base, 12, 0xfffffff0), want: ['ELF605 .BTF: type section at offset 0x0 (length 0xfffffff0) extends past the end of the data (0x15 bytes after the header)'] },
    { name: 'a huge string offset', bytes: patch32(base, 16, 0xffffffff), want: ['ELF605 .BTF: string section at offset 0xffffffff (length 0x5) extends past the end of the data (0x15 bytes after the header)'] },
    { name: 'an unaligned type section', bytes: patch32(patch32(base, 8, 2), 12, 4), want: ['ELF606 .BTF: type section offset 0x2 is not a multiple of 4'] },
    { name: 'a string section without a leading NUL', bytes: patch32(patch32(base, 16, 17), 20, 4), want: ['ELF607 .BTF: the string section must start with an empty string (a NUL byte) and end with a NUL byte'] },
    { name: 'a truncated type', bytes: patch32(base, 12, 14), want: ['ELF608 .BTF: type [1] at offset 0x18 is truncated: it needs 16 bytes, 14 are left; the types from here on were ignored'] },
    { name: 'an unknown kind', bytes: patch32(base, 28, 25 << 24), want: ['ELF609 .BTF: type [1] at offset 0x18 has unknown kind 25; the types from here on were ignored'] },
    { name: 'a name past the strings', bytes: patch32(base, 24, 77), want: ['ELF610 .BTF: type [1]: name offset 0x4d is outside the string section (size 0x5)'] },
  ];
  for (const c of cases) {
    it(`reports ${c.name}`, () => {
      const r = readBtf(c.bytes);
      assert.deepStrictEqual(r.diagnostics.map((d) => `${d.code} ${d.message}`), c.want);
    });
  }

  it('reports a struct with a huge member count and bad type ids', () => {
    const w = new BtfWriter();
    w.ptr(7);
    w.struct('s', 4, [['a', 1, 0], ['b', 9, 0]]);
    w.raw('huge', BTF_KIND.STRUCT, 0xffff, 8, [0, 1, 0]);
    const r = readBtf(w.bytes());
    assert.deepStrictEqual(r.diagnostics.map((d) => `${d.code} ${d.message}`), [
      'ELF608 .BTF: type [3] at offset 0x48 is truncated: it needs 786432 bytes, 24 are left; the types from here on were ignored',
      'ELF611 .BTF: type [1] PTR refers to type [7], which does not exist (the last type is [2])',
      'ELF611 .BTF: type [2] STRUCT refers to type [9], which does not exist (the last type is [2])',
    ]);
    assert.strictEqual(r.btf!.count, 2);
  });

  it('never throws on truncations and byte flips of a real BTF section', () => {
    const { bytes } = standardBtf();
    let seed = 12345;
    const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    for (let len = 0; len <= bytes.length; len += 7) mapsFromObject(objectWith(bytes.slice(0, len), 120));
    for (let k = 0; k < 300; k++) {
      const b = bytes.slice();
      for (let j = 0; j < 3; j++) b[rand(b.length)] = rand(256);
      const r = mapsFromObject(objectWith(b, 120));
      for (const d of r.diagnostics) assert.match(d.code!, /^ELF[67]\d\d$/);
    }
  });
});

describe('maps from BTF without tools', () => {
  it('reads a prog_array with initial programs and a hash_of_maps', () => {
    const w = new BtfWriter();
    const int = w.theInt();
    const jmp = w.mapDef({ type: 3, keySize: 4, maxEntries: 8, values: w.funcProto(int, [['ctx', w.ptr(0)]]) });
    const inner = w.mapDef({ type: 27, maxEntries: 4096 }, 'rb');
    const hom = w.mapDef({ type: 13, key: w.typedef('u32', w.int('unsigned int', 4, false)), valueSize: 4, maxEntries: 2, values: inner });
    w.datasec('.maps', 64, [[w.variable('jmp', jmp), 0, 32], [w.variable('hom', hom, 0), 32, 32]]);
    assert.deepStrictEqual(mapsFromObject(objectWith(w.bytes())), {
      maps: [map('jmp', 'prog_array', 4, 4, 8), map('hom.inner', 'ringbuf', 0, 0, 4096), map('hom', 'hash_of_maps', 4, 4, 2, 0, [], 'hom.inner')],
      diagnostics: [],
    });
  });
});

describe('maps from malformed BTF', () => {
  function single(build: (w: BtfWriter) => number, size = 16): { maps: MapDef[]; diagnostics: string[] } {
    const w = new BtfWriter();
    const def = build(w);
    w.datasec('.maps', size, [[w.variable('m', def), 0, size]]);
    const r = mapsFromObject(objectWith(w.bytes()));
    return { maps: r.maps, diagnostics: r.diagnostics.map((d) => `${d.code} ${d.message}`) };
  }
  const cases: { name: string; build: (w: BtfWriter) => number; want: string }[] = [
    { name: 'a definition that is not a struct', build: (w) => w.theInt(), want: "ELF706 map 'm': unexpected def kind INT (expected STRUCT)" },
    { name: 'a typedef loop above the definition', build: (w) => { w.typedef('x', 2); return w.typedef('y', 1); }, want: "ELF706 map 'm': the chain of typedefs and modifiers from type [2] is longer than 32 links (a loop?)" },
    { name: 'no type attribute', build: (w) => w.struct('', 8, [['max_entries', w.uint(4), 0]]), want: "ELF708 map 'm': no map type: the definition needs __uint(type, ...)" },
    { name: 'an unknown map type', build: (w) => w.mapDef({ type: 200 }), want: "ELF702 map 'm': unknown map type 200" },
    { name: 'an attribute that is not a pointer', build: (w) => w.struct('', 4, [['type', w.theInt(), 0]]), want: "ELF707 map 'm': attr 'type': expected PTR, got INT" },
    { name: 'an attribute that points to a struct', build: (w) => w.struct('', 8, [['type', w.ptr(w.struct('q', 0, [])), 0]]), want: "ELF707 map 'm': attr 'type': expected ARRAY, got STRUCT" },
    { name: 'an unknown field', build: (w) => w.struct('', 16, [['type', w.uint(1), 0], ['colour', w.uint(1), 64]]), want: "ELF709 map 'm': unknown field 'colour'" },
    { name: 'a key that is not a pointer', build: (w) => w.struct('', 16, [['type', w.uint(1), 0], ['key', w.theInt(), 64]]), want: "ELF706 map 'm': key spec is not PTR: INT" },
    { name: 'a value of unknown size', build: (w) => w.mapDef({ type: 1, value: w.fwd('opaque') }), want: "ELF706 map 'm': can't determine value size for type [1]: type [1] is a FWD, which has no size" },
    { name: 'values on a hash', build: (w) => w.mapDef({ type: 1, values: w.mapDef({ type: 2 }) }), want: "ELF706 map 'm': should be map-in-map or prog-array, not hash, to have 'values'" },
    { name: 'values that are not a struct', build: (w) => w.mapDef({ type: 12, values: w.theInt() }), want: "ELF706 map 'm': map-in-map inner def is of unexpected kind INT" },
    { name: 'a map-in-map with a value size other than 4', build: (w) => w.mapDef({ type: 12, valueSize: 8, values: w.mapDef({ type: 2 }) }), want: "ELF706 map 'm': conflicting value size 8 != 4" },
    { name: 'a zero-length array of unsized elements as key', build: (w) => w.mapDef({ type: 1, key: w.array(w.fwd('f'), 0) }), want: "ELF706 map 'm': can't determine key size for type [3]: type [1] is a FWD, which has no size" },
    { name: 'an inner map with values of its own', build: (w) => w.mapDef({ type: 12, values: w.mapDef({ type: 12, values: w.mapDef({ type: 2 }) }) }), want: "ELF706 map 'm.inner': multi-level inner maps are not supported" },
  ];
  for (const c of cases) {
    it(`reports ${c.name}`, () => assert.deepStrictEqual(single(c.build), { maps: [], diagnostics: [c.want] }));
  }

  it('reports .maps entries that are not variables or lie outside the section', () => {
    const w = new BtfWriter();
    const def = w.mapDef({ type: 2, maxEntries: 1 });
    w.datasec('.maps', 64, [[def, 0, 8], [w.variable('far', def), 60, 16], [w.variable('ok', def), 0, 16], [42, 0, 0]]);
    const r = mapsFromObject(objectWith(w.bytes()));
    assert.deepStrictEqual(r.maps, [map('ok', 'array', 0, 0, 1)]);
    assert.deepStrictEqual(r.diagnostics.map((d) => `${d.code} ${d.message}`), [
      'ELF611 .BTF: type [9] DATASEC refers to type [42], which does not exist (the last type is [9])',
      `ELF705 .maps entry 0: type [${def}] is a STRUCT, not a VAR`,
      "ELF706 map 'far': its .maps entry at offset 0x3c (size 16) extends past the end of section .maps (size 0x40)",
      'ELF705 .maps entry 3: type [42] does not exist',
    ]);
  });

  it('reports a map variable with extern linkage', () => {
    const w = new BtfWriter();
    w.datasec('.maps', 8, [[w.variable('ext', w.mapDef({ type: 1 }), 2), 0, 8]]);
    assert.deepStrictEqual(mapsFromObject(objectWith(w.bytes())), { maps: [], diagnostics: [{ code: 'ELF706', message: "map 'ext': unsupported map linkage 2" }] });
  });

  it('reports BTF without a .maps DATASEC', () => {
    const w = new BtfWriter();
    w.int();
    assert.deepStrictEqual(mapsFromObject(objectWith(w.bytes())).diagnostics, [
      { code: 'ELF704', message: "section .maps has no description in .BTF: there is no DATASEC named '.maps'" },
    ]);
  });
});

describe('maps against the kernel (bpftool prog load)', function () {
  before(function () {
    if (!hasTool(LLVM_MC)) { (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); }
    if (process.getuid?.() !== 0) { (this.test!.parent as any).skipReason = 'needs root for the bpf() syscall'; this.skip(); }
    if (!hasTool('bpftool') || !fs.existsSync('/sys/fs/bpf')) { (this.test!.parent as any).skipReason = 'bpftool or bpffs (/sys/fs/bpf) is missing'; this.skip(); }
  });

  it('loads the BTF-maps object and reports the same maps', () => {
    const { bytes, maps } = standardBtf();
    const source = btfMapsSource(maps, bytes);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maps-test-'));
    const pin = `/sys/fs/bpf/ebpf_maps_test_${process.pid}`;
    try {
      const obj = path.join(dir, 'x.o');
      const asm = run(LLVM_MC, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', '-o', obj], source);
      assert.strictEqual(asm.status, 0, asm.stderr);
      const load = run('bpftool', ['prog', 'load', obj, pin]);
      assert.strictEqual(load.status, 0, `bpftool prog load failed:\n${load.stderr}`);
      const prog = JSON.parse(run('bpftool', ['-j', 'prog', 'show', 'pinned', pin]).stdout) as { map_ids: number[] };
      const shown = prog.map_ids.map((id) => JSON.parse(run('bpftool', ['-j', 'map', 'show', 'id', String(id)]).stdout) as {
        name: string; type: string; flags: number; bytes_key: number; bytes_value: number; max_entries: number; btf_id?: number;
      });
      const kernel = shown.map((m) => ({ name: m.name, type: m.type, keySize: m.bytes_key, valueSize: m.bytes_value, maxEntries: m.max_entries, flags: m.flags }));
      const ours = mapsFromObject(readElf(fs.readFileSync(obj)).object!).maps
        .filter((m) => !m.name.endsWith('.inner'))
        .map((m) => ({ name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags }));
      const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
      assert.deepStrictEqual(kernel.sort(byName), ours.sort(byName));
      // libbpf passes our BTF to the kernel with every map that has key or value types: a btf_id on
      // those shows that the kernel's BTF checker accepted what the writer produced.
      assert.deepStrictEqual(shown.filter((m) => m.btf_id !== undefined).map((m) => m.name).sort(), ['counts', 'table']);
    } finally {
      fs.rmSync(pin, { force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
