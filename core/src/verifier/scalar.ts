/**
 * Scalar bounds as the kernel tracks them: a tnum plus signed and unsigned ranges on 64 bits and on
 * the low 32-bit subregister, kept consistent by the kernel's deduction steps (reg_bounds_sync), and
 * the transfer function of every ALU operation on two scalars (adjust_scalar_min_max_vals). Signed
 * bounds are signed bigints, unsigned ones unsigned bigints.
 */
import {
  U32, U64, Tnum, tconst, tnumUnknown, trange, isConst, tadd, tsub, tand, tor, txor, tmul, tlshift, trshift,
  tarshift, tintersect, tsubreg, tcast, tneg,
} from './tnum';

export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
export const S32_MIN = -(1n << 31n);
export const S32_MAX = (1n << 31n) - 1n;

export interface Bounds {
  var: Tnum;
  smin: bigint; smax: bigint; umin: bigint; umax: bigint;
  s32min: bigint; s32max: bigint; u32min: bigint; u32max: bigint;
}

const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);
const u32 = (v: bigint): bigint => BigInt.asUintN(32, v);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

export function unknownBounds(): Bounds {
  return { var: tnumUnknown, smin: S64_MIN, smax: S64_MAX, umin: 0n, umax: U64, s32min: S32_MIN, s32max: S32_MAX, u32min: 0n, u32max: U32 };
}

export function knownBounds(v: bigint): Bounds {
  const u = u64(v);
  return {
    var: tconst(u), smin: s64(u), smax: s64(u), umin: u, umax: u,
    s32min: s32(u), s32max: s32(u), u32min: u32(u), u32max: u32(u),
  };
}

export function isKnown(b: Bounds): boolean {
  return isConst(b.var);
}

export function mark64Unbounded(b: Bounds): void {
  b.smin = S64_MIN; b.smax = S64_MAX; b.umin = 0n; b.umax = U64;
}

export function mark32Unbounded(b: Bounds): void {
  b.s32min = S32_MIN; b.s32max = S32_MAX; b.u32min = 0n; b.u32max = U32;
}

function update32(b: Bounds): void {
  const value = b.var.value & U32, mask = b.var.mask & U32;
  b.s32min = max(b.s32min, s32(value | (mask & 0x80000000n)));
  b.s32max = min(b.s32max, s32(value | (mask & 0x7fffffffn)));
  b.u32min = max(b.u32min, value);
  b.u32max = min(b.u32max, value | mask);
}

const SIGN64 = 1n << 63n;

function update64(b: Bounds): void {
  const v = b.var;
  b.smin = max(b.smin, s64(v.value | (v.mask & SIGN64)));
  b.smax = min(b.smax, s64(v.value | (v.mask & S64_MAX)));
  b.umin = max(b.umin, v.value);
  b.umax = min(b.umax, v.value | v.mask);
}

export function updateBounds(b: Bounds): void {
  update32(b);
  update64(b);
}

