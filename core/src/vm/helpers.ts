/**
 * The helper functions the interpreter emulates, by id. Each reads its arguments from r1..r5 and
 * leaves its result in r0, with the kernel's return values and errno numbers. Memory arguments go
 * through the checked address space, so a helper can never touch anything a program could not. A
 * helper the kernel has but we do not emulate stops the run with "helper bpf_NAME (#ID) is not
 * emulated"; it never returns a silent 0.
 */
import { HELPERS_1 } from '../data/helpers/part1';
import { HELPERS_2 } from '../data/helpers/part2';
import { HELPERS_3 } from '../data/helpers/part3';
import type { HelperHost, Machine } from './machine';
import { VmFault } from './fault';
import { Memory, MAP_TAG, FUNC_TAG } from './memory';
import { E2BIG, EINVAL, ENOENT, type VmMap, u32 } from './maps';
import { formatPrintf, type PrintfArg } from './printk';
import { csumDiff, csumReplace } from './csum';
import { syncPacketWindow } from './ctx';

const EFAULT = 14, EAGAIN = 11, EACCES = 13;

const names = new Map<number, string>();
for (const h of [...HELPERS_1, ...HELPERS_2, ...HELPERS_3]) names.set(h.id, h.name);

/** Kernel name of a helper id (bpf_...), or undefined for an unknown id. */
export function helperName(id: number): string | undefined {
  const n = names.get(id);
  return n === undefined ? undefined : n.startsWith('bpf_') ? n : `bpf_${n}`;
}

type Impl = (m: Machine, slot: number) => void;

function setR0(m: Machine, lo: number, hi = lo < 0 ? -1 : 0): void {
  m.L[0] = lo | 0;
  m.H[0] = hi | 0;
}

function setR0Big(m: Machine, v: bigint): void {
  m.L[0] = Number(BigInt.asIntN(32, v));
  m.H[0] = Number(BigInt.asIntN(32, v >> 32n));
}

function argMap(m: Machine, r: number, id: number, slot: number): VmMap {
  const map = m.H[r] === MAP_TAG ? m.maps[m.L[r]!] : undefined;
  if (map === undefined) throw new VmFault('helper-arg', slot, `${helperName(id)} (#${id}) expects a map in r${r}, got ${m.mem.describe(m.L[r]!, m.H[r]!)}`);
  return map;
}

function readArg(m: Machine, r: number, size: number, slot: number): Uint8Array {
  return m.mem.read(m.L[r]!, m.H[r]!, size, slot);
}

function u32arg(m: Machine, r: number): number {
  return m.L[r]! >>> 0;
}

/** Reads a NUL-terminated string of at most `max` bytes at (lo,hi); undefined if it runs off its region. */
function readCString(mem: Memory, lo: number, hi: number, max: number): string | undefined {
  const r = mem.regionOf(hi);
  if (r === undefined) return undefined;
  const start = lo ^ (0x80000000 | 0);
  if (start < r.start || start >= r.end) return undefined;
  let s = '';
  for (let i = start; i < r.end && i - start < max; i++) {
    const c = r.bytes[i]!;
    if (c === 0) return s;
    s += String.fromCharCode(c);
  }
  return undefined;
}

