/**
 * Small-value facts for the fast tier: along straight-line code and the fall-through edges between
 * blocks, which registers are known to hold a value in [0, bound] with bound < 2^31 (so the high
 * half is 0 and the low half a non-negative 32-bit integer). A loop counter tested by
 * `if r6 >= 1500 goto out` is such a value below the test, and adding a small constant to it cannot
 * carry into the high half, so the compiled addition needs no carry. The facts are only ever used to
 * leave work out, never to change a result, and they are dropped wherever control can arrive from
 * elsewhere (jump targets, call returns, after helper calls).
 */
import { Op, type Code } from './code';

/** The largest bound a fact may carry: below it the low half stays a non-negative int32. */
export const SMALL = 0x7fffffff;

/** Register -> inclusive upper bound of its value, for the registers known to be small. */
export type Facts = Map<number, number>;

/** The bound of `dst += imm` or `dst += src` when it cannot carry, else undefined. */
export function smallSum(facts: Facts, code: Code, pc: number): number | undefined {
  const o = code.op[pc]!;
  const x = facts.get(code.dst[pc]!);
  if (x === undefined) return undefined;
  const y = o === Op.ADD64_IMM ? code.imm[pc]! : o === Op.ADD64_REG ? facts.get(code.src[pc]!) : undefined;
  if (y === undefined || y < 0 || x + y > SMALL) return undefined;
  return x + y;
}

/** Updates the facts for the effect of the non-terminating instruction at pc. */
export function factsAfter(facts: Facts, code: Code, pc: number): void {
  const o = code.op[pc]!, d = code.dst[pc]!, s = code.src[pc]!, imm = code.imm[pc]!;
  const x = facts.get(d);
  let v: number | undefined;
  switch (o) {
    case Op.MOV64_IMM: case Op.MOV32_IMM: v = imm >= 0 ? imm : undefined; break;
    case Op.MOV64_REG: case Op.MOV32_REG: v = facts.get(s); break;
    case Op.ADD64_IMM: case Op.ADD64_REG: v = smallSum(facts, code, pc); break;
    case Op.AND64_IMM: case Op.AND32_IMM: v = imm >= 0 ? Math.min(x ?? imm, imm) : undefined; break;
    case Op.RSH64_IMM: v = x === undefined ? undefined : Math.floor(x / 2 ** (imm & 63)); break;
    case Op.LDXB: v = 0xff; break;
    case Op.LDXH: v = 0xffff; break;
    default:
      // Stores and jumps write no register; dropping a fact is always safe, so they are not singled out.
      if (o >= Op.ATOMIC_ADD_W && o <= Op.ATOMIC_CMPXCHG_DW) { facts.delete(s); facts.delete(0); }
  }
  if (v === undefined) facts.delete(d); else facts.set(d, v);
}

/** Narrows the facts for the fall-through edge of the conditional jump at pc (the jump not taken). */
export function factsNotTaken(facts: Facts, code: Code, pc: number): void {
  const o = code.op[pc]!, d = code.dst[pc]!;
  const k = o === Op.JGE64_IMM || o === Op.JGT64_IMM
    ? (code.immHi[pc] === 0 ? code.imm[pc]! : undefined)
    : o === Op.JGE64_REG || o === Op.JGT64_REG ? facts.get(code.src[pc]!) : undefined;
  if (k === undefined || k < 0) return;
  // Not taken: d < k for jge, d <= k for jgt (both unsigned 64-bit).
  const bound = o === Op.JGE64_IMM || o === Op.JGE64_REG ? k - 1 : k;
  if (bound < 0) return;
  facts.set(d, Math.min(facts.get(d) ?? bound, bound));
}