function deduce32(b: Bounds): void {
  // Only the 32-bit bounds change below, so the 64-bit bounds' pieces are computed once.
  const umin = b.umin, umax = b.umax, smin = b.smin, smax = b.smax;
  const uminHi = umin >> 32n, umaxHi = umax >> 32n;
  const uminLo = umin & U32, umaxLo = umax & U32;
  const uminS = s32(uminLo), umaxS = s32(umaxLo);
  if (uminHi === umaxHi) {
    b.u32min = max(b.u32min, uminLo);
    b.u32max = min(b.u32max, umaxLo);
    if (uminS <= umaxS) {
      b.s32min = max(b.s32min, uminS);
      b.s32max = min(b.s32max, umaxS);
    }
  }
  const sminLo = u32(smin), smaxLo = u32(smax);
  const sminS = s32(sminLo), smaxS = s32(smaxLo);
  if (smin >> 32n === smax >> 32n) {
    b.u32min = max(b.u32min, sminLo);
    b.u32max = min(b.u32max, smaxLo);
    if (sminS <= smaxS) {
      b.s32min = max(b.s32min, sminS);
      b.s32max = min(b.s32max, smaxS);
    }
  }
  if (uminS < 0n && umaxS >= 0n && u32(uminHi + 1n) === u32(umaxHi)) {
    b.s32min = max(b.s32min, uminS);
    b.s32max = min(b.s32max, umaxS);
  }
  if (sminS < 0n && smaxS >= 0n && u32((u64(smin) >> 32n) + 1n) === u32(u64(smax) >> 32n)) {
    b.s32min = max(b.s32min, sminS);
    b.s32max = min(b.s32max, smaxS);
  }
  const u32minS = s32(b.u32min), u32maxS = s32(b.u32max);
  if (u32minS <= u32maxS) {
    b.s32min = max(b.s32min, u32minS);
    b.s32max = min(b.s32max, u32maxS);
  }
  const s32minU = u32(b.s32min), s32maxU = u32(b.s32max);
  if (s32minU <= s32maxU) {
    b.u32min = max(s32minU, b.u32min);
    b.u32max = min(s32maxU, b.u32max);
  }
}

function deduce64(b: Bounds): void {
  if (s64(b.umin) <= s64(b.umax)) {
    b.smin = max(b.smin, s64(b.umin));
    b.smax = min(b.smax, s64(b.umax));
  }
  if (u64(b.smin) <= u64(b.smax)) {
    b.umin = max(u64(b.smin), b.umin);
    b.umax = min(u64(b.smax), b.umax);
  } else {
    if (b.umax < u64(b.smin)) {
      b.smin = s64(b.umin);
      b.umax = min(b.umax, u64(b.smax));
    } else if (u64(b.smax) < b.umin) {
      b.smax = s64(b.umax);
      b.umin = max(b.umin, u64(b.smin));
    }
  }
}

function deduceMixed(b: Bounds): void {
  const hiMask = U64 ^ U32;
  const nUmin = (b.umin & hiMask) | b.u32min;
  const nUmax = (b.umax & hiMask) | b.u32max;
  b.umin = max(b.umin, nUmin);
  b.umax = min(b.umax, nUmax);
  const nSmin = s64((u64(b.smin) & hiMask) | b.u32min);
  const nSmax = s64((u64(b.smax) & hiMask) | b.u32max);
  b.smin = max(b.smin, nSmin);
  b.smax = min(b.smax, nSmax);
  if (b.s32min >= 0n && b.smin >= S32_MIN && b.smax <= S32_MAX) {
    b.smin = b.s32min;
    b.smax = b.s32max;
    b.umin = u64(b.s32min);
    b.umax = u64(b.s32max);
    b.var = tintersect(b.var, trange(u64(b.smin), u64(b.smax)));
  }
}

function deduce(b: Bounds): void {
  deduce32(b);
  deduce64(b);
  deduceMixed(b);
}

function boundOffset(b: Bounds): void {
  const v64 = tintersect(b.var, trange(b.umin, b.umax));
  const v32 = tintersect({ value: v64.value & U32, mask: v64.mask & U32 }, trange(b.u32min, b.u32max));
  const hi = U64 ^ U32;
  b.var = tor({ value: v64.value & hi, mask: v64.mask & hi }, v32);
}

/** Whether every bound is the full range of its kind and the tnum knows no bit: nothing to deduce. */
function fullyUnknown(b: Bounds): boolean {
  return b.var.mask === U64 && b.var.value === 0n && b.umin === 0n && b.umax === U64 && b.smin === S64_MIN && b.smax === S64_MAX &&
    b.u32min === 0n && b.u32max === U32 && b.s32min === S32_MIN && b.s32max === S32_MAX;
}