function encodeText(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

/** Key region for callbacks and ring records: a fresh region of the run. */
function scratch(m: Machine, name: string, bytes: Uint8Array, writable: boolean): [number, number] {
  const r = m.mem.add('scratch', name, name, bytes, writable);
  return Memory.ptr(r, 0);
}

function nextRandom(m: Machine): number {
  // xorshift32: seedable and identical in both tiers.
  let x = m.env.seed | 0 || 0x2545f491;
  x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
  m.env.seed = x;
  return x >>> 0;
}

function clock(m: Machine): bigint {
  const t = m.env.ktimeNs;
  m.env.ktimeNs = t + 1000n;
  return t;
}

function printk(m: Machine, slot: number, id: number, fmtReg: number, sizeReg: number, args: PrintfArg[]): string | undefined {
  const size = u32arg(m, sizeReg);
  const bytes = readArg(m, fmtReg, size, slot);
  const nul = bytes.indexOf(0);
  if (size === 0 || nul < 0) return undefined;
  let fmt = '';
  for (let i = 0; i < nul; i++) fmt += String.fromCharCode(bytes[i]!);
  const r = formatPrintf(fmt, args, (a) => readCString(m.mem, a.lo, a.hi, 1024));
  void id;
  return 'text' in r ? r.text : undefined;
}

function packet(m: Machine, id: number, slot: number): NonNullable<Machine['packet']> {
  if (m.packet === undefined) throw new VmFault('helper-arg', slot, `${helperName(id)} (#${id}) needs a packet, and this program type has none`);
  return m.packet;
}

const XDP_FRAME_SIZE = 40;

const impls = new Map<number, Impl>([
  [1, (m, slot) => {
    const map = argMap(m, 1, 1, slot);
    const key = readArg(m, 2, map.def.keySize, slot);
    if (map.kind === 'map_of_maps') {
      const v = map.get(key);
      const inner = v === undefined ? -1 : new DataView(v.buffer, v.byteOffset).getInt32(0, true);
      if (inner < 0 || m.maps[inner] === undefined) setR0(m, 0, 0); else setR0(m, inner, MAP_TAG);
      return;
    }
    if (map.kind !== 'array' && map.kind !== 'hash') { setR0(m, 0, 0); return; }
    const r = map.lookupRegion(key);
    if (r === undefined) setR0(m, 0, 0); else { const p = Memory.ptr(r, 0); setR0(m, p[0], p[1]); }
  }],
  [2, (m, slot) => {
    const map = argMap(m, 1, 2, slot);
    const key = readArg(m, 2, map.def.keySize, slot);
    const value = readArg(m, 3, map.def.valueSize, slot);
    setR0(m, map.update(key, value, m.L[4]! >>> 0 | (m.H[4] !== 0 ? 0x100 : 0)));
  }],
  [3, (m, slot) => {
    const map = argMap(m, 1, 3, slot);
    setR0(m, map.delete(readArg(m, 2, map.def.keySize, slot)));
  }],
  [5, (m) => setR0Big(m, clock(m))],
  [125, (m) => setR0Big(m, clock(m))],
  [160, (m) => setR0Big(m, clock(m))],
  [118, (m) => setR0Big(m, m.env.jiffies)],
  [6, (m, slot) => {
    const args: PrintfArg[] = [3, 4, 5].map((r) => ({ lo: m.L[r]!, hi: m.H[r]! }));
    const text = printk(m, slot, 6, 1, 2, args);
    if (text === undefined) { setR0(m, -EINVAL); return; }
    m.printk.push(text);
    setR0(m, text.length);
  }],
  [7, (m) => setR0(m, nextRandom(m), 0)],
  [8, (m) => setR0(m, m.env.cpu, 0)],
  [12, (m, slot) => {
    const map = argMap(m, 2, 12, slot);
    const index = u32arg(m, 3);
    const v = map.kind === 'prog_array' && index < map.def.maxEntries ? map.get(u32(index)) : undefined;
    const prog = v === undefined ? -1 : new DataView(v.buffer, v.byteOffset).getInt32(0, true);
    if (prog < 0 || m.programs[prog] === undefined || m.tailCalls >= 33) return; // falls through, as in the kernel
    m.tailCall(prog);
  }],
  [14, (m) => setR0Big(m, m.env.pidTgid)],
  [15, (m) => setR0Big(m, m.env.uidGid)],
  [16, (m, slot) => {
    const size = u32arg(m, 2);
    const out = new Uint8Array(size);
    out.set(encodeText(m.env.comm).subarray(0, Math.max(0, size - 1)));
    m.mem.write(m.L[1]!, m.H[1]!, out, slot);
    setR0(m, 0);
  }],
  [26, (m, slot) => {
    const p = packet(m, 26, slot);
    const off = u32arg(m, 2), len = u32arg(m, 4);
    const dst = m.mem.resolve(m.L[3]!, m.H[3]!, len, true, slot);
    if (off > 0xffff || p.data + off + len > p.end) {
      dst.region.bytes.fill(0, dst.offset, dst.offset + len);
      setR0(m, -EFAULT);
      return;
    }
    dst.region.bytes.set(p.region.bytes.subarray(p.data + off, p.data + off + len), dst.offset);
    setR0(m, 0);
  }],
  [9, (m, slot) => {
    const p = packet(m, 9, slot);
    const off = u32arg(m, 2), len = u32arg(m, 4), flags = m.L[5]! >>> 0;
    if ((flags & ~3) !== 0 || m.H[5] !== 0) { setR0(m, -EINVAL); return; }
    const from = readArg(m, 3, len, slot);
    if (off > 0xffff || p.data + off + len > p.end) { setR0(m, -EFAULT); return; }
    p.region.bytes.set(from, p.data + off);
    setR0(m, 0);
  }],
  [10, (m, slot) => setR0(m, csumReplace(m, packet(m, 10, slot), false))],
  [11, (m, slot) => setR0(m, csumReplace(m, packet(m, 11, slot), true))],
  [28, (m, slot) => {
    const fromSize = u32arg(m, 2), toSize = u32arg(m, 4);
    if ((fromSize | toSize) % 4 !== 0 || fromSize + toSize > 512) { setR0(m, -EINVAL); return; }
    const from = fromSize > 0 ? readArg(m, 1, fromSize, slot) : new Uint8Array(0);
    const to = toSize > 0 ? readArg(m, 3, toSize, slot) : new Uint8Array(0);
    setR0(m, csumDiff(from, to, m.L[5]!), 0);
  }],
  // One program runs at a time on the emulated CPU, so a spin lock is never contended: taking and
  // releasing it only return 0, as the kernel's helpers always do. The verifier pairs them.
  [93, (m) => setR0(m, 0, 0)],
  [94, (m) => setR0(m, 0, 0)],
  [34, (m) => setR0(m, m.ctxRegion !== undefined && m.progType !== 'xdp' ? m.ctxRegion.dv.getUint32(68, true) : 0, 0)],
  [23, (m) => {
    const flags = m.L[2]! >>> 0;
    const xdp = m.progType === 'xdp';
    if (xdp) setR0(m, flags !== 0 || m.H[2] !== 0 ? 0 : 4, 0);
    else setR0(m, (flags & ~1) !== 0 || m.H[2] !== 0 ? 2 : 7, 0);
  }],
  [51, (m, slot) => {
    const map = argMap(m, 1, 51, slot);
    const key = u32(m.L[2]!);
    const hit = map.def.keySize === 4 && map.get(key) !== undefined;
    setR0(m, hit ? 4 : m.L[3]! & 3, 0);
  }],
  [44, (m, slot) => {
    const p = packet(m, 44, slot);
    const delta = m.L[2]!;
    const metalen = p.data - p.meta;
    const data = p.data + delta;
    if (data - metalen < XDP_FRAME_SIZE || data > p.end - 14) { setR0(m, -EINVAL); return; }
    p.data = data;
    p.meta = data - metalen;
    syncPacketWindow(p);
    setR0(m, 0);
  }],
  [54, (m, slot) => {
    const p = packet(m, 54, slot);
    const meta = p.meta + m.L[2]!;
    if (meta < XDP_FRAME_SIZE || meta > p.data) { setR0(m, -EINVAL); return; }
    const len = p.data - meta;
    // Linux 6.18 allows up to 255 bytes of metadata in steps of 4 (the headroom limits it first).
    if ((len & 3) !== 0 || len > 255) { setR0(m, -EACCES); return; }
    p.meta = meta;
    syncPacketWindow(p);
    setR0(m, 0);
  }],
  [65, (m, slot) => {
    const p = packet(m, 65, slot);
    const end = p.end + m.L[2]!;
    if (end > p.region.bytes.length || end < p.data + 14) { setR0(m, -EINVAL); return; }
    if (end > p.end) p.region.bytes.fill(0, p.end, end);
    p.end = end;
    syncPacketWindow(p);
    setR0(m, 0);
  }],
  [25, (m, slot) => {
    const map = argMap(m, 2, 25, slot);
    const size = u32arg(m, 5);
    const data = readArg(m, 4, size, slot);
    const index = m.L[3]! >>> 0;
    m.perfEvents.push({ map: map.name, index: index === 0xffffffff ? m.env.cpu : index, data });
    setR0(m, 0);
  }],
  [130, (m, slot) => {
    const map = argMap(m, 1, 130, slot);
    const size = u32arg(m, 3);
    const data = readArg(m, 2, size, slot);
    const need = 8 + ((size + 7) & ~7);
    if (map.ringUsed + need > map.def.maxEntries) { setR0(m, -EAGAIN); return; }
    map.ringUsed += need;
    map.records.push(data);
    setR0(m, 0);
  }],
  [131, (m, slot) => {
    const map = argMap(m, 1, 131, slot);
    const size = u32arg(m, 2);
    const need = 8 + ((size + 7) & ~7);
    if (m.L[3] !== 0 || m.H[2] !== 0 || map.ringUsed + need > map.def.maxEntries) { setR0(m, 0, 0); return; }
    map.ringUsed += need;
    const r = m.mem.add('ringbuf', `${map.name}.rec`, `ringbuf record of ${map.name}`, new Uint8Array(size), true);
    ringOwner.set(r.id, map);
    const p = Memory.ptr(r, 0);
    setR0(m, p[0], p[1]);
  }],
  [132, (m, slot) => endRecord(m, slot, true)],
  [133, (m, slot) => endRecord(m, slot, false)],
  [134, (m, slot) => {
    const map = argMap(m, 1, 134, slot);
    const what = m.L[2]!;
    const v = what === 0 ? map.ringUsed : what === 1 ? map.def.maxEntries : what === 3 ? map.ringUsed : 0;
    setR0(m, v, 0);
  }],
  [87, (m, slot) => {
    const map = argMap(m, 1, 87, slot);
    setR0(m, map.push(readArg(m, 2, map.def.valueSize, slot), m.L[3]!));
  }],
  [88, (m, slot) => popPeek(m, slot, 88, true)],
  [89, (m, slot) => popPeek(m, slot, 89, false)],
  [181, (m, slot) => {
    const n = u32arg(m, 1);
    if (m.L[4] !== 0 || m.H[4] !== 0) { setR0(m, -EINVAL); return; }
    if (n > 1 << 23 || m.H[1] !== 0) { setR0(m, -E2BIG); return; }
    const target = m.funcSlot(m.L[2]!, m.H[2]!, slot);
    const ctx: [number, number] = [m.L[3]!, m.H[3]!];
    let i = 0;
    while (i < n) {
      const r0 = m.callback(target, [[i, 0], ctx], slot);
      i++;
      if (r0[0] !== 0 || r0[1] !== 0) break;
    }
    setR0(m, i, 0);
  }],
  [164, (m, slot) => {
    const map = argMap(m, 1, 164, slot);
    if (m.L[4] !== 0 || m.H[4] !== 0) { setR0(m, -EINVAL); return; }
    const target = m.funcSlot(m.L[2]!, m.H[2]!, slot);
    const ctx: [number, number] = [m.L[3]!, m.H[3]!];
    let n = 0;
    for (const e of map.list()) {
      const key = scratch(m, `${map.name}.key`, e.key.slice(), false);
      const region = map.regionFor(e.key);
      const value = region === undefined ? [0, 0] as [number, number] : Memory.ptr(region, 0);
      const r0 = m.callback(target, [map.ref(), key, value, ctx], slot);
      n++;
      if (r0[0] !== 0 || r0[1] !== 0) break;
    }
    setR0(m, n, 0);
  }],
  [182, (m, slot) => {
    const size = u32arg(m, 2);
    const s1 = readArg(m, 1, size, slot);
    const s2 = readCString(m.mem, m.L[3]!, m.H[3]!, 1 << 16);
    if (s2 === undefined) throw new VmFault('helper-arg', slot, 'bpf_strncmp (#182) expects a NUL-terminated string in r3');
    let r = 0;
    for (let i = 0; i < size; i++) {
      const a = s1[i]!, b = i < s2.length ? s2.charCodeAt(i) : 0;
      if (a !== b) { r = a < b ? -1 : 1; break; }
      if (a === 0) break;
    }
    setR0(m, r);
  }],
  [165, (m, slot) => {
    const size = u32arg(m, 2), dataLen = u32arg(m, 5);
    if (dataLen % 8 !== 0 || dataLen > 12 * 8) { setR0(m, -EINVAL); return; }
    const raw = dataLen > 0 ? readArg(m, 4, dataLen, slot) : new Uint8Array(0);
    const dv = new DataView(raw.buffer);
    const args: PrintfArg[] = [];
    for (let i = 0; i < dataLen; i += 8) args.push({ lo: dv.getInt32(i, true), hi: dv.getInt32(i + 4, true) });
    const fmt = readCString(m.mem, m.L[3]!, m.H[3]!, 1 << 16);
    const r = fmt === undefined ? undefined : formatPrintf(fmt, args, (a) => readCString(m.mem, a.lo, a.hi, 1024));
    if (r === undefined || !('text' in r)) { setR0(m, -EINVAL); return; }
    if (size > 0) {
      const out = new Uint8Array(size);
      out.set(encodeText(r.text).subarray(0, size - 1));
      m.mem.write(m.L[1]!, m.H[1]!, out, slot);
    }
    setR0(m, r.text.length + 1);
  }],
  [4, (m, slot) => probeRead(m, slot, false)],
  [112, (m, slot) => probeRead(m, slot, false)],
  [113, (m, slot) => probeRead(m, slot, false)],
  [45, (m, slot) => probeRead(m, slot, true)],
  [114, (m, slot) => probeRead(m, slot, true)],
  [115, (m, slot) => probeRead(m, slot, true)],
]);

const ringOwner = new Map<number, VmMap>();

function endRecord(m: Machine, slot: number, submit: boolean): void {
  const r = m.mem.regionOf(m.H[1]!);
  const map = r === undefined ? undefined : ringOwner.get(r.id);
  if (r === undefined || map === undefined || r.kind !== 'ringbuf' || !r.live || (m.L[1]! ^ (0x80000000 | 0)) !== 0) {
    throw new VmFault('helper-arg', slot, `${submit ? 'bpf_ringbuf_submit (#132)' : 'bpf_ringbuf_discard (#133)'} expects a reserved ringbuf record in r1, got ${m.mem.describe(m.L[1]!, m.H[1]!)}`);
  }
  r.live = false;
  if (submit) map.records.push(r.bytes.slice());
  else map.ringUsed -= 8 + ((r.bytes.length + 7) & ~7);
  setR0(m, 0);
}

function popPeek(m: Machine, slot: number, id: number, remove: boolean): void {
  const map = argMap(m, 1, id, slot);
  const v = map.take(remove);
  if (v === undefined) { setR0(m, -ENOENT); return; }
  m.mem.write(m.L[2]!, m.H[2]!, v, slot);
  setR0(m, 0);
}

function probeRead(m: Machine, slot: number, str: boolean): void {
  const size = u32arg(m, 2);
  const addr = (BigInt(m.H[3]! >>> 0) << 32n) | BigInt(m.L[3]! >>> 0);
  const dst = m.mem.resolve(m.L[1]!, m.H[1]!, size, true, slot);
  for (const img of m.env.probeMemory) {
    if (addr < img.address || addr >= img.address + BigInt(img.bytes.length)) continue;
    const start = Number(addr - img.address);
    let n = Math.min(size, img.bytes.length - start);
    if (!str && n < size) break;
    if (str) {
      const nul = img.bytes.subarray(start, start + n).indexOf(0);
      n = nul >= 0 ? nul + 1 : Math.max(0, n - 1);
      dst.region.bytes.set(img.bytes.subarray(start, start + n), dst.offset);
      if (nul < 0 && size > 0) dst.region.bytes[dst.offset + n] = 0, n++;
      setR0(m, n);
      return;
    }
    dst.region.bytes.set(img.bytes.subarray(start, start + size), dst.offset);
    setR0(m, 0);
    return;
  }
  dst.region.bytes.fill(0, dst.offset, dst.offset + size);
  setR0(m, -EFAULT);
}

/** The helpers of the interpreter. */
export const vmHelpers: HelperHost = {
  call(m: Machine, id: number, slot: number): void {
    const impl = impls.get(id);
    if (impl !== undefined) { impl(m, slot); return; }
    const name = helperName(id);
    if (name === undefined) throw new VmFault('unknown-helper', slot, `unknown helper #${id}`);
    throw new VmFault('helper-not-emulated', slot, `helper ${name} (#${id}) is not emulated`);
  },
};

/** Ids of the emulated helpers (for docs and tests). */
export function emulatedHelperIds(): number[] {
  return [...impls.keys()].sort((a, b) => a - b);
}

export { FUNC_TAG };

const byName = new Map<string, number>();
for (const [id, n] of names) { byName.set(n, id); byName.set(n.startsWith('bpf_') ? n : `bpf_${n}`, id); }

/** Helper id of a name such as `bpf_map_lookup_elem` (or without the prefix). */
export function helperIdByName(name: string): number | undefined {
  return byName.get(name);
}
