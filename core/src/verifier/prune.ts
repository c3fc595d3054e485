/**
 * State equivalence for pruning (the kernel's states_equal / regsafe / stacksafe): a new state is safe
 * when an already fully explored state at the same instruction covers it. Scalars are compared as the
 * kernel compares precise scalars (range and tnum inclusion); registers dead at the instruction are
 * ignored. `exact` is the kernel's EXACT mode used for infinite-loop detection.
 */
import type { Reg } from './regState';
import type { Frame, VState } from './state';
import { tin } from './tnum';

class IdMap {
  private a?: Map<number, number>;
  private b?: Map<number, number>;
  /** Unique stand-ins for id 0 of scalars, below every real id. */
  private tmp = 0;
  /** check_ids: both ids set or both zero, and each old id paired with one current id and back. */
  check(oldId: number, curId: number): boolean {
    if (!oldId && !curId) return true;
    if (!oldId || !curId) return false;
    return this.pair(oldId, curId);
  }
  /**
   * check_scalar_ids of Linux 6.18: a scalar without an id is independent, so id 0 on either side
   * stands for an id of its own, never seen before. An old scalar with an id thus matches a current
   * one without (unless the old id is already paired), and an old scalar without an id matches any
   * current id not yet paired with another old one.
   */
  checkScalar(oldId: number, curId: number): boolean {
    return this.pair(oldId || --this.tmp, curId || --this.tmp);
  }
  private pair(oldId: number, curId: number): boolean {
    if (!this.a || !this.b) { this.a = new Map(); this.b = new Map(); }
    const m = this.a.get(oldId);
    const n = this.b.get(curId);
    if (m === undefined && n === undefined) { this.a.set(oldId, curId); this.b.set(curId, oldId); return true; }
    return m === curId && n === oldId;
  }
}

function rangeWithin(o: Reg, c: Reg): boolean {
  return o.umin <= c.umin && o.umax >= c.umax && o.smin <= c.smin && o.smax >= c.smax &&
    o.u32min <= c.u32min && o.u32max >= c.u32max && o.s32min <= c.s32min && o.s32max >= c.s32max;
}

function sameShape(o: Reg, c: Reg): boolean {
  return o.type === c.type && o.maybeNull === c.maybeNull && o.rdonly === c.rdonly && o.ringbuf === c.ringbuf &&
    o.off === c.off && o.map === c.map && o.memSize === c.memSize && o.frame === c.frame && o.subprog === c.subprog;
}

/** Everything regsExact compares except the ids. */
function sameValues(o: Reg, c: Reg): boolean {
  return o.range === c.range && o.var.value === c.var.value && o.var.mask === c.var.mask &&
    o.smin === c.smin && o.smax === c.smax && o.umin === c.umin && o.umax === c.umax &&
    o.s32min === c.s32min && o.s32max === c.s32max && o.u32min === c.u32min && o.u32max === c.u32max;
}

function regsExact(o: Reg, c: Reg, ids: IdMap): boolean {
  return sameShape(o, c) && sameValues(o, c) && ids.check(o.id, c.id) && ids.check(o.refId, c.refId);
}

function regSafe(o: Reg, c: Reg, ids: IdMap, exact: boolean, imprecise = false): boolean {
  if (exact) return regsExact(o, c, ids);
  if (o.type === 'not_init') return true;
  if (o.type !== c.type) return false;
  switch (o.type) {
    case 'scalar':
      if (imprecise) return true;
      return ids.checkScalar(o.id, c.id) && rangeWithin(o, c) && tin(o.var, c.var);
    case 'map_key': case 'map_value': case 'mem':
      return sameShape(o, c) && rangeWithin(o, c) && tin(o.var, c.var) && ids.check(o.id, c.id) && ids.check(o.refId, c.refId);
    case 'pkt': case 'pkt_meta':
      if (o.range > c.range || (o.range < 0 && o.range !== c.range)) return false;
      if (o.off !== c.off) return false;
      if (!ids.check(o.id, c.id)) return false;
      return rangeWithin(o, c) && tin(o.var, c.var);
    default:
      return regsExact(o, c, ids);
  }
}