/** The kernel's reg_bounds_sync. */
export function syncBounds(b: Bounds): void {
  // A constant whose bounds already agree is a fixed point of every step below, and so is a value
  // about which nothing is known; both are common enough to be worth the check.
  if (b.var.mask === 0n && b.umin === b.var.value && b.umax === b.umin && b.u32min === (b.umin & U32) && b.u32max === b.u32min &&
      b.smin === BigInt.asIntN(64, b.umin) && b.smax === b.smin && b.s32min === BigInt.asIntN(32, b.u32min) && b.s32max === b.s32min) return;
  if (fullyUnknown(b)) return;
  // The result depends on the ten values alone, and the same inputs recur (a loop re-checks the same
  // loaded byte on every round), so the last few results are kept. Where they keep missing (a loop
  // counter that is new every round), looking them up is skipped for a while.
  if (memoSkip > 0) {
    memoSkip--;
    syncSlow(b);
    return;
  }
  for (let i = 0; i < SYNC_MEMO; i++) {
    const m = syncMemo[i];
    if (m && m.umax === b.umax && m.umin === b.umin && m.var.value === b.var.value && m.var.mask === b.var.mask &&
        m.smin === b.smin && m.smax === b.smax && m.u32min === b.u32min && m.u32max === b.u32max &&
        m.s32min === b.s32min && m.s32max === b.s32max) {
      copyBounds(b, syncMemoOut[i]!);
      memoHits++;
      return;
    }
  }
  if (++memoMisses >= 256) {
    if (memoHits * 8 < memoMisses) memoSkip = 4096;
    memoHits = 0;
    memoMisses = 0;
  }
  const input: Bounds = { var: b.var, smin: b.smin, smax: b.smax, umin: b.umin, umax: b.umax, s32min: b.s32min, s32max: b.s32max, u32min: b.u32min, u32max: b.u32max };
  syncSlow(b);
  syncMemo[syncNext] = input;
  syncMemoOut[syncNext] = { var: b.var, smin: b.smin, smax: b.smax, umin: b.umin, umax: b.umax, s32min: b.s32min, s32max: b.s32max, u32min: b.u32min, u32max: b.u32max };
  syncNext = (syncNext + 1) % SYNC_MEMO;
}

const SYNC_MEMO = 4;
const syncMemo: (Bounds | undefined)[] = new Array(SYNC_MEMO);
const syncMemoOut: (Bounds | undefined)[] = new Array(SYNC_MEMO);
let syncNext = 0;
let memoHits = 0;
let memoMisses = 0;
let memoSkip = 0;

/** Copies the ten values of `from` into `to`; tnums are never changed in place, so they are shared. */
function copyBounds(to: Bounds, from: Bounds): void {
  to.var = from.var; to.smin = from.smin; to.smax = from.smax; to.umin = from.umin; to.umax = from.umax;
  to.s32min = from.s32min; to.s32max = from.s32max; to.u32min = from.u32min; to.u32max = from.u32max;
}

function syncSlow(b: Bounds): void {
  updateBounds(b);
  // The kernel runs the deduction three times; a round that changes nothing is a fixed point.
  for (let round = 0; round < 3; round++) {
    const smin = b.smin, smax = b.smax, umin = b.umin, umax = b.umax, s32min = b.s32min, s32max = b.s32max;
    const u32min = b.u32min, u32max = b.u32max, v = b.var;
    deduce(b);
    if (smin === b.smin && smax === b.smax && umin === b.umin && umax === b.umax && s32min === b.s32min &&
        s32max === b.s32max && u32min === b.u32min && u32max === b.u32max && v.value === b.var.value && v.mask === b.var.mask) break;
  }
  boundOffset(b);
  updateBounds(b);
}

/** Whether the bounds contradict each other (a dead branch). */
export function boundsInvalid(b: Bounds): boolean {
  return b.smin > b.smax || b.umin > b.umax || b.s32min > b.s32max || b.u32min > b.u32max ||
    (b.var.value & b.var.mask) !== 0n;
}

