/**
 * Callbacks, as the Linux 6.18 verifier handles them: the helpers that call a subprogram back
 * (bpf_loop, bpf_for_each_map_elem; the function pointer comes from funcInfo.ts). A callback is
 * verified as a loop body:
 * the helper call pushes a state that enters the callback with the arguments the helper passes, the
 * callback's exit checks R0 against [0, 1] and goes back to the helper call itself, and the call is a
 * forced checkpoint where the iteration stops once a state repeats (or, for bpf_loop, once it ran as
 * often as R1 allows).
 */
import type { Insn } from '../isa/insn';
import type { Env } from './env';
import { demandPrecision } from './env';
import { reject } from './errors';
import { VState, Frame, cloneState, curFrame, newFrame, MAX_CALL_FRAMES } from './state';
import { Reg, pointer, unknownScalar, notInit, cloneReg } from './regState';
import { isConst } from './tnum';
import { r0RangeMessage } from './returns';

export const BPF_FUNC_LOOP = 181;
export const BPF_FUNC_FOR_EACH_MAP_ELEM = 164;

/** Helpers whose callbacks we verify; the kernel has more (find_vma, user_ringbuf_drain, timers). */
const MODELLED = new Set([BPF_FUNC_LOOP, BPF_FUNC_FOR_EACH_MAP_ELEM]);
/** Helpers that take a callback we do not model: accepting them would leave the callback unchecked. */
const UNMODELLED: { [fid: number]: string } = { 170: 'bpf_timer_set_callback', 180: 'bpf_find_vma', 209: 'bpf_user_ringbuf_drain' };

/** Map types whose bpf_for_each_map_elem walk the kernel implements (map_for_each_callback). */
const FOR_EACH_MAPS = new Set(['hash', 'percpu_hash', 'lru_hash', 'lru_percpu_hash', 'array', 'percpu_array']);

/** Value the driver's prune-point table takes at helper calls that call a callback (forced checkpoints). */
export const CALLS_CALLBACK = 3;

/** The range a callback's R0 must lie in; bpf_loop and for_each_map_elem both allow 0 (go on) and 1 (stop). */
const CALLBACK_RET: [bigint, bigint] = [0n, 1n];

/** Whether `insn` is a helper call that calls a callback synchronously (the kernel's is_sync_callback_calling_insn). */
export function callsCallback(insn: Insn | undefined): boolean {
  return !!insn && insn.kind === 'call' && insn.src === 0 && MODELLED.has(insn.imm);
}

/**
 * Marks helper calls that call callbacks as forced checkpoints and jump points, so that the driver
 * stores a state before every visit and can stop when an iteration adds nothing new.
 */
export function markCallbackCalls(insns: (Insn | undefined)[], prune: Uint8Array, jmpPoints: Uint8Array): void {
  insns.forEach((insn, i) => {
    if (callsCallback(insn)) { prune[i] = CALLS_CALLBACK; jmpPoints[i] = 1; }
  });
}

/** A state for the driver to explore later, as a pushed branch. */
export interface PendingCallback { state: VState; insn: number }

/**
 * The callback part of check_helper_call, after the arguments were checked and before R0-R5 are
 * clobbered: for bpf_loop and bpf_for_each_map_elem, returns the state that enters the callback (the
 * kernel's push_callback_call), or nothing when bpf_loop already ran its callback as often as R1 allows.
 */
export function callbackCall(env: Env, fid: number, callsite: number): PendingCallback | undefined {
  if (UNMODELLED[fid]) reject(`callbacks of ${UNMODELLED[fid]} are not supported by this verifier`);
  if (!MODELLED.has(fid)) return undefined;
  const caller = curFrame(env.cur);
  const regs = caller.regs;
  const fn = regs[2]!;
  if (fid === BPF_FUNC_FOR_EACH_MAP_ELEM) {
    const map = env.maps[regs[1]!.map];
    if (!map || !FOR_EACH_MAPS.has(map.type)) reject('callback function not allowed for map');
  }
  if (fid === BPF_FUNC_LOOP) {
    // The iteration count decides when the walk ends: R1 must be exact. It stays unchanged in the
    // caller's frame across iterations, so widening never touches it.
    markComparedExactly(env);
    if (BigInt(caller.callbackDepth ?? 0) >= regs[1]!.umax) {
      caller.callbackDepth = 0;
      return undefined;
    }
  }
  const s = env.cur;
  if (s.frames.length >= MAX_CALL_FRAMES) reject(`the call stack of ${s.frames.length + 1} frames is too deep`);
  const st = cloneState(s);
  const sCaller = curFrame(st);
  const callee = newFrame(st.frames.length, callsite, fn.subprog);
  setCallbackArgs(fid, sCaller, callee);
  callee.inCallbackFn = true;
  callee.callbackRet = CALLBACK_RET;
  st.frames.push(callee);
  st.callbackUnrollDepth = (st.callbackUnrollDepth ?? 0) + 1;
  sCaller.callbackDepth = (sCaller.callbackDepth ?? 0) + 1;
  caller.callbackDepth = 0;
  return { state: st, insn: fn.subprog };
}

/** set_loop_callback_state and map_set_for_each_callback_args: what the callback's R1-R5 hold. */
function setCallbackArgs(fid: number, caller: Frame, callee: Frame): void {
  const c = caller.regs;
  const r = callee.regs;
  if (fid === BPF_FUNC_LOOP) {
    // callback(u32 index, void *ctx)
    r[1] = unknownScalar();
    r[2] = cloneReg(c[3]!);
    r[3] = notInit(); r[4] = notInit(); r[5] = notInit();
    return;
  }
  // callback(struct bpf_map *map, void *key, void *value, void *ctx)
  const map = c[1]!.map;
  r[1] = cloneReg(c[1]!);
  r[2] = pointer('map_key', { map });
  r[3] = pointer('map_value', { map });
  r[4] = cloneReg(c[3]!);
  r[5] = notInit();
}