function stackSafe(o: Frame, c: Frame, ids: IdMap, exact: boolean, imprecise: boolean): boolean {
  for (let spi = 0; spi < o.stack.length; spi++) {
    const os = o.stack[spi]!;
    const cs = c.stack[spi];
    const ctypes = cs ? cs.types : '????????';
    if (exact) {
      if (os.types !== ctypes) return false;
      if (os.spilled && os.types[7] === 'r' && !regsExact(os.spilled, cs!.spilled!, ids)) return false;
      continue;
    }
    const oSpill = os.spilled && os.types === 'rrrrrrrr';
    const cSpill = cs?.spilled && ctypes === 'rrrrrrrr';
    if (oSpill && cSpill) {
      if (!regSafe(os.spilled!, cs!.spilled!, ids, false, imprecise)) return false;
      continue;
    }
    for (let i = 0; i < 8; i++) {
      const ot = os.types[i]!;
      const ct = ctypes[i]!;
      if (ot === '?' || ot === 'm') continue;
      if (ot === '0' && ct === '0') continue;
      if (ot !== ct) return false;
    }
    if (oSpill) {
      if (!cs?.spilled || !regSafe(os.spilled!, cs.spilled, ids, false, imprecise)) return false;
    } else if (os.types.includes('r')) {
      if (!cs?.spilled || !regSafe(os.spilled!, cs.spilled, ids, false, imprecise)) return false;
    }
  }
  return true;
}

/**
 * Whether `cur` is covered by the explored state `old`. `live(frameIdx)` gives the live-register mask
 * of each frame at the point the states are compared.
 */
export function statesEqual(old: VState, cur: VState, live: (frameIdx: number) => number, exact: boolean, imprecise = false): boolean {
  if (old.frames.length !== cur.frames.length) return false;
  if (old.mayGotoDepth !== cur.mayGotoDepth && exact) return false;
  if (old.refs.length !== cur.refs.length) return false;
  const ids = new IdMap();
  for (let i = 0; i < old.refs.length; i++) if (!ids.check(old.refs[i]!.id, cur.refs[i]!.id)) return false;
  for (let k = 0; k < old.frames.length; k++) {
    const o = old.frames[k]!;
    const c = cur.frames[k]!;
    if (o.callsite !== c.callsite) return false;
    // A frame whose callback ran fewer times than the old one's is not covered (func_states_equal).
    if ((o.callbackDepth ?? 0) > (c.callbackDepth ?? 0)) return false;
    const mask = exact ? 0x7ff : live(k);
    for (let r = 0; r < 10; r++) {
      if (!(mask & (1 << r)) && !exact) continue;
      if (!regSafe(o.regs[r]!, c.regs[r]!, ids, exact, imprecise)) return false;
    }
    if (!stackSafe(o, c, ids, exact, imprecise)) return false;
  }
  return true;
}

/**
 * states_maybe_looping: the current frame's registers are identical. The kernel compares the register
 * structs byte for byte up to frameno, so ids must be the same numbers, not merely map onto each
 * other: a scalar given a fresh id on each pass (by a spill or a move) keeps the states apart.
 */
export function statesMaybeLooping(old: VState, cur: VState): boolean {
  if (old.frames.length !== cur.frames.length) return false;
  const o = old.frames[old.frames.length - 1]!;
  const c = cur.frames[cur.frames.length - 1]!;
  for (let r = 0; r < 11; r++) {
    const a = o.regs[r]!, b = c.regs[r]!;
    if (a !== b && !(sameShape(a, b) && sameValues(a, b) && a.id === b.id && a.refId === b.refId)) return false;
  }
  return true;
}