/** The kernel's zext_32_to_64 after a 32-bit operation. */
export function zext32(b: Bounds): void {
  b.var = tsubreg(b.var);
  assign32into64(b);
}

export function assign32into64(b: Bounds): void {
  b.umin = b.u32min;
  b.umax = b.u32max;
  if (b.s32min >= 0n && b.s32max >= 0n) {
    b.smin = b.s32min;
    b.smax = b.s32max;
  } else {
    b.smin = 0n;
    b.smax = U32;
  }
}

/** Results of coerceToSize on a value about which nothing is known, by size: every load of a field or packet byte needs one. */
const coercedUnknown: (Bounds | undefined)[] = [];

/** Truncate to `size` bytes, zero-extending (coerce_reg_to_size). */
export function coerceToSize(b: Bounds, size: number): void {
  if (fullyUnknown(b)) {
    let c = coercedUnknown[size];
    if (!c) {
      c = unknownBounds();
      coerceSlow(c, size);
      coercedUnknown[size] = c;
    }
    copyBounds(b, c);
    return;
  }
  coerceSlow(b, size);
}

function coerceSlow(b: Bounds, size: number): void {
  b.var = tcast(b.var, size);
  const mask = size >= 8 ? U64 : (1n << BigInt(size * 8)) - 1n;
  if ((b.umin & ~mask) === (b.umax & ~mask)) {
    b.umin &= mask;
    b.umax &= mask;
  } else {
    b.umin = 0n;
    b.umax = mask;
  }
  b.smin = b.umin;
  b.smax = b.umax;
  if (size >= 4) {
    b.u32min = u32(b.umin); b.u32max = u32(b.umax);
    b.s32min = s32(b.umin); b.s32max = s32(b.umax);
    if (b.s32min > b.s32max) { b.s32min = S32_MIN; b.s32max = S32_MAX; }
    if (size === 4) { b.s32min = S32_MIN; b.s32max = S32_MAX; }
  } else {
    b.u32min = b.umin; b.u32max = b.umax; b.s32min = b.umin; b.s32max = b.umax;
  }
  syncBounds(b);
}

/** Sign-extend the low `size` bytes (loads with sign extension and movsx). */
export function signExtend(b: Bounds, size: number, to32 = false): void {
  const bits = BigInt(size * 8);
  if (isConst(b.var)) {
    const v = BigInt.asIntN(Number(bits), b.var.value);
    const k = to32 ? knownBounds(u32(v)) : knownBounds(v);
    Object.assign(b, k);
    return;
  }
  const top = 1n << (bits - 1n);
  const lo = -top;
  const hi = top - 1n;
  const low = tcast(b.var, size);
  // When the sign bit of the narrow value is known, the bounds keep their shape.
  let smin = lo;
  let smax = hi;
  const umask = (1n << bits) - 1n;
  const sameHigh = (b.umin & ~umask) === (b.umax & ~umask);
  if (sameHigh) {
    const a = BigInt.asIntN(Number(bits), b.umin & umask);
    const c = BigInt.asIntN(Number(bits), b.umax & umask);
    if (a <= c) { smin = a; smax = c; }
  }
  const fresh = unknownBounds();
  fresh.smin = smin; fresh.smax = smax;
  if (low.mask & top) fresh.var = tnumUnknown;
  else if (low.value & top) fresh.var = { value: (low.value | (U64 ^ umask)) & U64, mask: low.mask };
  else fresh.var = low;
  if (to32) {
    fresh.s32min = smin; fresh.s32max = smax;
    fresh.var = tsubreg(fresh.var);
    mark64Unbounded(fresh);
    syncBounds(fresh);
    zext32(fresh);
  }
  syncBounds(fresh);
  Object.assign(b, fresh);
}

type Op = 'add' | 'sub' | 'mul' | 'div' | 'sdiv' | 'or' | 'and' | 'lsh' | 'rsh' | 'neg' | 'mod' | 'smod' | 'xor' | 'arsh';

