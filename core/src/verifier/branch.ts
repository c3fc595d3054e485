/**
 * Conditional jumps (the kernel's check_cond_jmp_op support): deciding a branch from the operands'
 * bounds (is_branch_taken), narrowing both operands on each side (regs_refine_cond_op), propagating
 * NULL checks to every register sharing the pointer's id, sharing new bounds among linked scalars, and
 * granting packet ranges from `pkt + N <=> pkt_end` comparisons.
 */
import type { JmpOp } from '../isa/insn';
import { Reg, isPktPointer, constScalar, isPointer, cloneReg } from './regState';
import { Bounds, syncBounds, mark64Unbounded, mark32Unbounded } from './scalar';
import { isConst, tsubreg, tintersect, twithSubreg, tor, tand, tconst, U64, U32 } from './tnum';
import type { StackSlot, VState } from './state';

const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

export const AT_PKT_END = -1;
export const BEYOND_PKT_END = -2;

export function flipOp(op: JmpOp): JmpOp {
  switch (op) {
    case 'jgt': return 'jlt';
    case 'jlt': return 'jgt';
    case 'jge': return 'jle';
    case 'jle': return 'jge';
    case 'jsgt': return 'jslt';
    case 'jslt': return 'jsgt';
    case 'jsge': return 'jsle';
    case 'jsle': return 'jsge';
    default: return op;
  }
}

type RevOp = JmpOp | 'jsetx';

function revOp(op: JmpOp): RevOp {
  switch (op) {
    case 'jeq': return 'jne';
    case 'jne': return 'jeq';
    case 'jgt': return 'jle';
    case 'jle': return 'jgt';
    case 'jge': return 'jlt';
    case 'jlt': return 'jge';
    case 'jsgt': return 'jsle';
    case 'jsle': return 'jsgt';
    case 'jsge': return 'jslt';
    case 'jslt': return 'jsge';
    case 'jset': return 'jsetx';
  }
}

function isRegConst(r: Bounds, is32: boolean): boolean {
  return isConst(is32 ? tsubreg(r.var) : r.var);
}

function constVal(r: Bounds, is32: boolean): bigint {
  return is32 ? r.var.value & U32 : r.var.value;
}

function scalarTaken(r1: Bounds, r2: Bounds, op: JmpOp, is32: boolean): number {
  const t1 = is32 ? tsubreg(r1.var) : r1.var;
  const t2 = is32 ? tsubreg(r2.var) : r2.var;
  const umin1 = is32 ? r1.u32min : r1.umin, umax1 = is32 ? r1.u32max : r1.umax;
  const smin1 = is32 ? r1.s32min : r1.smin, smax1 = is32 ? r1.s32max : r1.smax;
  const umin2 = is32 ? r2.u32min : r2.umin, umax2 = is32 ? r2.u32max : r2.umax;
  const smin2 = is32 ? r2.s32min : r2.smin, smax2 = is32 ? r2.s32max : r2.smax;
  switch (op) {
    case 'jeq': case 'jne': {
      const eq = op === 'jeq';
      if (isConst(t1) && isConst(t2)) return (t1.value === t2.value) === eq ? 1 : 0;
      if (umin1 > umax2 || umax1 < umin2) return eq ? 0 : 1;
      if (smin1 > smax2 || smax1 < smin2) return eq ? 0 : 1;
      if (!is32) {
        if (r1.u32min > r2.u32max || r1.u32max < r2.u32min) return eq ? 0 : 1;
        if (r1.s32min > r2.s32max || r1.s32max < r2.s32min) return eq ? 0 : 1;
      }
      return -1;
    }
    case 'jset': {
      let a = t1, b = r2;
      if (!isRegConst(r2, is32)) { a = t2; b = r1; }
      if (!isRegConst(b, is32)) return -1;
      const v = constVal(b, is32);
      if ((~a.mask & a.value) & v) return 1;
      if (!((a.mask | a.value) & v)) return 0;
      return -1;
    }
    case 'jgt': return umin1 > umax2 ? 1 : umax1 <= umin2 ? 0 : -1;
    case 'jsgt': return smin1 > smax2 ? 1 : smax1 <= smin2 ? 0 : -1;
    case 'jlt': return umax1 < umin2 ? 1 : umin1 >= umax2 ? 0 : -1;
    case 'jslt': return smax1 < smin2 ? 1 : smin1 >= smax2 ? 0 : -1;
    case 'jge': return umin1 >= umax2 ? 1 : umax1 < umin2 ? 0 : -1;
    case 'jsge': return smin1 >= smax2 ? 1 : smax1 < smin2 ? 0 : -1;
    case 'jle': return umax1 <= umin2 ? 1 : umin1 > umax2 ? 0 : -1;
    case 'jsle': return smax1 <= smin2 ? 1 : smin1 > smax2 ? 0 : -1;
  }
}

