/**
 * A small reader for the `.BTF` section of a BPF object: the header, the type section and the string
 * section, enough to follow the type graph that clang emits for BTF-defined maps (`.maps`) and to
 * compute the size of a key or value type. The layout is the kernel's (include/uapi/linux/btf.h):
 * a 24-byte header, then `struct btf_type` records of 12 bytes, each followed by data whose size
 * depends on its kind. Type id 0 is `void`; the first record is type 1.
 *
 * Reading never throws. Every problem becomes a diagnostic (codes ELF6xx) and the reader keeps what it
 * could decode: a broken header gives no types, a truncated or unknown record ends the type list
 * there, and a reference to a type id that does not exist is reported once and later resolves to
 * nothing. Loops in reference chains are cut after a fixed number of links, as libbpf does.
 */
import type { ElfDiagnostic } from './types';
import type { BtfParamType } from '../program/model';

export const BTF_MAGIC = 0xeb9f;
const HEADER_SIZE = 24;
/** The kernel's limit on the number of types (BTF_MAX_TYPE). */
const MAX_TYPES = 0xfffff;
/** libbpf follows at most this many modifiers or typedefs before it gives up (MAX_RESOLVE_DEPTH). */
const MAX_RESOLVE_DEPTH = 32;

/** BTF_KIND_* numbers, indexed by name. */
export const BTF_KIND = {
  UNKN: 0, INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, FWD: 7, TYPEDEF: 8, VOLATILE: 9, CONST: 10,
  RESTRICT: 11, FUNC: 12, FUNC_PROTO: 13, VAR: 14, DATASEC: 15, FLOAT: 16, DECL_TAG: 17, TYPE_TAG: 18, ENUM64: 19,
} as const;

const KIND_NAMES = Object.keys(BTF_KIND);

/** The printable name of a kind number ("STRUCT"), or "kind N" for an unknown one. */
export function kindName(kind: number): string {
  return KIND_NAMES[kind] ?? `kind ${kind}`;
}

/** A member of a STRUCT/UNION, an ENUM/ENUM64 value, a FUNC_PROTO parameter or a DATASEC entry. */
export interface BtfMember {
  name: string;
  /** Referenced type id (0 for enum values). */
  type: number;
  /** Bit offset of a struct member, value of an enum entry, byte offset of a DATASEC entry. */
  offset: number;
  /** Byte size of a DATASEC entry. */
  size?: number;
}

export interface BtfType {
  id: number;
  kind: number;
  name: string;
  kindFlag: boolean;
  /** The third word of the record: a size for INT, STRUCT, UNION, ENUM, DATASEC, FLOAT, ENUM64; else a type id. */
  sizeOrType: number;
  /** For ARRAY: element type, index type and element count. */
  array?: { type: number; indexType: number; nelems: number };
  members: BtfMember[];
  /** VAR or FUNC linkage, DECL_TAG component index or INT encoding word. */
  extra?: number;
  /** Offset of the record inside the `.BTF` section. */
  at: number;
}

export type SizeResult = { ok: true; size: number } | { ok: false; message: string };

const hex = (n: number): string => `0x${n.toString(16)}`;

const MESSAGES = {
  ELF601: (len: number) => `.BTF: truncated header: the section has ${len} bytes, the header needs ${HEADER_SIZE}`,
  ELF602: (magic: number) => `.BTF: bad magic ${hex(magic)} at offset 0x0 (expected 0xeb9f${magic === 0x9feb ? '; this BTF is big-endian' : ''})`,
  ELF603: (v: number) => `.BTF: unsupported version ${v} at offset 0x2 (expected 1)`,
  ELF604: (hl: number, len: number) => `.BTF: header length ${hex(hl)} at offset 0x4 is below 0x18 or past the end of the section (size ${hex(len)})`,
  ELF605: (what: string, off: number, n: number, avail: number) =>
    `.BTF: ${what} section at offset ${hex(off)} (length ${hex(n)}) extends past the end of the data (${hex(avail)} bytes after the header)`,
  ELF606: (off: number) => `.BTF: type section offset ${hex(off)} is not a multiple of 4`,
  ELF607: () => '.BTF: the string section must start with an empty string (a NUL byte) and end with a NUL byte',
  ELF608: (id: number, at: number, need: number, left: number) => `.BTF: type [${id}] at offset ${hex(at)} is truncated: it needs ${need} bytes, ${left} are left; the types from here on were ignored`,
  ELF609: (id: number, at: number, kind: number) => `.BTF: type [${id}] at offset ${hex(at)} has unknown kind ${kind}; the types from here on were ignored`,
  ELF610: (id: number, off: number, len: number) => `.BTF: type [${id}]: name offset ${hex(off)} is outside the string section (size ${hex(len)})`,
  ELF611: (id: number, kind: string, ref: number, count: number) => `.BTF: type [${id}] ${kind} refers to type [${ref}], which does not exist (the last type is [${count}])`,
  ELF612: (limit: number) => `.BTF: more than ${limit} types; the rest were ignored`,
};
type Code = keyof typeof MESSAGES;

