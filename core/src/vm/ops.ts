/**
 * The less frequent operations both tiers share by calling them: atomics, the legacy packet loads
 * and the fault for execution that leaves the program. Keeping them here makes the two tiers agree
 * by construction on the operations where an off-by-one is easiest.
 */
import { Op, type Code } from './code';
import type { Machine } from './machine';
import { W } from './alu64';
import { VmFault } from './fault';

/** Atomic operation `kind` (0 add, 1 fetch_add, 2 or, 3 fetch_or, 4 and, 5 fetch_and, 6 xor, 7 fetch_xor, 8 xchg, 9 cmpxchg), 32 bits. */
export function atomic32(m: Machine, kind: number, d: number, s: number, off: number, slot: number): void {
  const L = m.L, H = m.H, mem = m.mem;
  const old = mem.load(L[d]!, H[d]!, off, 4, slot);
  const v = L[s]!;
  if (kind === 9) {
    if (old === L[0]) mem.store(L[d]!, H[d]!, off, 4, v, 0, slot);
    L[0] = old; H[0] = 0;
    return;
  }
  let nv: number;
  switch (kind >> 1) {
    case 0: nv = (old + v) | 0; break;
    case 1: nv = old | v; break;
    case 2: nv = old & v; break;
    case 3: nv = old ^ v; break;
    default: nv = v;
  }
  mem.store(L[d]!, H[d]!, off, 4, nv, 0, slot);
  if (kind === 8 || (kind & 1) === 1) { L[s] = old; H[s] = 0; }
}

/** The same on 64 bits. */
export function atomic64(m: Machine, kind: number, d: number, s: number, off: number, slot: number): void {
  const L = m.L, H = m.H, mem = m.mem;
  const oldLo = mem.load(L[d]!, H[d]!, off, 8, slot);
  const oldHi = W.hi;
  const vl = L[s]!, vh = H[s]!;
  if (kind === 9) {
    if (oldLo === L[0] && oldHi === H[0]) mem.store(L[d]!, H[d]!, off, 8, vl, vh, slot);
    L[0] = oldLo; H[0] = oldHi;
    return;
  }
  let nl: number, nh: number;
  switch (kind >> 1) {
    case 0: nl = (oldLo + vl) | 0; nh = (oldHi + vh + ((nl >>> 0) < (oldLo >>> 0) ? 1 : 0)) | 0; break;
    case 1: nl = oldLo | vl; nh = oldHi | vh; break;
    case 2: nl = oldLo & vl; nh = oldHi & vh; break;
    case 3: nl = oldLo ^ vl; nh = oldHi ^ vh; break;
    default: nl = vl; nh = vh;
  }
  mem.store(L[d]!, H[d]!, off, 8, nl, nh, slot);
  if (kind === 8 || (kind & 1) === 1) { L[s] = oldLo; H[s] = oldHi; }
}

const SKF_NET_OFF = -0x100000;
const SKF_LL_OFF = -0x200000;

/**
 * Legacy LD_ABS / LD_IND: r0 = the big-endian value of `size` bytes at packet offset `at`. Returns
 * false when the bytes are outside the packet; the kernel then ends the program with r0 = 0.
 */
export function ldAbs(m: Machine, at: number, size: number, slot: number): boolean {
  const p = m.packet;
  if (p === undefined) throw new VmFault('invalid-read', slot, 'legacy packet load in a program without a packet');
  let base: number;
  if (at >= 0) base = p.data + at;
  else if (at >= SKF_NET_OFF) base = p.data + p.netOff + (at - SKF_NET_OFF);
  else if (at >= SKF_LL_OFF && at < SKF_NET_OFF) base = p.data + p.macOff + (at - SKF_LL_OFF);
  else base = -1;
  const L = m.L, H = m.H;
  if (base < 0 || base < p.data + p.macOff || base + size > p.end) {
    L[0] = 0; H[0] = 0;
    return false;
  }
  const b = p.region.bytes;
  let v = 0;
  for (let i = 0; i < size; i++) v = (v << 8) | b[base + i]!;
  L[0] = v | 0; H[0] = 0;
  return true;
}

/** The fault for a slot that cannot execute: outside the program, undecodable, or half of an ld_imm64. */
export function outsideProgram(code: Code, pc: number): VmFault {
  if (pc < 0 || pc >= code.length) {
    return new VmFault('bad-jump', pc, `execution left the program (it has ${code.length} slots)`);
  }
  if (code.op[pc] === Op.LDIMM64_HI) return new VmFault('bad-jump', pc, 'jump into the second slot of a 64-bit immediate load');
  return new VmFault('bad-insn', pc, code.bad.get(pc) ?? 'invalid instruction');
}
