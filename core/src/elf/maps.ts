/**
 * Map definitions of an object file that carries no `# @map` annotations, read the way libbpf reads
 * them: the legacy `maps` section (an array of `struct bpf_map_def`, one per symbol), and BTF-defined
 * maps in `.maps`, whose layout lives only in `.BTF`. For the latter, each entry of the `.maps` DATASEC
 * names a VAR whose type is a struct; each member of that struct is one attribute. The libbpf macros
 * encode attributes in types, not bytes: `__uint(max_entries, N)` is a pointer to an array of N ints,
 * `__type(key, T)` is a pointer to T, and `__array(values, struct inner)` is a zero-length array of
 * pointers to the inner map's definition struct, which becomes a template map named `<outer>.inner`.
 *
 * This module is pure: it returns the maps it understood and diagnostics (codes ELF7xx, plus the BTF
 * reader's ELF6xx) for the rest; it never throws.
 */
import { MAP_FLAGS, mapTypeById } from '../data/mapTypes';
import type { MapDef } from '../program/model';
import { Btf, BTF_KIND, BtfType, kindName, readBtf } from './btf';
import type { ElfDiagnostic, ObjectFile, ObjSection, ObjSymbol } from './types';

export interface ObjectMapsResult {
  maps: MapDef[];
  diagnostics: ElfDiagnostic[];
}

/** BTF_VAR_STATIC and BTF_VAR_GLOBAL_ALLOCATED: the linkages libbpf accepts for a map. */
const MAP_LINKAGES = new Set([0, 1]);

const hex = (n: number): string => `0x${n.toString(16)}`;

const MESSAGES = {
  ELF701: (name: string, off: number, size: number, secSize: number) =>
    `map '${name}': its definition at offset ${hex(off)} of section maps (${size} bytes) extends past the end of the section (size ${hex(secSize)})`,
  ELF702: (name: string, id: number) => `map '${name}': unknown map type ${id}`,
  ELF703: (names: string) => `section .maps defines ${names} but the object has no .BTF section to describe them`,
  ELF704: () => "section .maps has no description in .BTF: there is no DATASEC named '.maps'",
  ELF705: (i: number, what: string) => `.maps entry ${i}: ${what}`,
  ELF706: (name: string, what: string) => `map '${name}': ${what}`,
  ELF707: (name: string, attr: string, what: string) => `map '${name}': attr '${attr}': ${what}`,
  ELF708: (name: string) => `map '${name}': no map type: the definition needs __uint(type, ...)`,
  ELF709: (name: string, field: string) => `map '${name}': unknown field '${field}'`,
};
type Code = keyof typeof MESSAGES;

/** Collects diagnostics with their codes; shared by the two readers below. */
class Reporter {
  readonly diagnostics: ElfDiagnostic[] = [];

  report<C extends Code>(code: C, ...args: Parameters<(typeof MESSAGES)[C]>): void {
    const message = (MESSAGES[code] as (...a: Parameters<(typeof MESSAGES)[C]>) => string)(...args);
    this.diagnostics.push({ code, message });
  }
}

/**
 * Reads every map definition `obj` carries in `maps` and `.maps`. Never throws. Names in `declared`
 * are defined elsewhere (annotations), so a missing BTF description of them is not a problem.
 */
export function mapsFromObject(obj: ObjectFile, declared: ReadonlySet<string> = new Set()): ObjectMapsResult {
  const out = new Reporter();
  const maps: MapDef[] = [];
  const legacy = obj.sections.find((s) => s.name === 'maps');
  if (legacy) maps.push(...legacyMaps(legacy, symbolsIn(obj, 'maps'), out));
  const btfMapsSec = obj.sections.find((s) => s.name === '.maps');
  if (btfMapsSec) {
    const btfSec = obj.sections.find((s) => s.name === '.BTF');
    if (!btfSec) {
      const all = symbolsIn(obj, '.maps');
      const names = all.filter((s) => !declared.has(s.name)).map((s) => `'${s.name}'`);
      if (all.length === 0) out.report('ELF703', 'maps');
      else if (names.length > 0) out.report('ELF703', `map${names.length > 1 ? 's' : ''} ${names.join(', ')}`);
    } else {
      const read = readBtf(btfSec.data);
      out.diagnostics.push(...read.diagnostics);
      if (read.btf) maps.push(...btfMaps(read.btf, btfMapsSec, out));
    }
  }
  return { maps, diagnostics: out.diagnostics };
}

/**
 * The maps a module built from `obj` should have: the `# @map` annotations first (they win), then the
 * maps the object defines under names no annotation declares. Diagnostics about maps an annotation
 * replaces are dropped, since the object's definition of them is not used.
 */
export function withObjectMaps(annotated: MapDef[], obj: ObjectFile): ObjectMapsResult {
  const declared = new Set(annotated.map((m) => m.name));
  const found = mapsFromObject(obj, declared);
  const mentions = (message: string): boolean => [...declared].some((n) => message.startsWith(`map '${n}'`) || message.startsWith(`map '${n}.inner'`));
  return {
    maps: [...annotated, ...found.maps.filter((m) => !declared.has(m.name) && !declared.has(m.name.replace(/\.inner$/, '')))],
    diagnostics: found.diagnostics.filter((d) => !mentions(d.message)),
  };
}

