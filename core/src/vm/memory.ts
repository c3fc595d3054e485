/**
 * The address space of one run. Programs never touch host memory: every pointer the VM hands out is
 * a tagged 64-bit value whose high half names a region (the stack of a frame, the context, the
 * packet, a map value, a ringbuf record, a data section) and whose low half is an offset biased by
 * 2^31, so pointer arithmetic in either direction stays inside the tag. Every load and store looks
 * the region up and checks the access against the region's valid window; anything else stops the
 * run with a `VmFault` naming the instruction, the address, the region and the size.
 */
import { VmFault } from './fault';
import { W } from './alu64';

/** High half of a region pointer is REGION_TAG + region id. */
export const REGION_TAG = 0x100;
/** High half of a map reference (`r1 = map ll`); the low half is the map's index. */
export const MAP_TAG = 0xfe;
/** High half of a function reference (callbacks); the low half is the slot. */
export const FUNC_TAG = 0xfd;
/** Bias of the low half of a region pointer: offset 0 is 0x80000000. */
export const OFFSET_BIAS = 0x80000000 | 0;

export type RegionKind = 'stack' | 'ctx' | 'packet' | 'mapValue' | 'ringbuf' | 'data' | 'raw' | 'scratch';

export interface Region {
  id: number;
  kind: RegionKind;
  /** Short name used in addresses: `pkt`, `fp`, `ctx`, `map[counts]`, ... */
  name: string;
  /** What the region is, for messages: "packet", "stack of frame 1", ... */
  what: string;
  bytes: Uint8Array;
  dv: DataView;
  /** Valid window [start, end) inside `bytes`. */
  start: number;
  end: number;
  /**
   * The window alone, as bytes (`bytes.subarray(start, end)`) and as a DataView, kept in step by
   * `setWindow`: compiled code accesses memory through them and lets their own bounds checks (a
   * byte read as undefined, a RangeError from the DataView) stand for the window check, which saved
   * an eighth of a byte-hashing loop's time and a sixth of a checksum loop's.
   */
  view: Uint8Array;
  viewDv: DataView;
  /** The offset printed as +0 (the frame pointer for a stack, data for a packet). */
  base: number;
  writable: boolean;
  /**
   * Context fields that read as pointers (32-bit loads at these offsets give a 64-bit pointer): each
   * returns the low half and leaves the high half in W.hi, so a load allocates nothing. Indexed by
   * offset (an array, not a Map: the lookup is on every context load).
   */
  ptrFields: ((() => number) | undefined)[] | undefined;
  /**
   * The same fields as data for the fast tier, by offset: 1 for data, 2 for data_end, 3 for
   * data_meta of the run's packet, 0 elsewhere. Compiled code reads the packet bounds directly
   * instead of calling the getters, which on a short program cost as much as the rest of the run.
   */
  ptrKinds: Int8Array | undefined;
  /** False once the region is released (a submitted ringbuf record, a deleted map element). */
  live: boolean;
}

function windowDv(bytes: Uint8Array, start: number, end: number): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset + start, end - start);
}

export class Memory {
  readonly regions: Region[] = [];
  /** Slot of the instruction being executed, for messages of faults raised inside helpers. */
  slot = -1;

  add(kind: RegionKind, name: string, what: string, bytes: Uint8Array, writable: boolean, start = 0, end = bytes.length, base = start): Region {
    const r: Region = {
      id: this.regions.length, kind, name, what, bytes,
      dv: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      start, end, view: bytes.subarray(start, end), viewDv: windowDv(bytes, start, end), base, writable, ptrFields: undefined, ptrKinds: undefined, live: true,
    };
    this.regions.push(r);
    return r;
  }

  /** Moves a region's valid window (the packet's, after xdp_adjust_* or a reset). */
  static setWindow(r: Region, start: number, end: number): void {
    if (r.start === start && r.end === end) return;
    r.start = start;
    r.end = end;
    r.view = r.bytes.subarray(start, end);
    r.viewDv = windowDv(r.bytes, start, end);
  }

  /** Pointer to `offset` inside region r, as [lo, hi]. */
  static ptr(r: Region, offset: number): [number, number] {
    return [(offset + OFFSET_BIAS) | 0, REGION_TAG + r.id];
  }

  /** Low half of a pointer to `offset` inside region r (the high half is REGION_TAG + r.id). */
  static ptrLo(offset: number): number {
    return (offset + OFFSET_BIAS) | 0;
  }

  regionOf(hi: number): Region | undefined {
    return this.regions[(hi - REGION_TAG) >>> 0];
  }

