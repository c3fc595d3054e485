/**
 * Encodes a `.BTF` section: the 24-byte header, the type records and the string table, in the
 * kernel's layout (include/uapi/linux/btf.h), which `readBtf` reads back. Types get ids from 1 in the
 * order they are added; every method returns the new type's id. The kinds a BPF object needs for
 * its functions, maps and global variables are here: INT, PTR, ARRAY, STRUCT, UNION, TYPEDEF, CONST,
 * FWD, FUNC_PROTO, FUNC, VAR and DATASEC.
 *
 * A builder can also start from an existing `.BTF` section and append to it: the old type ids and
 * string offsets stay valid, so a `.BTF.ext` that refers to them still fits. `ebpf verify --kernel`
 * uses that to add map definitions to an object that already carries function types.
 */
import { BTF_KIND, BTF_MAGIC } from './btf';

const HEADER_SIZE = 24;

/** BTF_INT_SIGNED, BTF_INT_CHAR and BTF_INT_BOOL: the encoding bits of an INT. */
export const BTF_INT = { SIGNED: 1, CHAR: 2, BOOL: 4 } as const;
/** Linkage of a FUNC (static, global or extern) and of a VAR (static, global, extern). */
export const BTF_LINKAGE = { STATIC: 0, GLOBAL: 1, EXTERN: 2 } as const;

export interface BtfMemberSpec { name: string; type: number; /** Offset in bits from the start of the struct. */ bitOffset: number }
export interface BtfParamSpec { name: string; type: number }
export interface BtfDatasecEntry { type: number; offset: number; size: number }

/** UTF-8 bytes of `s`, without TextEncoder (core has no DOM or Node typings). */
function utf8(s: string): number[] {
  const escaped = encodeURIComponent(s);
  const out: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] === '%') {
      out.push(parseInt(escaped.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(escaped.charCodeAt(i));
    }
  }
  return out;
}

export class BtfBuilder {
  private readonly words: number[] = [];
  /** Raw type records copied from a base section, written before the new ones. */
  private readonly baseTypes: Uint8Array;
  private readonly strs: number[];
  private readonly strOffsets = new Map<string, number>();
  private next: number;

  /**
   * A builder for a new section, or one that appends to `base` (the bytes of an existing `.BTF`
   * section, which must be well formed: read it with `readBtf` first) whose last type id is `baseCount`.
   */
  constructor(base?: { bytes: Uint8Array; count: number }) {
    if (base) {
      const view = new DataView(base.bytes.buffer, base.bytes.byteOffset, base.bytes.byteLength);
      const hdr = view.getUint32(4, true);
      const typeOff = view.getUint32(8, true);
      const typeLen = view.getUint32(12, true);
      const strOff = view.getUint32(16, true);
      const strLen = view.getUint32(20, true);
      this.baseTypes = base.bytes.slice(hdr + typeOff, hdr + typeOff + typeLen);
      this.strs = Array.from(base.bytes.subarray(hdr + strOff, hdr + strOff + strLen));
      this.next = base.count + 1;
    } else {
      this.baseTypes = new Uint8Array(0);
      this.strs = [0];
      this.next = 1;
    }
    this.strOffsets.set('', 0);
  }

  /** The id the next type will get. */
  get nextId(): number {
    return this.next;
  }

  /** Offset of `s` in the string table, adding it when this builder has not added it before. */
  str(s: string): number {
    let off = this.strOffsets.get(s);
    if (off === undefined) {
      off = this.strs.length;
      this.strs.push(...utf8(s), 0);
      this.strOffsets.set(s, off);
    }
    return off;
  }

  /** Appends one record (name, kind, vlen, kind flag, third word, then the kind's data) and returns its id. */
  private add(name: string, kind: number, vlen: number, third: number, data: number[] = [], kindFlag = false): number {
    this.words.push(this.str(name), ((kindFlag ? 0x80000000 : 0) | (kind << 24) | vlen) >>> 0, third >>> 0, ...data.map((w) => w >>> 0));
    return this.next++;
  }

  /** An integer of `size` bytes; `encoding` is a set of BTF_INT bits, `bits` defaults to the whole size. */
  int(name: string, size: number, encoding = 0, bits = size * 8): number {
    return this.add(name, BTF_KIND.INT, 0, size, [(encoding << 24) | bits]);
  }

  ptr(type: number): number {
    return this.add('', BTF_KIND.PTR, 0, type);
  }

  array(elem: number, index: number, nelems: number): number {
    return this.add('', BTF_KIND.ARRAY, 0, 0, [elem, index, nelems]);
  }

  struct(name: string, size: number, members: BtfMemberSpec[]): number {
    return this.add(name, BTF_KIND.STRUCT, members.length, size, members.flatMap((m) => [this.str(m.name), m.type, m.bitOffset]));
  }

  union(name: string, size: number, members: BtfMemberSpec[]): number {
    return this.add(name, BTF_KIND.UNION, members.length, size, members.flatMap((m) => [this.str(m.name), m.type, m.bitOffset]));
  }

  typedef(name: string, type: number): number {
    return this.add(name, BTF_KIND.TYPEDEF, 0, type);
  }

  const(type: number): number {
    return this.add('', BTF_KIND.CONST, 0, type);
  }

  /** A forward declaration of a struct (or, with `union`, of a union). */
  fwd(name: string, union = false): number {
    return this.add(name, BTF_KIND.FWD, 0, 0, [], union);
  }

  /** A function prototype; type 0 is `void` for the return type. */
  funcProto(ret: number, params: BtfParamSpec[]): number {
    return this.add('', BTF_KIND.FUNC_PROTO, params.length, ret, params.flatMap((p) => [this.str(p.name), p.type]));
  }

  func(name: string, proto: number, linkage: number = BTF_LINKAGE.GLOBAL): number {
    return this.add(name, BTF_KIND.FUNC, linkage, proto);
  }

  variable(name: string, type: number, linkage: number = BTF_LINKAGE.GLOBAL): number {
    return this.add(name, BTF_KIND.VAR, 0, type, [linkage]);
  }

  /** A data section: one entry per variable, with its VAR id, byte offset and size. */
  datasec(name: string, size: number, entries: BtfDatasecEntry[]): number {
    return this.add(name, BTF_KIND.DATASEC, entries.length, size, entries.flatMap((e) => [e.type, e.offset, e.size]));
  }

  /** The section's bytes: header, types (those of the base first), strings. */
  bytes(): Uint8Array {
    const typeLen = this.baseTypes.length + 4 * this.words.length;
    const out = new Uint8Array(HEADER_SIZE + typeLen + this.strs.length);
    const view = new DataView(out.buffer);
    view.setUint16(0, BTF_MAGIC, true);
    out[2] = 1;
    view.setUint32(4, HEADER_SIZE, true);
    view.setUint32(8, 0, true);
    view.setUint32(12, typeLen, true);
    view.setUint32(16, typeLen, true);
    view.setUint32(20, this.strs.length, true);
    out.set(this.baseTypes, HEADER_SIZE);
    const at = HEADER_SIZE + this.baseTypes.length;
    this.words.forEach((w, i) => view.setUint32(at + 4 * i, w, true));
    out.set(this.strs, HEADER_SIZE + typeLen);
    return out;
  }
}