/** The named symbols defined in `section`, by offset. */
function symbolsIn(obj: ObjectFile, section: string): ObjSymbol[] {
  return obj.symbols
    .filter((s) => s.section === section && s.type !== 'section' && s.type !== 'file' && s.name !== '')
    .sort((a, b) => a.value - b.value);
}

/** Names of the BPF_F_* bits set in `flags`; bits without a name appear as hex numbers. */
function flagNamesOf(flags: number): string[] {
  const names: string[] = [];
  let rest = flags >>> 0;
  for (const f of MAP_FLAGS) {
    if ((rest & f.value) !== 0) {
      names.push(f.name);
      rest = (rest & ~f.value) >>> 0;
    }
  }
  if (rest !== 0) names.push(hex(rest));
  return names;
}

/**
 * The legacy `maps` section. libbpf gave every symbol in it one definition; when symbols carry no
 * size (hand-written assembly often omits `.size`), the section is shared out evenly as libbpf did.
 * A definition is five u32 fields (type, key_size, value_size, max_entries, map_flags); fields missing
 * from a short definition read as zero and bytes past the fifth field are ignored.
 */
function legacyMaps(sec: ObjSection, syms: ObjSymbol[], out: Reporter): MapDef[] {
  const maps: MapDef[] = [];
  const view = new DataView(sec.data.buffer, sec.data.byteOffset, sec.data.byteLength);
  const evenShare = syms.length > 0 ? Math.floor(sec.data.length / syms.length) : 0;
  for (const sym of syms) {
    const size = sym.size > 0 ? sym.size : evenShare;
    if (sym.value + size > sec.data.length) {
      out.report('ELF701', sym.name, sym.value, size, sec.data.length);
      continue;
    }
    const field = (i: number): number => (4 * i + 4 <= size ? view.getUint32(sym.value + 4 * i, true) : 0);
    const typeId = field(0);
    const info = mapTypeById(typeId);
    if (!info) {
      out.report('ELF702', sym.name, typeId);
      continue;
    }
    const flags = field(4);
    maps.push({
      name: sym.name, type: info.name, keySize: field(1), valueSize: field(2), maxEntries: field(3), flags, flagNames: flagNamesOf(flags),
    });
  }
  return maps;
}

/** The BTF-defined maps: one per VAR in the `.maps` DATASEC, plus the inner template of each map-in-map. */
function btfMaps(btf: Btf, sec: ObjSection, out: Reporter): MapDef[] {
  const datasec = btf.find(BTF_KIND.DATASEC, '.maps');
  if (!datasec) {
    out.report('ELF704');
    return [];
  }
  const maps: MapDef[] = [];
  datasec.members.forEach((entry, i) => {
    const v = btf.type(entry.type);
    if (!v || v.kind !== BTF_KIND.VAR) {
      out.report('ELF705', i, v ? `type [${v.id}] is a ${kindName(v.kind)}, not a VAR` : `type [${entry.type}] does not exist`);
      return;
    }
    if (!MAP_LINKAGES.has(v.extra ?? -1)) {
      out.report('ELF706', v.name, `unsupported map linkage ${v.extra ?? '?'}`);
      return;
    }
    const size = entry.size ?? 0;
    if (entry.offset > sec.data.length || size > sec.data.length - entry.offset) {
      out.report('ELF706', v.name, `its .maps entry at offset ${hex(entry.offset)} (size ${size}) extends past the end of section .maps (size ${hex(sec.data.length)})`);
      return;
    }
    const def = btf.skipModsAndTypedefs(v.sizeOrType);
    if (!def.ok) {
      out.report('ELF706', v.name, def.message);
      return;
    }
    if (!def.type || def.type.kind !== BTF_KIND.STRUCT) {
      out.report('ELF706', v.name, `unexpected def kind ${def.type ? kindName(def.type.kind) : 'void'} (expected STRUCT)`);
      return;
    }
    maps.push(...parseDef(btf, v.name, def.type, true, out));
  });
  return maps;
}

/**
 * One map definition struct. Returns the map (and, for a map-in-map with `values`, its inner
 * template first, so that the outer map's `inner` names a map already listed), or nothing when the
 * definition cannot be used.
 */
