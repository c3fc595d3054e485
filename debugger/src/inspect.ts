/**
 * The variables the debugger shows, as a tree of plain nodes built from the runtime's machine:
 * registers (hex, unsigned, signed; pointers as region+offset), each frame's stack in 8-byte slots,
 * the context by field name, the packet bytes, the maps and their entries. Nodes that can be changed
 * carry a setter that goes through the runtime's edit log, so step-back replays keep the change.
 * The session turns nodes into DAP variables; nothing here knows DAP.
 */
import type { Machine } from '../../core/src/vm/machine';
import { MAP_TAG, FUNC_TAG, REGION_TAG, OFFSET_BIAS, type Region } from '../../core/src/vm/memory';
import { ctxLayoutFor } from '../../core/src/data/ctx';
import { W } from '../../core/src/vm/alu64';
import { evaluate, numeric } from './expr';
import type { EbpfRuntime } from './runtime';
import { encodeValue } from './setup';

export interface VarNode {
  name: string;
  value: string;
  type?: string;
  memoryReference?: string;
  evaluateName?: string;
  children?: () => VarNode[];
  /** Changes the value; returns an error message, or undefined when done. */
  set?: (text: string) => string | undefined;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;
const bytesHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** The 64-bit tagged address of `offset` in region r, as the hex memory reference of the DAP. */
export function regionAddress(r: Region, offset: number): bigint {
  return (BigInt(REGION_TAG + r.id) << 32n) | BigInt(((offset + OFFSET_BIAS) | 0) >>> 0);
}

/** Decodes a memory reference (hex tagged address) into region and offset. */
export function decodeAddress(m: Machine, addr: bigint): { region: Region; offset: number } | undefined {
  const hi = Number(BigInt.asIntN(32, addr >> 32n)), lo = Number(BigInt.asIntN(32, addr));
  const region = m.mem.regionOf(hi);
  if (region === undefined) return undefined;
  return { region, offset: lo ^ OFFSET_BIAS };
}

/** A register value in words: `pkt+14`, `map counts`, or `0x2a (42)` with the signed value when it differs. */
export function describeValue(m: Machine, v: bigint): { text: string; pointer: boolean } {
  const hi = Number(BigInt.asIntN(32, v >> 32n)), lo = Number(BigInt.asIntN(32, v));
  if (hi === MAP_TAG && m.maps[lo] !== undefined) return { text: `map ${m.maps[lo]!.name}`, pointer: false };
  if (hi === FUNC_TAG && lo >= 0 && lo < m.code.length) return { text: `func @${lo}`, pointer: false };
  if (m.mem.regionOf(hi) !== undefined && hi >= REGION_TAG) return { text: m.mem.describe(lo, hi), pointer: true };
  const s = BigInt.asIntN(64, v);
  return { text: s < 0n ? `${hex(v)} (${v}, ${s})` : `${hex(v)} (${v})`, pointer: false };
}

function parseNumber(rt: EbpfRuntime, text: string): bigint | string {
  const v = evaluate(text, rt.env());
  if ('error' in v) return v.error;
  return BigInt.asUintN(64, numeric(v));
}

/** Register nodes of stack frame `frame` (0 = innermost). Outer frames know only r6..r10 (saved at the call). */
export function registers(rt: EbpfRuntime, frame: number): VarNode[] {
  const m = rt.m;
  const out: VarNode[] = [];
  const j = m.frames.length - 1 - frame;
  for (let r = 0; r <= 10; r++) {
    let v: bigint;
    if (frame === 0) v = rt.reg(r);
    else {
      if (r < 6) continue;
      const saved = m.frames[j + 1]!.saved;
      v = (BigInt(saved[(r - 6) * 2 + 1]! >>> 0) << 32n) | BigInt(saved[(r - 6) * 2]! >>> 0);
    }
    const d = describeValue(m, v);
    const node: VarNode = { name: `r${r}`, value: d.text, type: d.pointer ? 'pointer' : 'u64', evaluateName: `r${r}` };
    if (d.pointer) node.memoryReference = hex(v);
    if (frame === 0 && r !== 10) {
      node.set = (text) => {
        const n = parseNumber(rt, text);
        if (typeof n === 'string') return n;
        rt.setReg(r, n);
        return undefined;
      };
    }
    out.push(node);
  }
  return out;
}

function u64At(bytes: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i] ?? 0);
  return v;
}

/** The stack of frame `frame` as 8-byte slots fp-8, fp-16, ... down to the deepest slot in use. */
export function stackSlots(rt: EbpfRuntime, frame: number): VarNode[] {
  const m = rt.m;
  const j = m.frames.length - 1 - frame;
  const region = m.frames[j]!.stack;
  // Show at least eight slots, and every slot down to the deepest one that holds something.
  let deepest = 64;
  for (let off = 8; off <= region.base - region.start; off += 8) if (u64At(region.bytes, region.base - off) !== 0n) deepest = Math.max(deepest, off);
  const out: VarNode[] = [];
  for (let off = 8; off <= deepest; off += 8) {
    const at = region.base - off;
    const v = u64At(region.bytes, at);
    const d = describeValue(m, v);
    out.push({
      name: `fp-${off}`, value: d.text, type: 'u64', memoryReference: hex(regionAddress(region, at)),
      evaluateName: `*(u64 *)(${frame === 0 ? 'r10' : `0x${regionAddress(region, region.base).toString(16)}`} - ${off})`,
      set: (text) => {
        const n = parseNumber(rt, text);
        if (typeof n === 'string') return n;
        const b = encodeValue(n, 8);
        return typeof b === 'string' ? b : rt.write(regionAddress(region, at), b);
      },
    });
  }
  return out;
}