/** Decodes the NUL-terminated UTF-8 string at `off`, or undefined when `off` is outside `table`. */
function cString(table: Uint8Array, off: number): string | undefined {
  if (off < 0 || off >= table.length) return undefined;
  let end = off;
  while (end < table.length && table[end] !== 0) end++;
  let escaped = '';
  for (let i = off; i < end; i++) escaped += `%${table[i]!.toString(16).padStart(2, '0')}`;
  try {
    return decodeURIComponent(escaped);
  } catch {
    // Not valid UTF-8: show the bytes one by one rather than fail.
    return String.fromCharCode(...table.subarray(off, end));
  }
}

/** Bytes of kind-specific data that follow the 12-byte record. */
function trailingBytes(kind: number, vlen: number): number | undefined {
  switch (kind) {
    case BTF_KIND.INT: case BTF_KIND.VAR: case BTF_KIND.DECL_TAG: return 4;
    case BTF_KIND.ARRAY: return 12;
    case BTF_KIND.STRUCT: case BTF_KIND.UNION: case BTF_KIND.DATASEC: case BTF_KIND.ENUM64: return 12 * vlen;
    case BTF_KIND.ENUM: case BTF_KIND.FUNC_PROTO: return 8 * vlen;
    case BTF_KIND.PTR: case BTF_KIND.FWD: case BTF_KIND.TYPEDEF: case BTF_KIND.VOLATILE: case BTF_KIND.CONST:
    case BTF_KIND.RESTRICT: case BTF_KIND.FUNC: case BTF_KIND.FLOAT: case BTF_KIND.TYPE_TAG: return 0;
    default: return undefined;
  }
}

/** Kinds whose third word is a type id rather than a size. */
const REFERENCE_KINDS = new Set<number>([
  BTF_KIND.PTR, BTF_KIND.TYPEDEF, BTF_KIND.VOLATILE, BTF_KIND.CONST, BTF_KIND.RESTRICT, BTF_KIND.FUNC,
  BTF_KIND.VAR, BTF_KIND.DECL_TAG, BTF_KIND.TYPE_TAG,
]);
/** Kinds skipped when looking for the type underneath: modifiers and typedefs. */
const MODIFIER_KINDS = new Set<number>([
  BTF_KIND.TYPEDEF, BTF_KIND.VOLATILE, BTF_KIND.CONST, BTF_KIND.RESTRICT, BTF_KIND.TYPE_TAG,
]);

export class Btf {
  /** Index = type id; index 0 is the implicit `void`. */
  readonly types: BtfType[] = [];

  /** The string section; `.BTF.ext` names its sections by offsets into it. */
  constructor(readonly strings: Uint8Array = new Uint8Array(1)) {}

  /** The string at offset `off` of the string section, or undefined when `off` is outside it. */
  str(off: number): string | undefined {
    return cString(this.strings, off);
  }

  /** The type with id `id`, or undefined for void and for ids that do not exist. */
  type(id: number): BtfType | undefined {
    return id > 0 ? this.types[id] : undefined;
  }

  /** The last valid type id. */
  get count(): number {
    return this.types.length - 1;
  }

  /** Finds the first type of `kind` named `name`. */
  find(kind: number, name: string): BtfType | undefined {
    return this.types.find((t) => t !== undefined && t.kind === kind && t.name === name);
  }

  /**
   * Follows typedefs and modifiers (const, volatile, restrict, type tags) down to the type they
   * name. Returns a message when the chain is broken or longer than libbpf allows (a loop).
   */
  skipModsAndTypedefs(id: number): { ok: true; type: BtfType | undefined } | { ok: false; message: string } {
    let cur = id;
    for (let depth = 0; depth <= MAX_RESOLVE_DEPTH; depth++) {
      if (cur === 0) return { ok: true, type: undefined };
      const t = this.type(cur);
      if (!t) return { ok: false, message: `type [${cur}] does not exist` };
      if (!MODIFIER_KINDS.has(t.kind)) return { ok: true, type: t };
      cur = t.sizeOrType;
    }
    return { ok: false, message: `the chain of typedefs and modifiers from type [${id}] is longer than ${MAX_RESOLVE_DEPTH} links (a loop?)` };
  }