function parseDef(btf: Btf, name: string, def: BtfType, outer: boolean, out: Reporter): MapDef[] {
  const bad = (what: string): MapDef[] => {
    out.report('ELF706', name, what);
    return [];
  };
  let typeId: number | undefined;
  let keySize: number | undefined;
  let valueSize: number | undefined;
  let keyTypeSize: number | undefined;
  let valueTypeSize: number | undefined;
  let maxEntries = 0;
  let flags = 0;
  let values: BtfType | undefined;
  for (const m of def.members) {
    switch (m.name) {
      case 'type': case 'max_entries': case 'map_flags': case 'key_size': case 'value_size':
      case 'numa_node': case 'pinning': case 'map_extra': {
        const n = uintAttr(btf, m.type);
        if (typeof n === 'string') {
          out.report('ELF707', name, m.name, n);
          return [];
        }
        if (m.name === 'type') typeId = n;
        else if (m.name === 'max_entries') maxEntries = n;
        else if (m.name === 'map_flags') flags = n;
        else if (m.name === 'key_size') keySize = n;
        else if (m.name === 'value_size') valueSize = n;
        break;
      }
      case 'key': case 'value': {
        const p = btf.type(m.type);
        if (!p || p.kind !== BTF_KIND.PTR) return bad(`${m.name} spec is not PTR: ${p ? kindName(p.kind) : m.type === 0 ? 'void' : `type [${m.type}] does not exist`}`);
        const size = btf.resolveSize(p.sizeOrType);
        if (!size.ok) return bad(`can't determine ${m.name} size for type [${p.sizeOrType}]: ${size.message}`);
        if (m.name === 'key') keyTypeSize = size.size;
        else valueTypeSize = size.size;
        break;
      }
      case 'values': {
        if (!outer) return bad('multi-level inner maps are not supported');
        const inner = innerDef(btf, m.type);
        if (typeof inner === 'string') return bad(inner);
        values = inner;
        break;
      }
      default:
        out.report('ELF709', name, m.name);
        return [];
    }
  }
  if (typeId === undefined) {
    out.report('ELF708', name);
    return [];
  }
  const info = mapTypeById(typeId);
  if (!info) {
    out.report('ELF702', name, typeId);
    return [];
  }
  if (keySize !== undefined && keyTypeSize !== undefined && keySize !== keyTypeSize) return bad(`conflicting key size ${keySize} != ${keyTypeSize}`);
  if (valueSize !== undefined && valueTypeSize !== undefined && valueSize !== valueTypeSize) return bad(`conflicting value size ${valueSize} != ${valueTypeSize}`);
  const result: MapDef[] = [];
  let inner: string | undefined;
  if (values) {
    if (info.name !== 'array_of_maps' && info.name !== 'hash_of_maps' && info.name !== 'prog_array') {
      return bad(`should be map-in-map or prog-array, not ${info.name}, to have 'values'`);
    }
    const vs = valueSize ?? valueTypeSize;
    if (vs !== undefined && vs !== 4) return bad(`conflicting value size ${vs} != 4`);
    // The entries of both kinds hold 4-byte ids (map or program file descriptors) from user space.
    valueSize = 4;
    if (info.name !== 'prog_array') {
      if (values.kind !== BTF_KIND.STRUCT) return bad(`map-in-map inner def is of unexpected kind ${kindName(values.kind)}`);
      inner = `${name}.inner`;
      const innerMaps = parseDef(btf, inner, values, false, out);
      if (innerMaps.length === 0) return [];
      result.push(...innerMaps);
    } else if (values.kind !== BTF_KIND.FUNC_PROTO) {
      return bad(`prog-array value def is of unexpected kind ${kindName(values.kind)}`);
    }
  }
  const map: MapDef = {
    name, type: info.name, keySize: keySize ?? keyTypeSize ?? 0, valueSize: valueSize ?? valueTypeSize ?? 0, maxEntries, flags,
    flagNames: flagNamesOf(flags),
  };
  if (inner) map.inner = inner;
  result.push(map);
  return result;
}

/** The N of `__uint(attr, N)`: the member is a pointer to an array of N elements. */
function uintAttr(btf: Btf, typeId: number): number | string {
  const p = btf.skipModsAndTypedefs(typeId);
  if (!p.ok) return p.message;
  if (!p.type || p.type.kind !== BTF_KIND.PTR) return `expected PTR, got ${p.type ? kindName(p.type.kind) : 'void'}`;
  const arr = btf.type(p.type.sizeOrType);
  if (!arr) return `type [${p.type.sizeOrType}] not found`;
  if (arr.kind !== BTF_KIND.ARRAY) return `expected ARRAY, got ${kindName(arr.kind)}`;
  return arr.array!.nelems;
}

/** The definition behind `__array(values, T)`: a zero-length array of pointers to T. */
function innerDef(btf: Btf, typeId: number): BtfType | string {
  const arr = btf.type(typeId);
  if (!arr || arr.kind !== BTF_KIND.ARRAY || arr.array!.nelems !== 0) return 'values spec is not a zero-sized array';
  const p = btf.skipModsAndTypedefs(arr.array!.type);
  if (!p.ok) return p.message;
  if (!p.type || p.type.kind !== BTF_KIND.PTR) return `values def is of unexpected kind ${p.type ? kindName(p.type.kind) : 'void'}`;
  const t = btf.skipModsAndTypedefs(p.type.sizeOrType);
  if (!t.ok) return t.message;
  if (!t.type) return 'values def points to void';
  return t.type;
}