function addOverflows64(a: bigint, b: bigint): boolean {
  const r = a + b;
  return r > S64_MAX || r < S64_MIN;
}

/** Whether the kernel computes a range for `op` with this source, or just marks the result unknown. */
export function safeToCompute(op: Op, src: Bounds, is64: boolean): boolean {
  switch (op) {
    case 'add': case 'sub': case 'and': case 'xor': case 'or': case 'mul': case 'neg':
      return true;
    case 'lsh': case 'rsh': case 'arsh':
      return isConst(src.var) && src.umax < (is64 ? 64n : 32n);
    default:
      return false;
  }
}

/**
 * `dst op= src` on two scalars, in place on `dst`; `src` for neg is ignored. Follows the kernel's
 * scalar{32,}_min_max_* functions: both widths are computed and a 32-bit operation is then
 * zero-extended.
 */
export function aluScalar(op: Op, dst: Bounds, srcIn: Bounds, is64: boolean): void {
  let src = srcIn;
  if (isConst(dst.var) && (op === 'neg' || isConst(src.var)) && constFold(op, dst, src, is64)) return;
  if (!safeToCompute(op, src, is64)) {
    Object.assign(dst, unknownBounds());
    if (!is64) zext32(dst);
    return;
  }
  if (op === 'neg') {
    src = { ...dst };
    Object.assign(dst, knownBounds(0n));
    op = 'sub';
  }
  switch (op) {
    case 'add': {
      let a = dst.s32min + src.s32min, c = dst.s32max + src.s32max;
      if (a < S32_MIN || a > S32_MAX || c < S32_MIN || c > S32_MAX) { a = S32_MIN; c = S32_MAX; }
      dst.s32min = a; dst.s32max = c;
      let ua = dst.u32min + src.u32min, uc = dst.u32max + src.u32max;
      if (ua > U32 || uc > U32) {
        if (ua > U32 && uc > U32) { ua = u32(ua); uc = u32(uc); } else { ua = 0n; uc = U32; }
      }
      dst.u32min = ua; dst.u32max = uc;
      if (addOverflows64(dst.smin, src.smin) || addOverflows64(dst.smax, src.smax)) { dst.smin = S64_MIN; dst.smax = S64_MAX; }
      else { dst.smin += src.smin; dst.smax += src.smax; }
      let ub = dst.umin + src.umin, ud = dst.umax + src.umax;
      if (ub > U64 || ud > U64) {
        if (ub > U64 && ud > U64) { ub = u64(ub); ud = u64(ud); } else { ub = 0n; ud = U64; }
      }
      dst.umin = ub; dst.umax = ud;
      dst.var = tadd(dst.var, src.var);
      break;
    }
    case 'sub': {
      let a = dst.s32min - src.s32max, c = dst.s32max - src.s32min;
      if (a < S32_MIN || a > S32_MAX || c < S32_MIN || c > S32_MAX) { a = S32_MIN; c = S32_MAX; }
      dst.s32min = a; dst.s32max = c;
      let ua = dst.u32min - src.u32max, uc = dst.u32max - src.u32min;
      if (ua < 0n || uc < 0n) {
        if (ua < 0n && uc < 0n) { ua = u32(ua); uc = u32(uc); } else { ua = 0n; uc = U32; }
      }
      dst.u32min = ua; dst.u32max = uc;
      const sa = dst.smin - src.smax, sc = dst.smax - src.smin;
      if (sa < S64_MIN || sa > S64_MAX || sc < S64_MIN || sc > S64_MAX) { dst.smin = S64_MIN; dst.smax = S64_MAX; }
      else { dst.smin = sa; dst.smax = sc; }
      let ub = dst.umin - src.umax, ud = dst.umax - src.umin;
      if (ub < 0n || ud < 0n) {
        if (ub < 0n && ud < 0n) { ub = u64(ub); ud = u64(ud); } else { ub = 0n; ud = U64; }
      }
      dst.umin = ub; dst.umax = ud;
      dst.var = tsub(dst.var, src.var);
      break;
    }
    case 'mul': {
      const u32a = dst.u32max * src.u32max, u32b = dst.u32min * src.u32min;
      if (u32a > U32 || u32b > U32) { dst.u32min = 0n; dst.u32max = U32; } else { dst.u32min = u32b; dst.u32max = u32a; }
      const p32 = [dst.s32min * src.s32min, dst.s32min * src.s32max, dst.s32max * src.s32min, dst.s32max * src.s32max];
      if (p32.some((p) => p < S32_MIN || p > S32_MAX)) { dst.s32min = S32_MIN; dst.s32max = S32_MAX; }
      else { dst.s32min = p32.reduce(min); dst.s32max = p32.reduce(max); }
      const ua = dst.umax * src.umax, ub = dst.umin * src.umin;
      if (ua > U64 || ub > U64) { dst.umin = 0n; dst.umax = U64; } else { dst.umin = ub; dst.umax = ua; }
      const p = [dst.smin * src.smin, dst.smin * src.smax, dst.smax * src.smin, dst.smax * src.smax];
      if (p.some((x) => x < S64_MIN || x > S64_MAX)) { dst.smin = S64_MIN; dst.smax = S64_MAX; }
      else { dst.smin = p.reduce(min); dst.smax = p.reduce(max); }
      dst.var = tmul(dst.var, src.var);
      break;
    }
    case 'and': case 'or': case 'xor': {
      const t = op === 'and' ? tand(dst.var, src.var) : op === 'or' ? tor(dst.var, src.var) : txor(dst.var, src.var);
      bitwise32(op, dst, src, tsubreg(t));
      bitwise64(op, dst, src, t);
      dst.var = t;
      break;
    }
    case 'lsh': {
      const sh = Number(src.umin);
      if (is64) {
        const s32max = dst.s32max, s32min = dst.s32min;
        dst.smax = sh === 32 && s32max >= 0n ? s32max << 32n : S64_MAX;
        dst.smin = sh === 32 && s32min >= 0n ? s32min << 32n : S64_MIN;
        if (dst.umax > 1n << BigInt(63 - sh)) { dst.umin = 0n; dst.umax = U64; }
        else { dst.umin = (dst.umin << BigInt(sh)) & U64; dst.umax = (dst.umax << BigInt(sh)) & U64; }
        lsh32(dst, sh);
        dst.var = tlshift(dst.var, sh);
      } else {
        lsh32(dst, sh);
        dst.var = tsubreg(tlshift(tsubreg(dst.var), sh));
        mark64Unbounded(dst);
      }
      updateBounds(dst);
      break;
    }
    case 'rsh': {
      const sh = Number(src.umin);
      if (is64) {
        dst.smin = S64_MIN; dst.smax = S64_MAX;
        dst.var = trshift(dst.var, sh);
        dst.umin >>= BigInt(sh); dst.umax >>= BigInt(sh);
        mark32Unbounded(dst);
      } else {
        const sub = tsubreg(dst.var);
        dst.s32min = S32_MIN; dst.s32max = S32_MAX;
        dst.var = trshift(sub, sh);
        dst.u32min >>= BigInt(sh); dst.u32max >>= BigInt(sh);
        mark64Unbounded(dst);
      }
      updateBounds(dst);
      break;
    }
    case 'arsh': {
      const sh = BigInt(src.umin);
      if (is64) {
        dst.smin >>= sh; dst.smax >>= sh;
        dst.var = tarshift(dst.var, Number(sh), 64);
        dst.umin = 0n; dst.umax = U64;
        mark32Unbounded(dst);
      } else {
        dst.s32min >>= sh; dst.s32max >>= sh;
        dst.var = tarshift(tsubreg(dst.var), Number(sh), 32);
        dst.u32min = 0n; dst.u32max = U32;
        mark64Unbounded(dst);
      }
      updateBounds(dst);
      break;
    }
    default:
      break;
  }
  if (!is64) zext32(dst);
  syncBounds(dst);
}

