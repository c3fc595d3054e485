/**
 * The maps of a run. Each map keeps its entries in plain byte arrays; a value handed to the program
 * (by map_lookup_elem) becomes a memory region of the run, so the program's loads and stores into it
 * are checked like any other access and its changes are visible to later lookups. One CPU is
 * emulated, so per-CPU maps behave like their shared counterparts from the program's point of view.
 */
import type { MapDef } from '../program/model';
import { Memory, type Region, MAP_TAG } from './memory';

export const EPERM = 1, ENOENT = 2, E2BIG = 7, EBUSY = 16, EEXIST = 17, EINVAL = 22, ENOSPC = 28, EOPNOTSUPP = 95;

const BPF_NOEXIST = 1, BPF_EXIST = 2;

export type MapKind = 'array' | 'hash' | 'prog_array' | 'map_of_maps' | 'devmap' | 'ringbuf' | 'perf' | 'queue' | 'stack' | 'other';

export function mapKind(type: string): MapKind {
  switch (type) {
    case 'array': case 'percpu_array': case 'cgroup_array': return 'array';
    case 'hash': case 'percpu_hash': case 'lru_hash': case 'lru_percpu_hash': return 'hash';
    case 'prog_array': return 'prog_array';
    // Redirect targets: slots that are empty until set (from --maps), consulted by bpf_redirect_map.
    case 'devmap': case 'devmap_hash': case 'cpumap': case 'xskmap': return 'devmap';
    case 'array_of_maps': case 'hash_of_maps': return 'map_of_maps';
    case 'ringbuf': return 'ringbuf';
    case 'perf_event_array': return 'perf';
    case 'queue': return 'queue';
    case 'stack': return 'stack';
    default: return 'other';
  }
}

interface Entry { key: Uint8Array; value: Uint8Array; region: Region | undefined; used: number }

function keyText(k: Uint8Array): string {
  let s = '';
  for (let i = 0; i < k.length; i++) s += String.fromCharCode(k[i]!);
  return s;
}

export class VmMap {
  readonly kind: MapKind;
  /** Entries by key (arrays are filled at creation). */
  private readonly entries = new Map<string, Entry>();
  /** Queue/stack contents. */
  readonly items: Uint8Array[] = [];
  /** Ringbuf: records submitted so far, and bytes in use (reserved or submitted, not consumed). */
  readonly records: Uint8Array[] = [];
  ringUsed = 0;
  private clock = 0;

  constructor(readonly def: MapDef, readonly index: number, private readonly mem: Memory) {
    this.kind = mapKind(def.type);
    this.arrayLike = this.kind === 'array' || this.kind === 'prog_array' || this.kind === 'devmap' || (this.kind === 'map_of_maps' && def.type === 'array_of_maps');
  }

  /** Arrays (and prog/dev/map arrays) have every index from 0 to max_entries - 1; entries are made on first use. */
  private readonly arrayLike: boolean;

  private arraySlot(key: Uint8Array): Entry | undefined {
    if (key.length < 4) return undefined;
    const i = new DataView(key.buffer, key.byteOffset).getUint32(0, true);
    if (i >= this.def.maxEntries) return undefined;
    const k = keyText(key);
    let e = this.entries.get(k);
    if (e === undefined) {
      const value = new Uint8Array(this.kind === 'array' ? this.def.valueSize : this.kind === 'devmap' ? Math.max(4, this.def.valueSize) : 4);
      if (this.kind !== 'array') new DataView(value.buffer).setInt32(0, -1, true);
      e = { key: key.slice(0, 4), value, region: undefined, used: 0 };
      this.entries.set(k, e);
    }
    return e;
  }

  /** The map reference a program holds (`r1 = map ll`). */
  ref(): [number, number] {
    return [this.index, MAP_TAG];
  }

  get name(): string { return this.def.name; }

  private entry(key: Uint8Array): Entry | undefined {
    const e = this.arrayLike ? this.arraySlot(key) : this.entries.get(keyText(key));
    if (e !== undefined) e.used = ++this.clock;
    return e;
  }

  /** For array-like maps: whether the slot holds something (prog/map arrays use -1 for empty). */
  private occupied(e: Entry): boolean {
    return this.kind === 'array' || this.kind === 'hash' || new DataView(e.value.buffer, e.value.byteOffset).getInt32(0, true) >= 0;
  }