  /** The size in bytes of type `id`, as libbpf's btf__resolve_size computes it. */
  resolveSize(id: number): SizeResult {
    let cur = id;
    let factor = 1;
    for (let depth = 0; depth <= MAX_RESOLVE_DEPTH; depth++) {
      const t = this.type(cur);
      if (!t) return { ok: false, message: cur === 0 ? 'void has no size' : `type [${cur}] does not exist` };
      switch (t.kind) {
        case BTF_KIND.INT: case BTF_KIND.STRUCT: case BTF_KIND.UNION: case BTF_KIND.ENUM: case BTF_KIND.ENUM64:
        case BTF_KIND.DATASEC: case BTF_KIND.FLOAT: {
          const size = factor * t.sizeOrType;
          if (size > 0xffffffff) return { ok: false, message: `the size of type [${id}] overflows 32 bits` };
          return { ok: true, size };
        }
        case BTF_KIND.PTR:
          return { ok: true, size: factor * 8 };
        case BTF_KIND.ARRAY: {
          // A zero-length array has size 0, but like libbpf we still insist that its element has a size.
          factor *= t.array!.nelems;
          if (factor > 0xffffffff) return { ok: false, message: `the size of type [${id}] overflows 32 bits` };
          cur = t.array!.type;
          break;
        }
        case BTF_KIND.TYPEDEF: case BTF_KIND.VOLATILE: case BTF_KIND.CONST: case BTF_KIND.RESTRICT:
        case BTF_KIND.TYPE_TAG: case BTF_KIND.VAR: case BTF_KIND.DECL_TAG:
          cur = t.sizeOrType;
          break;
        default:
          return { ok: false, message: `type [${cur}] is a ${kindName(t.kind)}, which has no size` };
      }
    }
    return { ok: false, message: `the chain of types from [${id}] is longer than ${MAX_RESOLVE_DEPTH} links (a loop?)` };
  }
}

export interface BtfReadResult {
  /** Absent when the header is unusable. */
  btf?: Btf;
  diagnostics: ElfDiagnostic[];
}

/** Reads the contents of a `.BTF` section. Never throws. */
export function readBtf(data: Uint8Array): BtfReadResult {
  const diagnostics: ElfDiagnostic[] = [];
  // Offsets in the messages count from the start of the `.BTF` section; the file offset of the
  // section is the ELF reader's knowledge, so ElfDiagnostic.offset stays unset here.
  const report = <C extends Code>(code: C, ...args: Parameters<(typeof MESSAGES)[C]>): void => {
    const message = (MESSAGES[code] as (...a: Parameters<(typeof MESSAGES)[C]>) => string)(...args);
    diagnostics.push({ code, message });
  };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < HEADER_SIZE) {
    report('ELF601', data.length);
    return { diagnostics };
  }
  const magic = view.getUint16(0, true);
  if (magic !== BTF_MAGIC) {
    report('ELF602', magic);
    return { diagnostics };
  }
  if (data[2] !== 1) {
    report('ELF603', data[2]!);
    return { diagnostics };
  }
  const hdrLen = view.getUint32(4, true);
  if (hdrLen < HEADER_SIZE || hdrLen > data.length) {
    report('ELF604', hdrLen, data.length);
    return { diagnostics };
  }
  const typeOff = view.getUint32(8, true);
  const typeLen = view.getUint32(12, true);
  const strOff = view.getUint32(16, true);
  const strLen = view.getUint32(20, true);
  const avail = data.length - hdrLen;
  // Compare without adding, so that offsets near 2^32 cannot wrap around.
  if (typeOff > avail || typeLen > avail - typeOff) {
    report('ELF605', 'type', typeOff, typeLen, avail);
    return { diagnostics };
  }
  if (strOff > avail || strLen > avail - strOff) {
    report('ELF605', 'string', strOff, strLen, avail);
    return { diagnostics };
  }
  if (typeOff % 4 !== 0) {
    report('ELF606', typeOff);
    return { diagnostics };
  }
  const strings = data.subarray(hdrLen + strOff, hdrLen + strOff + strLen);
  if (strings.length === 0 || strings[0] !== 0 || strings[strings.length - 1] !== 0) {
    report('ELF607');
    return { diagnostics };
  }

  const btf = new Btf(strings);
  btf.types.length = 1;
  const start = hdrLen + typeOff;
  const end = start + typeLen;
  const nameAt = (id: number, off: number): string => {
    const s = cString(strings, off);
    if (s === undefined) {
      report('ELF610', id, off, strings.length);
      return '';
    }
    return s;
  };
  let at = start;
  while (at < end) {
    const id = btf.types.length;
    if (id > MAX_TYPES) {
      report('ELF612', MAX_TYPES);
      break;
    }
    if (end - at < 12) {
      report('ELF608', id, at, 12, end - at);
      break;
    }
    const info = view.getUint32(at + 4, true);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const more = trailingBytes(kind, vlen);
    if (more === undefined) {
      report('ELF609', id, at, kind);
      break;
    }
    if (end - at < 12 + more) {
      report('ELF608', id, at, 12 + more, end - at);
      break;
    }
    const t: BtfType = {
      id, kind, name: nameAt(id, view.getUint32(at, true)), kindFlag: (info >>> 31) === 1,
      sizeOrType: view.getUint32(at + 8, true), members: [], at,
    };
    const body = at + 12;
    const u32 = (i: number): number => view.getUint32(body + 4 * i, true);
    switch (kind) {
      case BTF_KIND.INT: case BTF_KIND.VAR: t.extra = u32(0); break;
      case BTF_KIND.DECL_TAG: t.extra = view.getInt32(body, true); break;
      // A FUNC keeps its linkage (static, global, extern) where other kinds keep a member count.
      case BTF_KIND.FUNC: t.extra = vlen; break;
      case BTF_KIND.ARRAY: t.array = { type: u32(0), indexType: u32(1), nelems: u32(2) }; break;
      case BTF_KIND.STRUCT: case BTF_KIND.UNION:
        for (let i = 0; i < vlen; i++) t.members.push({ name: nameAt(id, u32(3 * i)), type: u32(3 * i + 1), offset: u32(3 * i + 2) });
        break;
      case BTF_KIND.DATASEC:
        for (let i = 0; i < vlen; i++) t.members.push({ name: '', type: u32(3 * i), offset: u32(3 * i + 1), size: u32(3 * i + 2) });
        break;
      case BTF_KIND.ENUM:
        for (let i = 0; i < vlen; i++) t.members.push({ name: nameAt(id, u32(2 * i)), type: 0, offset: view.getInt32(body + 8 * i + 4, true) });
        break;
      case BTF_KIND.ENUM64:
        for (let i = 0; i < vlen; i++) t.members.push({ name: nameAt(id, u32(3 * i)), type: 0, offset: u32(3 * i + 2) * 2 ** 32 + u32(3 * i + 1) });
        break;
      case BTF_KIND.FUNC_PROTO:
        for (let i = 0; i < vlen; i++) t.members.push({ name: nameAt(id, u32(2 * i)), type: u32(2 * i + 1), offset: 0 });
        break;
      default:
        break;
    }
    btf.types.push(t);
    at = body + more;
  }
  checkReferences(btf, (id, kind, ref) => report('ELF611', id, kind, ref, btf.count));
  return { btf, diagnostics };
}