/** Context fields by name, from the program type's context layout (`__sk_buff`, `xdp_md`, ...). */
export function contextFields(rt: EbpfRuntime): VarNode[] {
  const m = rt.m;
  const ctx = m.ctxRegion;
  const layout = ctxLayoutFor(m.progType);
  if (ctx === undefined || ctx.kind !== 'ctx' || layout === undefined) return [];
  const out: VarNode[] = [];
  for (const f of layout.fields) {
    if (f.readable === false || f.offset + f.size > ctx.bytes.length) continue;
    const off = f.offset;
    const ptr = ctx.ptrFields?.[off];
    if (ptr !== undefined) {
      // A pointer field's getter returns the low half and leaves the high half in the VM's scratch.
      const lo = ptr();
      const hi = W.hi;
      out.push({ name: f.name, value: m.mem.describe(lo, hi), type: 'pointer', memoryReference: hex((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)) });
      continue;
    }
    const size = f.size === 8 ? 8 : f.size === 2 ? 2 : f.size === 1 ? 1 : 4;
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(ctx.bytes[off + i]!);
    out.push({
      name: f.name, value: `${v}${v > 9n ? ` (0x${v.toString(16)})` : ''}`, type: `u${size * 8}`, evaluateName: `*(u${size * 8} *)(ctx + ${off})`,
      memoryReference: hex(regionAddress(ctx, off)),
      set: (text: string) => {
        const n = parseNumber(rt, text);
        if (typeof n === 'string') return n;
        const b = encodeValue(n, size);
        if (typeof b === 'string') return b;
        rt.edit((mm) => { mm.ctxRegion!.bytes.set(b, off); });
        return undefined;
      },
    });
  }
  return out;
}

/** The packet as rows of 16 bytes, offsets relative to data. */
export function packetRows(rt: EbpfRuntime): VarNode[] {
  const p = rt.m.packet;
  if (p === undefined) return [];
  const out: VarNode[] = [];
  for (let at = p.data; at < p.end; at += 16) {
    out.push({ name: `pkt+${at - p.data}`, value: bytesHex(p.region.bytes.subarray(at, Math.min(at + 16, p.end))), memoryReference: hex(regionAddress(p.region, at)) });
  }
  return out;
}

/** Summary and reference of the packet, for the scope's own line. */
export function packetInfo(rt: EbpfRuntime): { length: number; memoryReference?: string } {
  const p = rt.m.packet;
  if (p === undefined) return { length: 0 };
  return { length: p.end - p.data, memoryReference: hex(regionAddress(p.region, p.data)) };
}

function keyName(key: Uint8Array): string {
  if (key.length === 4) return String(new DataView(key.buffer, key.byteOffset, 4).getUint32(0, true));
  return bytesHex(key);
}

function valueText(v: Uint8Array): string {
  if (v.length <= 8) {
    const n = u64At(Uint8Array.from({ length: 8 }, (_x, i) => v[i] ?? 0), 0);
    return `${bytesHex(v)} (${n})`;
  }
  return bytesHex(v);
}

/** Entries shown per map at most, so huge arrays stay readable. */
const MAX_ENTRIES = 256;

/** The maps, each with its entries; values can be changed. */
export function maps(rt: EbpfRuntime): VarNode[] {
  return rt.m.maps.map((map) => ({
    name: map.name,
    value: `${map.def.type}, ${map.count()} entries (key ${map.def.keySize} B, value ${map.def.valueSize} B)`,
    type: 'map',
    children: () => {
      if (map.kind === 'queue' || map.kind === 'stack') return map.items.map((v, i) => ({ name: `[${i}]`, value: valueText(v) }));
      if (map.kind === 'ringbuf') return map.records.map((v, i) => ({ name: `record ${i}`, value: bytesHex(v) }));
      return map.list().slice(0, MAX_ENTRIES).map((e) => ({
        name: keyName(e.key), value: valueText(e.value), type: `${map.def.valueSize} bytes`,
        set: (text: string) => {
          let b: Uint8Array | string;
          if (/^\s*(0x)?[0-9a-fA-F]{2}(\s+[0-9a-fA-F]{2})+\s*$/.test(text) || (!/^\s*\d+\s*$/.test(text) && text.replace(/\s/g, '').length === e.value.length * 2 && /^[0-9a-fA-F\s]+$/.test(text))) b = encodeValue(text, e.value.length);
          else {
            const n = parseNumber(rt, text);
            b = typeof n === 'string' ? n : encodeValue(n, e.value.length);
          }
          if (typeof b === 'string') return b;
          const key = e.key.slice(), value = b;
          rt.edit((mm) => { mm.maps[map.index]!.update(key, value, 0); });
          return undefined;
        },
      }));
    },
  }));
}