  /** Loads `size` bytes at (lo,hi)+off; returns the low half, the high half in W.hi. */
  load(lo: number, hi: number, off: number, size: number, slot: number): number {
    const nl = (lo + off) | 0;
    let nh = hi;
    if (off >= 0) { if ((nl >>> 0) < (lo >>> 0)) nh = (nh + 1) | 0; } else if ((nl >>> 0) > (lo >>> 0)) nh = (nh - 1) | 0;
    const r = this.regions[(nh - REGION_TAG) >>> 0];
    const o = nl ^ OFFSET_BIAS;
    if (r === undefined || o < r.start || o + size > r.end || !r.live) throw this.accessFault('read', nl, nh, size, slot);
    if (r.ptrFields !== undefined) {
      const f = r.ptrFields[o];
      if (f !== undefined && size === 4) return f();
    }
    switch (size) {
      case 1: W.hi = 0; return r.bytes[o]!;
      case 2: W.hi = 0; return r.dv.getUint16(o, true);
      case 4: W.hi = 0; return r.dv.getInt32(o, true);
      default: W.hi = r.dv.getInt32(o + 4, true); return r.dv.getInt32(o, true);
    }
  }

  /** Stores the low `size` bytes of (vlo,vhi) at (lo,hi)+off. */
  store(lo: number, hi: number, off: number, size: number, vlo: number, vhi: number, slot: number): void {
    const nl = (lo + off) | 0;
    let nh = hi;
    if (off >= 0) { if ((nl >>> 0) < (lo >>> 0)) nh = (nh + 1) | 0; } else if ((nl >>> 0) > (lo >>> 0)) nh = (nh - 1) | 0;
    const r = this.regions[(nh - REGION_TAG) >>> 0];
    const o = nl ^ OFFSET_BIAS;
    if (r === undefined || o < r.start || o + size > r.end || !r.live) throw this.accessFault('write', nl, nh, size, slot);
    if (!r.writable || (r.ptrFields !== undefined && r.ptrFields[o] !== undefined)) {
      throw new VmFault('read-only', slot, `invalid write of ${size} bytes at ${this.describe(nl, nh)} (${r.what} is read-only${r.writable ? ' there' : ''})`);
    }
    switch (size) {
      case 1: r.bytes[o] = vlo; return;
      case 2: r.dv.setUint16(o, vlo, true); return;
      case 4: r.dv.setInt32(o, vlo, true); return;
      default: r.dv.setInt32(o, vlo, true); r.dv.setInt32(o + 4, vhi, true);
    }
  }

  /** The region and offset of a pointer that must address `size` readable (or writable) bytes. */
  resolve(lo: number, hi: number, size: number, write: boolean, slot: number): { region: Region; offset: number } {
    const r = this.regions[(hi - REGION_TAG) >>> 0];
    const o = lo ^ OFFSET_BIAS;
    if (r === undefined || size < 0 || o < r.start || o + size > r.end || !r.live) throw this.accessFault(write ? 'write' : 'read', lo, hi, size, slot);
    if (write && !r.writable) throw new VmFault('read-only', slot, `invalid write of ${size} bytes at ${this.describe(lo, hi)} (${r.what} is read-only)`);
    return { region: r, offset: o };
  }

  /** Copies bytes out of VM memory (checked). */
  read(lo: number, hi: number, size: number, slot: number): Uint8Array {
    const { region, offset } = this.resolve(lo, hi, size, false, slot);
    return region.bytes.slice(offset, offset + size);
  }

  /** Copies bytes into VM memory (checked). */
  write(lo: number, hi: number, data: Uint8Array, slot: number): void {
    const { region, offset } = this.resolve(lo, hi, data.length, true, slot);
    region.bytes.set(data, offset);
  }

  /** An address in words: `pkt+12`, `fp-8`, `map[counts]+4`, or plain hex for a non-pointer. */
  describe(lo: number, hi: number): string {
    const r = this.regions[(hi - REGION_TAG) >>> 0];
    if (r === undefined) return `0x${(hi >>> 0).toString(16)}${(lo >>> 0).toString(16).padStart(8, '0')}`.replace(/^0x0+(?=.)/, '0x');
    const rel = (lo ^ OFFSET_BIAS) - r.base;
    return `${r.name}${rel < 0 ? '-' : '+'}${Math.abs(rel)}`;
  }

  accessFault(what: 'read' | 'write', lo: number, hi: number, size: number, slot: number): VmFault {
    const r = this.regions[(hi - REGION_TAG) >>> 0];
    const at = this.describe(lo, hi);
    if (r === undefined) {
      const why = hi === MAP_TAG ? 'a map reference, not memory' : hi === FUNC_TAG ? 'a function reference, not memory' : 'not a pointer into any memory region';
      return new VmFault('bad-pointer', slot, `invalid ${what} of ${size} bytes at ${at} (${why})`);
    }
    if (!r.live) return new VmFault(what === 'read' ? 'invalid-read' : 'invalid-write', slot, `invalid ${what} of ${size} bytes at ${at} (${r.what} was released)`);
    const extent = r.kind === 'stack'
      ? `${r.what} is ${r.end - r.start} bytes, fp-${r.base - r.start}..fp`
      : `${r.what} is ${r.end - r.start} bytes`;
    return new VmFault(what === 'read' ? 'invalid-read' : 'invalid-write', slot, `invalid ${what} of ${size} bytes at ${at} (${extent})`);
  }
}