function notNull(r: Reg): boolean {
  if (r.maybeNull) return false;
  return r.type === 'sock' || r.type === 'tcp_sock' || r.type === 'map_value' || r.type === 'map_key' ||
    r.type === 'sock_common' || r.type === 'mem' || r.type === 'map_ptr';
}

/** 1: always taken, 0: never, -1: unknown (the kernel's is_branch_taken). */
export function branchTaken(r1In: Reg, r2In: Reg, opIn: JmpOp, is32: boolean): number {
  let r1 = r1In, r2 = r2In, op = opIn;
  const anyPkt = (r: Reg): boolean => isPktPointer(r) || r.type === 'pkt_end';
  if (anyPkt(r1) && anyPkt(r2) && !is32) {
    let pkt: Reg;
    if (r2.type === 'pkt_end') pkt = r1;
    else if (r1.type === 'pkt_end') { pkt = r2; op = flipOp(op); } else return -1;
    if (pkt.range >= 0) return -1;
    if (op === 'jle' || op === 'jgt') { if (pkt.range === BEYOND_PKT_END) return op === 'jgt' ? 1 : 0; }
    else if (op === 'jlt' || op === 'jge') { if (pkt.range === BEYOND_PKT_END || pkt.range === AT_PKT_END) return op === 'jge' ? 1 : 0; }
    return -1;
  }
  if (isPointer(r1) || isPointer(r2)) {
    if (!isRegConst(r2, is32) || isPointer(r2)) { op = flipOp(op); [r1, r2] = [r2, r1]; }
    if (isPointer(r2) || !isRegConst(r2, is32)) return -1;
    if (!notNull(r1)) return -1;
    if (constVal(r2, is32) !== 0n) return -1;
    if (op === 'jeq') return 0;
    if (op === 'jne') return 1;
    return -1;
  }
  return scalarTaken(r1, r2, op, is32);
}

function refine(a: Bounds, b: Bounds, opIn: RevOp, is32: boolean): void {
  let r1 = a, r2 = b, op = opIn;
  if (op === 'jge' || op === 'jgt' || op === 'jsge' || op === 'jsgt') { op = flipOp(op); [r1, r2] = [r2, r1]; }
  switch (op) {
    case 'jeq':
      if (is32) {
        r1.u32min = max(r1.u32min, r2.u32min); r1.u32max = min(r1.u32max, r2.u32max);
        r1.s32min = max(r1.s32min, r2.s32min); r1.s32max = min(r1.s32max, r2.s32max);
        r2.u32min = r1.u32min; r2.u32max = r1.u32max; r2.s32min = r1.s32min; r2.s32max = r1.s32max;
        const t = tintersect(tsubreg(r1.var), tsubreg(r2.var));
        r1.var = twithSubreg(r1.var, t);
        r2.var = twithSubreg(r2.var, t);
      } else {
        r1.umin = max(r1.umin, r2.umin); r1.umax = min(r1.umax, r2.umax);
        r1.smin = max(r1.smin, r2.smin); r1.smax = min(r1.smax, r2.smax);
        r2.umin = r1.umin; r2.umax = r1.umax; r2.smin = r1.smin; r2.smax = r1.smax;
        r1.var = tintersect(r1.var, r2.var);
        r2.var = r1.var;
      }
      break;
    case 'jne': {
      if (!isRegConst(r2, is32)) [r1, r2] = [r2, r1];
      if (!isRegConst(r2, is32)) break;
      const v = constVal(r2, is32);
      if (is32) {
        if (r1.u32min === v) r1.u32min++;
        if (r1.u32max === v) r1.u32max--;
        if (r1.s32min === s32(v)) r1.s32min++;
        if (r1.s32max === s32(v)) r1.s32max--;
      } else {
        if (r1.umin === v) r1.umin++;
        if (r1.umax === v) r1.umax--;
        if (r1.smin === BigInt.asIntN(64, v)) r1.smin++;
        if (r1.smax === BigInt.asIntN(64, v)) r1.smax--;
      }
      break;
    }
    case 'jset': {
      if (!isRegConst(r2, is32)) [r1, r2] = [r2, r1];
      if (!isRegConst(r2, is32)) break;
      const v = constVal(r2, is32);
      if (v === 0n || (v & (v - 1n)) !== 0n) break;
      if (is32) r1.var = twithSubreg(r1.var, tor(tsubreg(r1.var), tconst(v)));
      else r1.var = tor(r1.var, tconst(v));
      break;
    }
    case 'jsetx': {
      if (!isRegConst(r2, is32)) [r1, r2] = [r2, r1];
      if (!isRegConst(r2, is32)) break;
      const v = constVal(r2, is32);
      mark64Unbounded(r1);
      mark32Unbounded(r1);
      if (is32) r1.var = twithSubreg(r1.var, tand(tsubreg(r1.var), tconst(~v & U64)));
      else r1.var = tand(r1.var, tconst(~v & U64));
      break;
    }
    case 'jle':
      if (is32) { r1.u32max = min(r1.u32max, r2.u32max); r2.u32min = max(r1.u32min, r2.u32min); }
      else { r1.umax = min(r1.umax, r2.umax); r2.umin = max(r1.umin, r2.umin); }
      break;
    case 'jlt':
      if (is32) { r1.u32max = min(r1.u32max, r2.u32max - 1n); r2.u32min = max(r1.u32min + 1n, r2.u32min); }
      else { r1.umax = min(r1.umax, r2.umax - 1n); r2.umin = max(r1.umin + 1n, r2.umin); }
      break;
    case 'jsle':
      if (is32) { r1.s32max = min(r1.s32max, r2.s32max); r2.s32min = max(r1.s32min, r2.s32min); }
      else { r1.smax = min(r1.smax, r2.smax); r2.smin = max(r1.smin, r2.smin); }
      break;
    case 'jslt':
      if (is32) { r1.s32max = min(r1.s32max, r2.s32max - 1n); r2.s32min = max(r1.s32min + 1n, r2.s32min); }
      else { r1.smax = min(r1.smax, r2.smax - 1n); r2.smin = max(r1.smin + 1n, r2.smin); }
      break;
    default:
      break;
  }
}

