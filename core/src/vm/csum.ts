/**
 * Internet checksum arithmetic for the checksum helpers (l3/l4_csum_replace, csum_diff). Ones'
 * complement sums do not depend on byte order as long as every quantity is read the same way, so
 * values are taken as they sit in memory (little-endian words), which matches what the program loaded.
 */
import type { Machine, PacketInfo } from './machine';

function fold32(sum: number): number {
  // Folds a ones' complement sum of any size (as a double) to 32 bits with end-around carry.
  while (sum > 0xffffffff) sum = (sum % 0x100000000) + Math.floor(sum / 0x100000000);
  return sum;
}

function fold16(sum: number): number {
  sum = fold32(sum);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The kernel's csum_partial of 32-bit words plus a seed, as a 32-bit ones' complement sum. */
function partial(words: number[], seed: number): number {
  let s = seed >>> 0;
  for (const w of words) s += w >>> 0;
  return fold32(s);
}

function words(b: Uint8Array, invert: boolean): number[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= b.length; i += 4) out.push(invert ? ~dv.getUint32(i, true) >>> 0 : dv.getUint32(i, true));
  return out;
}

/**
 * bpf_csum_diff: the sum of the `to` words and the complemented `from` words plus seed, folded to 16
 * bits without the final complement (the kernel folds it so that every architecture agrees).
 */
export function csumDiff(from: Uint8Array, to: Uint8Array, seed: number): number {
  const s = partial([...words(from, true), ...words(to, false)], seed);
  let f = (s & 0xffff) + (s >>> 16);
  f = (f & 0xffff) + (f >>> 16);
  return f;
}

/**
 * bpf_l3_csum_replace / bpf_l4_csum_replace with r1 = skb, r2 = offset of the checksum field,
 * r3 = old value, r4 = new value, r5 = flags (low four bits: size 0, 2 or 4). Returns 0 or -EINVAL/-EFAULT.
 */
export function csumReplace(m: Machine, p: PacketInfo, l4: boolean): number {
  const off = m.L[2]! >>> 0, from = m.L[3]! >>> 0, to = m.L[4]! >>> 0;
  const flags = m.L[5]! >>> 0;
  const size = flags & 0xf;
  // The kernel's order of checks: unknown flags, then the field's bounds, then the size.
  const known = l4 ? 0x10 | 0x20 | 0x40 | 0xf : 0xf;
  if ((flags & ~known) !== 0 || m.H[5] !== 0) return -22;
  const at = p.data + off;
  if (off > 0xffff || (off & 1) !== 0 || at + 2 > p.end) return -14;
  if (size !== 0 && size !== 2 && size !== 4) return -22;
  // With size 0, `to` is a precomputed difference and `from` must be zero.
  if (size === 0 && (from !== 0 || m.H[3] !== 0)) return -22;
  const dv = p.region.dv;
  const old = dv.getUint16(at, true);
  if (l4 && (flags & 0x20) !== 0 && old === 0) return 0;
  let sum = (~old) & 0xffff;
  if (size === 0) sum += to;
  else if (size === 2) sum += ((~from) & 0xffff) + (to & 0xffff);
  else sum += ((~from) >>> 0) + to;
  let res = (~fold16(sum)) & 0xffff;
  if (l4 && (flags & 0x20) !== 0 && res === 0) res = 0xffff;
  dv.setUint16(at, res, true);
  return 0;
}