/**
 * Both operands constant: the kernel's bound tracking yields exactly the folded constant, so compute
 * it directly (the common case in unrolled loops). Returns false for operations it does not fold.
 */
function constFold(op: Op, dst: Bounds, src: Bounds, is64: boolean): boolean {
  const bits = is64 ? 64 : 32;
  const a = BigInt.asUintN(bits, dst.var.value);
  const b = BigInt.asUintN(bits, src.var.value);
  let r: bigint;
  switch (op) {
    case 'add': r = a + b; break;
    case 'sub': r = a - b; break;
    case 'mul': r = a * b; break;
    case 'and': r = a & b; break;
    case 'or': r = a | b; break;
    case 'xor': r = a ^ b; break;
    case 'neg': r = -a; break;
    case 'lsh': if (b >= BigInt(bits)) return false; r = a << b; break;
    case 'rsh': if (b >= BigInt(bits)) return false; r = a >> b; break;
    case 'arsh': if (b >= BigInt(bits)) return false; r = BigInt.asIntN(bits, a) >> b; break;
    default: return false;
  }
  const v = BigInt.asUintN(bits, r);
  const lo = v & U32;
  dst.var = { value: v, mask: 0n };
  dst.smin = BigInt.asIntN(64, v); dst.smax = dst.smin; dst.umin = v; dst.umax = v;
  dst.u32min = lo; dst.u32max = lo; dst.s32min = BigInt.asIntN(32, lo); dst.s32max = dst.s32min;
  return true;
}

