/**
 * 64-bit arithmetic on pairs of signed 32-bit halves (lo, hi), shared by the stepping interpreter,
 * the fast tier and the helpers. Registers never become BigInt on the hot path; the few operations
 * that need more than 53 bits of precision (64-bit division and modulo of large values) fall back to
 * BigInt inside these functions. Functions returning a 64-bit value return the low half and leave the
 * high half in `W.hi`, which avoids allocating a pair per operation.
 */

/** The high half of the last 64-bit result. */
export const W = { hi: 0 };

/** Low half of (al,ah) * (bl,bh) modulo 2^64; high half in W.hi. */
export function mul64(al: number, ah: number, bl: number, bh: number): number {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const hiAB = p11 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536);
  W.hi = (hiAB + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  return Math.imul(al, bl);
}

export function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function fromBig(v: bigint): number {
  W.hi = Number(BigInt.asIntN(32, v >> 32n));
  return Number(BigInt.asIntN(32, v));
}

/** Unsigned 64-bit division; divisor zero gives zero (RFC 9669). */
export function udiv64(al: number, ah: number, bl: number, bh: number): number {
  if (bl === 0 && bh === 0) { W.hi = 0; return 0; }
  if (ah === 0 && bh === 0) { W.hi = 0; return Math.floor((al >>> 0) / (bl >>> 0)) | 0; }
  return fromBig(toBig(al, ah) / toBig(bl, bh));
}

/** Unsigned 64-bit modulo; divisor zero leaves the dividend. */
export function umod64(al: number, ah: number, bl: number, bh: number): number {
  if (bl === 0 && bh === 0) { W.hi = ah; return al; }
  if (ah === 0 && bh === 0) { W.hi = 0; return ((al >>> 0) % (bl >>> 0)) | 0; }
  return fromBig(toBig(al, ah) % toBig(bl, bh));
}

/** Signed 64-bit division, truncating; zero divisor gives zero, INT64_MIN / -1 wraps to INT64_MIN. */
export function sdiv64(al: number, ah: number, bl: number, bh: number): number {
  if (bl === 0 && bh === 0) { W.hi = 0; return 0; }
  return fromBig(BigInt.asIntN(64, toBig(al, ah)) / BigInt.asIntN(64, toBig(bl, bh)));
}

/** Signed 64-bit modulo with the sign of the dividend; zero divisor leaves the dividend. */
export function smod64(al: number, ah: number, bl: number, bh: number): number {
  if (bl === 0 && bh === 0) { W.hi = ah; return al; }
  if (bl === -1 && bh === -1) { W.hi = 0; return 0; }
  return fromBig(BigInt.asIntN(64, toBig(al, ah)) % BigInt.asIntN(64, toBig(bl, bh)));
}

export function udiv32(a: number, b: number): number {
  return b === 0 ? 0 : Math.floor((a >>> 0) / (b >>> 0)) | 0;
}

export function umod32(a: number, b: number): number {
  return b === 0 ? a : ((a >>> 0) % (b >>> 0)) | 0;
}

export function sdiv32(a: number, b: number): number {
  return b === 0 ? 0 : Math.trunc((a | 0) / (b | 0)) | 0;
}

export function smod32(a: number, b: number): number {
  return b === 0 ? a : ((a | 0) % (b | 0)) | 0;
}

/** Logical left shift of a 64-bit value by n in 0..63. */
export function lsh64(lo: number, hi: number, n: number): number {
  if (n === 0) { W.hi = hi; return lo; }
  if (n < 32) { W.hi = (hi << n) | (lo >>> (32 - n)); return lo << n; }
  W.hi = lo << (n - 32);
  return 0;
}

export function rsh64(lo: number, hi: number, n: number): number {
  if (n === 0) { W.hi = hi; return lo; }
  if (n < 32) { W.hi = hi >>> n | 0; return (lo >>> n) | (hi << (32 - n)); }
  W.hi = 0;
  return (hi >>> (n - 32)) | 0;
}

export function arsh64(lo: number, hi: number, n: number): number {
  if (n === 0) { W.hi = hi; return lo; }
  if (n < 32) { W.hi = hi >> n; return (lo >>> n) | (hi << (32 - n)); }
  W.hi = hi >> 31;
  return hi >> (n - 32);
}

export function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

export function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

/** Unsigned 64-bit a < b. */
export function ult64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah === bh ? (al >>> 0) < (bl >>> 0) : (ah >>> 0) < (bh >>> 0);
}

/** Signed 64-bit a < b. */
export function slt64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah === bh ? (al >>> 0) < (bl >>> 0) : ah < bh;
}

/** Hex text of a 64-bit value, unsigned, without leading zeros. */
export function hex64(lo: number, hi: number): string {
  return hi === 0 ? (lo >>> 0).toString(16) : (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, '0');
}
