/**
 * The reverse of maps.ts: writes map definitions into an object as BTF-defined maps, the way clang
 * writes libbpf's `struct { __uint(type, ...); ... } name SEC(".maps");`. Each map becomes a global
 * object symbol in a `.maps` section (zero bytes, 8 per attribute) and a VAR in the `.maps` DATASEC of
 * `.BTF`, whose type is a struct with one member per attribute. The attributes are encoded in types,
 * not bytes, as libbpf's macros do: `__uint(name, N)` is a pointer to an array of N ints, and a
 * map-in-map's `__array(values, struct inner)` is a zero-length array of pointers to the inner map's
 * definition struct. libbpf (and so `bpftool prog load`) creates such maps and patches the program's
 * 64-bit loads of their symbols with the map file descriptors.
 *
 * `# @map` annotations are comments, so an object assembled from source has no definitions for them;
 * `ebpf verify --kernel` adds them here before it hands the object to bpftool.
 */
import { mapTypeByName } from '../data/mapTypes';
import type { MapDef } from '../program/model';
import { readBtf } from './btf';
import { BTF_INT, BTF_LINKAGE, BtfBuilder, type BtfMemberSpec } from './btfWriter';
import { SHF_ALLOC, SHF_WRITE, SHT_PROGBITS, type ObjectFile, type ObjSection, type ObjSymbol } from './types';

export type WithMapsResult = { ok: true; object: ObjectFile } | { ok: false; message: string };

/**
 * `obj` with `maps` defined in a new `.maps` section and described in `.BTF` (added to the object's
 * own `.BTF` when it has one, so that its `.BTF.ext` still fits). `all` are every map of the module,
 * for the templates that `inner=` names. Fails when the object already has a `.maps` section (one
 * DATASEC cannot be extended in place) or a map cannot be described.
 */
export function withBtfMaps(obj: ObjectFile, maps: MapDef[], all: MapDef[] = maps): WithMapsResult {
  if (maps.length === 0) return { ok: true, object: obj };
  if (obj.sections.some((s) => s.name === '.maps')) return { ok: false, message: 'the object already has a .maps section' };
  const oldBtf = obj.sections.find((s) => s.name === '.BTF');
  let b: BtfBuilder;
  if (oldBtf) {
    const read = readBtf(oldBtf.data);
    if (!read.btf || read.diagnostics.length > 0) return { ok: false, message: `the object's .BTF is not usable: ${read.diagnostics[0]?.message ?? 'unreadable'}` };
    b = new BtfBuilder({ bytes: oldBtf.data, count: read.btf.count });
  } else {
    b = new BtfBuilder();
  }
  const int = b.int('int', 4, BTF_INT.SIGNED);
  // `__uint(name, n)` is `int (*name)[n]`; clang's array index type is an int as well.
  const uint = (n: number): number => b.ptr(b.array(int, int, n));

  /** The definition struct of `m` and its size, or why it cannot be written. */
  const defStruct = (m: MapDef, outer: boolean): { id: number; size: number } | string => {
    const info = mapTypeByName(m.type);
    if (!info) return `map '${m.name}': unknown map type '${m.type}'`;
    const members: [string, number][] = [['type', uint(info.id)]];
    if (m.keySize !== 0) members.push(['key_size', uint(m.keySize)]);
    if (m.inner === undefined && m.valueSize !== 0) members.push(['value_size', uint(m.valueSize)]);
    members.push(['max_entries', uint(m.maxEntries)]);
    if (m.flags !== 0) members.push(['map_flags', uint(m.flags)]);
    if (m.inner !== undefined) {
      if (!outer) return `map '${m.name}': an inner map cannot have an inner map itself`;
      const inner = all.find((x) => x.name === m.inner);
      if (!inner) return `map '${m.name}': inner map '${m.inner}' is not declared`;
      const innerStruct = defStruct(inner, false);
      if (typeof innerStruct === 'string') return innerStruct;
      // libbpf takes the value size of a map-in-map (4, a map id) from the `values` member, and
      // insists that the member comes last.
      members.push(['values', b.array(b.ptr(innerStruct.id), int, 0)]);
    }
    const specs: BtfMemberSpec[] = members.map(([name, type], i) => ({ name, type, bitOffset: 64 * i }));
    return { id: b.struct('', 8 * specs.length, specs), size: 8 * specs.length };
  };

  const symbols: ObjSymbol[] = obj.symbols.map((s) => ({ ...s }));
  const entries: { type: number; offset: number; size: number }[] = [];
  let size = 0;
  for (const m of maps) {
    const def = defStruct(m, true);
    if (typeof def === 'string') return { ok: false, message: def };
    const structSize = def.size;
    const v = b.variable(m.name, def.id, BTF_LINKAGE.GLOBAL);
    entries.push({ type: v, offset: size, size: structSize });
    const sym = symbols.find((s) => s.name === m.name && s.type !== 'section' && s.type !== 'file');
    const defined: ObjSymbol = { name: m.name, section: '.maps', value: size, size: structSize, type: 'object', bind: 'global' };
    if (sym) {
      if (sym.section !== undefined) return { ok: false, message: `map '${m.name}': the symbol is already defined in section ${sym.section}` };
      Object.assign(sym, defined);
    } else {
      symbols.push(defined);
    }
    size += structSize;
  }
  b.datasec('.maps', size, entries);
  const mapsSection: ObjSection = { name: '.maps', type: SHT_PROGBITS, flags: SHF_WRITE | SHF_ALLOC, align: 8, data: new Uint8Array(size) };
  const btfSection: ObjSection = { name: '.BTF', type: SHT_PROGBITS, flags: 0, align: 4, data: b.bytes() };
  // `.BTF` keeps its place when the object has one; `.maps` goes before it, as clang orders them.
  const sections = obj.sections.filter((s) => s.name !== '.BTF');
  const at = oldBtf ? obj.sections.indexOf(oldBtf) : sections.length;
  sections.splice(at, 0, mapsSection, btfSection);
  const out: ObjectFile = { sections, symbols, relocations: obj.relocations };
  if (obj.addrsig) out.addrsig = obj.addrsig;
  return { ok: true, object: out };
}