function lsh32(dst: Bounds, sh: number): void {
  dst.s32min = S32_MIN; dst.s32max = S32_MAX;
  if (sh > 31 || dst.u32max > 1n << BigInt(31 - sh)) { dst.u32min = 0n; dst.u32max = U32; }
  else { dst.u32min = (dst.u32min << BigInt(sh)) & U32; dst.u32max = (dst.u32max << BigInt(sh)) & U32; }
}

function bitwise32(op: 'and' | 'or' | 'xor', dst: Bounds, src: Bounds, t: Tnum): void {
  const srcKnown = isConst(tsubreg(src.var));
  const dstKnown = isConst(tsubreg(dst.var));
  if (srcKnown && dstKnown) {
    dst.u32min = dst.u32max = t.value; dst.s32min = dst.s32max = s32(t.value);
    return;
  }
  if (op === 'and') { dst.u32min = t.value; dst.u32max = min(dst.u32max, src.u32max); }
  else if (op === 'or') { dst.u32min = max(dst.u32min, src.u32min); dst.u32max = t.value | t.mask; }
  else { dst.u32min = t.value; dst.u32max = t.value | t.mask; }
  if (s32(dst.u32min) <= s32(dst.u32max)) { dst.s32min = s32(dst.u32min); dst.s32max = s32(dst.u32max); }
  else { dst.s32min = S32_MIN; dst.s32max = S32_MAX; }
}

function bitwise64(op: 'and' | 'or' | 'xor', dst: Bounds, src: Bounds, t: Tnum): void {
  if (isConst(src.var) && isConst(dst.var)) {
    const k = knownBounds(t.value);
    dst.smin = k.smin; dst.smax = k.smax; dst.umin = k.umin; dst.umax = k.umax;
    return;
  }
  if (op === 'and') { dst.umin = t.value; dst.umax = min(dst.umax, src.umax); }
  else if (op === 'or') { dst.umin = max(dst.umin, src.umin); dst.umax = t.value | t.mask; }
  else { dst.umin = t.value; dst.umax = t.value | t.mask; }
  if (s64(dst.umin) <= s64(dst.umax)) { dst.smin = s64(dst.umin); dst.smax = s64(dst.umax); }
  else { dst.smin = S64_MIN; dst.smax = S64_MAX; }
}

export { tneg };