/**
 * prepare_func_exit for a callback frame: R0 must be a scalar in the callback's range; the walk goes
 * back to the helper call (not past it), where the driver either stops or runs the callback again.
 * Returns the slot to continue at.
 */
export function exitCallback(env: Env, callee: Frame): number {
  const r0 = callee.regs[0]!;
  if (r0.type !== 'scalar') reject('R0 not a scalar value');
  // The kernel marks R0 precise and follows it back to where it came from. When R0 can only come from
  // an immediate, nothing else needs to stay exact and later widening may go on; otherwise R0 may come
  // from the caller's data, which then must not be widened.
  if (isConst(r0.var) && returnsImmediate(env, callee.subprog)) markComparedExactly(env);
  else demandPrecision(env);
  const [lo, hi] = callee.callbackRet ?? CALLBACK_RET;
  if (r0.smin < lo || r0.smax > hi) reject(r0RangeMessage('At callback return', r0, lo, hi));
  env.cur.frames.pop();
  return callee.callsite;
}

/** Whether every write to R0 in the function at `start` is a move of an immediate (cached per run). */
const immediateReturns = new WeakMap<Env, Map<number, boolean>>();
function returnsImmediate(env: Env, start: number): boolean {
  let byFunc = immediateReturns.get(env);
  if (!byFunc) { byFunc = new Map(); immediateReturns.set(env, byFunc); }
  const known = byFunc.get(start);
  if (known !== undefined) return known;
  const sp = env.subprogs.find((p) => p.start === start);
  let ok = !!sp;
  for (let i = start; ok && sp && i < sp.end; i++) {
    const insn = env.insns[i];
    if (!insn) continue;
    if (insn.kind === 'call' || insn.kind === 'ldAbs' || insn.kind === 'ldInd') ok = false;
    else if ((insn.kind === 'alu' || insn.kind === 'movsx' || insn.kind === 'endian' || insn.kind === 'load' || insn.kind === 'loadAcquire' ||
      insn.kind === 'addrSpaceCast' || insn.kind === 'ldImm64') && insn.dst === 0) {
      ok = (insn.kind === 'alu' && insn.op === 'mov' && !insn.useReg) || (insn.kind === 'ldImm64' && insn.src === 0);
    } else if (insn.kind === 'atomic' && (insn.op === 'cmpxchg' || (insn.fetch && insn.src === 0))) ok = false;
  }
  byFunc.set(start, ok);
  return ok;
}

/** Like demandPrecision, but leaves `keepsScalars` alone: later widening may still drop these scalars. */
function markComparedExactly(env: Env): void {
  let cp = env.cur.parent;
  while (cp && !(cp.precise && !cp.partial)) {
    cp.precise = true;
    cp = cp.parent;
  }
}

/** The part of the driver's checkpoint this file reads: where it was taken and the state it holds. */
interface CheckpointView { at: number; state: VState; keepsScalars?: boolean; parent?: CheckpointView }

/**
 * widen_imprecise_scalars after a callback returned to its call: scalars (in registers and spilled
 * stack slots, every frame) that changed since the previous visit of the call on this path become
 * unknown, so that a counter kept in the caller's stack converges instead of being walked value by
 * value. The kernel keeps the scalars it has marked precise; our precision is per checkpoint, so we
 * widen only when nothing below the previous visit needed an exact value (other than a constant
 * return value).
 */
export function widenAfterCallback(env: Env, callsite: number): void {
  const st = env.cur;
  let cp = st.parent as CheckpointView | undefined;
  while (cp && !(cp.at === callsite && sameCallsites(cp.state, st))) cp = cp.parent;
  if (!cp || cp.keepsScalars) return;
  st.frames.forEach((f, k) => {
    const old = cp!.state.frames[k]!;
    for (let r = 0; r < 10; r++) {
      const w = widened(old.regs[r]!, f.regs[r]!);
      if (w) f.regs[r] = w;
    }
    const n = Math.min(old.stack.length, f.stack.length);
    for (let spi = 0; spi < n; spi++) {
      const o = old.stack[spi]!, c = f.stack[spi]!;
      if (!o.spilled || !c.spilled || o.types[7] !== 'r' || c.types[7] !== 'r') continue;
      const w = widened(o.spilled, c.spilled);
      if (w) f.stack[spi] = { types: c.types, spilled: w };
    }
  });
}

function sameCallsites(a: VState, b: VState): boolean {
  if (a.frames.length !== b.frames.length) return false;
  return a.frames.every((f, k) => f.callsite === b.frames[k]!.callsite);
}

/** maybe_widen_reg: an unknown scalar when `c` differs from `o`, else undefined. */
function widened(o: Reg, c: Reg): Reg | undefined {
  if (o.type !== 'scalar' || c.type !== 'scalar') return undefined;
  if (o.var.value === c.var.value && o.var.mask === c.var.mask && o.smin === c.smin && o.smax === c.smax &&
      o.umin === c.umin && o.umax === c.umax && o.s32min === c.s32min && o.s32max === c.s32max &&
      o.u32min === c.u32min && o.u32max === c.u32max) return undefined;
  return unknownScalar();
}

/**
 * A legacy packet load inside a callback. Linux 6.18 checks R6 first and, when a callback got the
 * context pointer through its own context, fails later with an internal error ("verifier bug:
 * callback unexpected regs"); we reject with the words older kernels used.
 */
export function checkLdAbsInCallback(env: Env): void {
  if (env.cur.frames.some((f) => f.inCallbackFn)) reject('cannot use BPF_LD_[ABS|IND] within callback');
}