  /** The value stored under key, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    const e = this.entry(key);
    return e !== undefined && this.occupied(e) ? e.value : undefined;
  }

  /** A region for the value under key, created on first use, or undefined when absent. */
  lookupRegion(key: Uint8Array): Region | undefined {
    const e = this.entry(key);
    if (e === undefined || !this.occupied(e)) return undefined;
    if (e.region === undefined) {
      const label = this.kind === 'array' ? `[${new DataView(key.buffer, key.byteOffset).getUint32(0, true)}]` : '';
      e.region = this.mem.add('mapValue', `${this.def.name}${label}`, `value of map ${this.def.name}`, e.value,
        (this.def.flags & 0x80) === 0 /* BPF_F_RDONLY_PROG */);
    }
    return e.region;
  }

  /** map_update_elem: 0 or a negative errno, as the kernel returns it. */
  update(key: Uint8Array, value: Uint8Array, flags: number): number {
    if ((flags & 3) === 3 || flags > 4) return -EINVAL;
    const k = keyText(key);
    const e = this.arrayLike ? this.arraySlot(key) : this.entries.get(k);
    if (this.arrayLike) {
      if (e === undefined) return -E2BIG;
      if (flags === BPF_NOEXIST) return -EEXIST;
      e.value.set(value.subarray(0, e.value.length));
      return 0;
    }
    if (this.kind !== 'hash' && this.kind !== 'map_of_maps') return -EINVAL;
    if (e !== undefined) {
      if (flags === BPF_NOEXIST) return -EEXIST;
      // The kernel replaces the element; a pointer to the old value stays readable (RCU), so give the new value a new region.
      const value2 = new Uint8Array(this.def.valueSize);
      value2.set(value.subarray(0, value2.length));
      this.entries.delete(k);
      this.entries.set(k, { key: key.slice(), value: value2, region: undefined, used: ++this.clock });
      return 0;
    }
    if (flags === BPF_EXIST) return -ENOENT;
    if (this.entries.size >= this.def.maxEntries) {
      if (!this.def.type.startsWith('lru_')) return -E2BIG;
      let oldest: string | undefined, oldestUse = Infinity;
      for (const [kk, ee] of this.entries) if (ee.used < oldestUse) { oldest = kk; oldestUse = ee.used; }
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const v = new Uint8Array(this.def.valueSize);
    v.set(value.subarray(0, v.length));
    this.entries.set(k, { key: key.slice(), value: v, region: undefined, used: ++this.clock });
    return 0;
  }

  delete(key: Uint8Array): number {
    if (this.kind === 'array') return -EINVAL;
    const k = keyText(key);
    const e = this.arrayLike ? this.arraySlot(key) : this.entries.get(k);
    if (this.arrayLike) {
      if (e === undefined) return -E2BIG;
      const wasSet = this.occupied(e);
      new DataView(e.value.buffer, e.value.byteOffset).setInt32(0, -1, true);
      return wasSet ? 0 : -ENOENT;
    }
    if (e === undefined) return -ENOENT;
    this.entries.delete(k);
    return 0;
  }

  /** Queue and stack maps. */
  push(value: Uint8Array, flags: number): number {
    if (this.items.length >= this.def.maxEntries) {
      if ((flags & 2) === 0) return -E2BIG; // BPF_EXIST replaces the oldest element
      this.items.shift();
    }
    this.items.push(value.slice(0, this.def.valueSize));
    return 0;
  }

  /** Takes (pop) or reads (peek) the next element; undefined when empty. */
  take(remove: boolean): Uint8Array | undefined {
    if (this.items.length === 0) return undefined;
    if (this.kind === 'queue') return remove ? this.items.shift() : this.items[0];
    return remove ? this.items.pop() : this.items[this.items.length - 1];
  }

  /** Entries in insertion order (for for_each_map_elem and for dumps). */
  list(): { key: Uint8Array; value: Uint8Array }[] {
    const out: { key: Uint8Array; value: Uint8Array }[] = [];
    if (this.arrayLike) {
      // Small arrays list every index, as the kernel iterates them; big ones only the indices in use.
      if (this.def.maxEntries <= 65536) for (let i = 0; i < this.def.maxEntries; i++) this.arraySlot(u32(i));
      const used = [...this.entries.values()].sort((a, b) => keyIndex(a.key) - keyIndex(b.key));
      for (const e of used) if (this.occupied(e)) out.push({ key: e.key, value: e.value });
      return out;
    }
    for (const e of this.entries.values()) if (this.occupied(e)) out.push({ key: e.key, value: e.value });
    return out;
  }

  /** The region of an existing entry (for for_each_map_elem callbacks). */
  regionFor(key: Uint8Array): Region | undefined {
    return this.lookupRegion(key);
  }

  count(): number {
    return this.kind === 'queue' || this.kind === 'stack' ? this.items.length : this.list().length;
  }
}

function keyIndex(k: Uint8Array): number {
  return new DataView(k.buffer, k.byteOffset).getUint32(0, true);
}

export function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}
