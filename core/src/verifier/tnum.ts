/**
 * Tristate numbers, the kernel's bit-level abstraction of a 64-bit value: `value` holds the bits known
 * to be 1, `mask` the bits that are unknown (a bit is never set in both). The operations follow the
 * kernel's tnum.c so that the derived bounds, and therefore verdicts and log text, match. Values are
 * unsigned 64-bit bigints.
 */

export interface Tnum { value: bigint; mask: bigint }

export const U64 = (1n << 64n) - 1n;
export const U32 = 0xffffffffn;

export const tnumUnknown: Tnum = { value: 0n, mask: U64 };

export function tconst(v: bigint): Tnum {
  return { value: BigInt.asUintN(64, v), mask: 0n };
}

/**
 * Number of significant bits of an unsigned 64-bit value. Splitting it into two 32-bit halves keeps
 * the work on plain numbers; printing the value in binary, the obvious way, costs far more.
 */
export function bitLength(x: bigint): number {
  if (x <= 0xffffffffn) return 32 - Math.clz32(Number(x));
  return 64 - Math.clz32(Number(x >> 32n));
}

/** Bits of the smallest power-of-two span covering [min, max], as the kernel's tnum_range. */
export function trange(min: bigint, max: bigint): Tnum {
  const chi = min ^ max;
  if (chi === 0n) return tconst(min);
  const bits = bitLength(chi);
  if (bits > 63) return tnumUnknown;
  const delta = (1n << BigInt(bits)) - 1n;
  return { value: min & ~delta & U64, mask: delta };
}

export function isConst(t: Tnum): boolean {
  return t.mask === 0n;
}

export function tlshift(a: Tnum, shift: number): Tnum {
  const s = BigInt(shift);
  return { value: (a.value << s) & U64, mask: (a.mask << s) & U64 };
}

export function trshift(a: Tnum, shift: number): Tnum {
  const s = BigInt(shift);
  return { value: a.value >> s, mask: a.mask >> s };
}

/** Arithmetic right shift within an 8-bit-aligned width of 32 or 64 bits. */
export function tarshift(a: Tnum, shift: number, width: 32 | 64): Tnum {
  const s = BigInt(shift);
  if (width === 32) {
    const v = BigInt.asUintN(32, BigInt.asIntN(32, a.value) >> s);
    const m = BigInt.asUintN(32, BigInt.asIntN(32, a.mask) >> s);
    return { value: v, mask: m };
  }
  return { value: BigInt.asUintN(64, BigInt.asIntN(64, a.value) >> s), mask: BigInt.asUintN(64, BigInt.asIntN(64, a.mask) >> s) };
}

export function tadd(a: Tnum, b: Tnum): Tnum {
  const sm = (a.mask + b.mask) & U64;
  const sv = (a.value + b.value) & U64;
  const sigma = (sm + sv) & U64;
  const chi = sigma ^ sv;
  const mu = chi | a.mask | b.mask;
  return { value: sv & ~mu & U64, mask: mu };
}

export function tsub(a: Tnum, b: Tnum): Tnum {
  const dv = (a.value - b.value) & U64;
  const alpha = (dv + a.mask) & U64;
  const beta = (dv - b.mask) & U64;
  const chi = alpha ^ beta;
  const mu = chi | a.mask | b.mask;
  return { value: dv & ~mu & U64, mask: mu };
}

export function tneg(a: Tnum): Tnum {
  return tsub(tconst(0n), a);
}

export function tand(a: Tnum, b: Tnum): Tnum {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return { value: v, mask: alpha & beta & ~v & U64 };
}

export function tor(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask | b.mask;
  return { value: v, mask: mu & ~v & U64 };
}

export function txor(a: Tnum, b: Tnum): Tnum {
  const v = a.value ^ b.value;
  const mu = a.mask | b.mask;
  return { value: v & ~mu & U64, mask: mu };
}

/** Multiplication by shift-and-add over the bits of `a`, as the kernel's tnum_mul. */
export function tmul(a: Tnum, b: Tnum): Tnum {
  let av = a.value;
  let am = a.mask;
  let bv = b.value;
  let bm = b.mask;
  let accV = (a.value * b.value) & U64;
  let accM: Tnum = tconst(0n);
  while (av !== 0n || am !== 0n) {
    if (av & 1n) accM = tadd(accM, { value: 0n, mask: bm });
    else if (am & 1n) accM = tadd(accM, { value: 0n, mask: (bv | bm) & U64 });
    av >>= 1n;
    am >>= 1n;
    bv = (bv << 1n) & U64;
    bm = (bm << 1n) & U64;
  }
  return tadd(tconst(accV), accM);
}

export function tintersect(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return { value: v & ~mu & U64, mask: mu };
}

/** The lowest common generalisation of two tnums (the kernel's tnum_union). */
export function tunion(a: Tnum, b: Tnum): Tnum {
  const v = a.value & b.value;
  const mu = a.mask | b.mask | (a.value ^ b.value);
  return { value: v & ~mu & U64, mask: mu };
}

/** Truncate to the low `size` bytes. */
export function tcast(a: Tnum, size: number): Tnum {
  const m = size >= 8 ? U64 : (1n << BigInt(size * 8)) - 1n;
  return { value: a.value & m, mask: a.mask & m };
}

export function isAligned(a: Tnum, size: number): boolean {
  if (size === 0) return true;
  return ((a.value | a.mask) & BigInt(size - 1)) === 0n;
}

/** Whether every value `b` can take is also a value of `a`. */
export function tin(a: Tnum, b: Tnum): boolean {
  if (b.mask & ~a.mask) return false;
  return (b.value & ~a.mask) === a.value;
}

export function tsubreg(a: Tnum): Tnum {
  return tcast(a, 4);
}

export function tclearSubreg(a: Tnum): Tnum {
  return tlshift(trshift(a, 32), 32);
}

export function twithSubreg(reg: Tnum, subreg: Tnum): Tnum {
  return tor(tclearSubreg(reg), tsubreg(subreg));
}

export function tequal(a: Tnum, b: Tnum): boolean {
  return a.value === b.value && a.mask === b.mask;
}

/** The kernel's tnum_strn: `(0x0; 0xff)`. */
export function tstr(a: Tnum): string {
  return `(0x${a.value.toString(16)}; 0x${a.mask.toString(16)})`;
}