/**
 * reg_set_min_max: narrows the operands on the taken side (t1, t2) and the fall-through side (f1, f2),
 * in place. Pointers learn nothing.
 */
export function setMinMax(t1: Reg, t2: Reg, f1: Reg, f2: Reg, op: JmpOp, is32: boolean): void {
  if (f1.type !== 'scalar' || f2.type !== 'scalar') return;
  refine(f1, f2, revOp(op), is32);
  syncBounds(f1); syncBounds(f2);
  refine(t1, t2, op, is32);
  syncBounds(t1); syncBounds(t2);
}

/** Every register and spilled register of every frame of a state. */
export function forEachReg(s: VState, fn: (r: Reg, set: (n: Reg) => void) => void): void {
  // One setter for the whole walk, pointed at the register or slot being visited: `fn` calls it
  // before it returns, and a closure per register would cost more than the visit itself.
  let regs: Reg[] | undefined;
  let idx = 0;
  let slot: StackSlot | undefined;
  const set = (n: Reg): void => {
    if (slot) slot.spilled = n;
    else regs![idx] = n;
  };
  for (const f of s.frames) {
    regs = f.regs;
    slot = undefined;
    for (idx = 0; idx < regs.length; idx++) fn(regs[idx]!, set);
    for (const sl of f.stack) {
      if (!sl.spilled) continue;
      slot = sl;
      fn(sl.spilled, set);
    }
    slot = undefined;
  }
}

/** mark_ptr_or_null_regs: after a NULL check of a pointer with `id`, on one side of the branch. */
export function markPtrOrNull(s: VState, id: number, refId: number, isNull: boolean): void {
  if (refId && refId === id && isNull) s.refs = s.refs.filter((r) => r.id !== id);
  forEachReg(s, (r, set) => {
    if (!r.maybeNull || r.id !== id) return;
    if (isNull) {
      set(constScalar(0n));
      return;
    }
    const n: Reg = cloneReg(r);
    n.maybeNull = false;
    // The id has done its work (the NULL check); a reference is still known by its refId.
    n.id = 0;
    set(n);
  });
}

/** sync_linked_regs: scalars sharing an id learn the bounds just established for one of them. */
export function syncLinked(s: VState, known: Reg): void {
  if (known.type !== 'scalar' || !known.id) return;
  forEachReg(s, (r, set) => {
    if (r !== known && r.type === 'scalar' && r.id === known.id) set(cloneReg(known));
  });
}

/** find_good_pkt_pointers: every packet pointer with the same id may now read `off` (+1) bytes. */
export function goodPktPointers(s: VState, reg: Reg, rightOpen: boolean): void {
  if (reg.off < 0 || (reg.off === 0 && rightOpen)) return;
  if (reg.umax > 0xffffn || reg.umax + BigInt(reg.off) > 0xffffn) return;
  let range = reg.off;
  if (rightOpen) range++;
  forEachReg(s, (r, set) => {
    if (r.type === reg.type && r.id === reg.id) { const n = cloneReg(r); n.range = Math.max(r.range, range); set(n); }
  });
}