/** Reports every reference to a type id past the last type, once per referring type and id. */
function checkReferences(btf: Btf, bad: (id: number, kind: string, ref: number) => void): void {
  for (const t of btf.types) {
    if (!t) continue;
    const refs: number[] = [];
    if (REFERENCE_KINDS.has(t.kind) || t.kind === BTF_KIND.FUNC_PROTO) refs.push(t.sizeOrType);
    if (t.array) refs.push(t.array.type, t.array.indexType);
    if (t.kind === BTF_KIND.STRUCT || t.kind === BTF_KIND.UNION || t.kind === BTF_KIND.DATASEC || t.kind === BTF_KIND.FUNC_PROTO) {
      for (const m of t.members) refs.push(m.type);
    }
    for (const ref of new Set(refs)) if (ref > btf.count) bad(t.id, kindName(t.kind), ref);
  }
}

/** The kernel's word for a kind in its messages (btf_type_str): void and unknown kinds are UNKNOWN. */
function kernelKindWord(t: BtfType | undefined): string {
  return t && t.kind > 0 && t.kind < KIND_NAMES.length ? KIND_NAMES[t.kind]! : 'UNKNOWN';
}

/**
 * What a global function's parameter or return type `id` means to the verifier (btf_prepare_func_args):
 * integers and enums are scalars; a pointer records its pointee (after modifiers) and the pointee's
 * size when it has one, since the kernel types it as memory of that size; anything else is unsupported.
 */
export function paramType(btf: Btf, id: number): BtfParamType {
  const r = btf.skipModsAndTypedefs(id);
  const t = r.ok ? r.type : undefined;
  if (t && (t.kind === BTF_KIND.INT || t.kind === BTF_KIND.ENUM || t.kind === BTF_KIND.ENUM64)) return { kind: 'scalar' };
  if (!t || t.kind !== BTF_KIND.PTR) return { kind: 'other', what: kernelKindWord(t) };
  const p = btf.skipModsAndTypedefs(t.sizeOrType);
  const to = p.ok ? p.type : undefined;
  const out: BtfParamType = { kind: 'ptr', toKind: kernelKindWord(to), toName: to?.name ?? '' };
  // The kernel sizes only types that have a size of their own, arrays of them and pointers.
  if (to && to.kind !== BTF_KIND.FUNC_PROTO && to.kind !== BTF_KIND.FWD) {
    const size = btf.resolveSize(to.id);
    if (size.ok) out.size = size.size;
  }
  return out;
}
