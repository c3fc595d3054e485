/**
 * Precision demands that start inside a bpf_loop callback and end there. Our precision is per
 * checkpoint (env.ts's demandPrecision keeps every scalar of every checkpoint on the path exact),
 * while the kernel follows one register back through the instructions and stops where its value was
 * made. When a callback adds its loop index to a packet pointer, the kernel's walk ends at the
 * callback's entry, because the helper itself sets the index; the caller's spilled counters stay
 * imprecise, so widening after the callback may drop them and the iteration converges after a few
 * rounds. This file finds such registers with a small data-flow pass over the callback's own
 * instructions and then marks only the checkpoints taken inside the current callback invocation.
 */
import type { Insn } from '../isa/insn';
import type { Env } from './env';
import { demandPrecision } from './env';
import type { VState, CheckpointLink } from './state';

/** The driver's checkpoints hold the state they were taken from. */
interface CheckpointView extends CheckpointLink { state: VState; parent?: CheckpointView }

const BPF_FUNC_LOOP = 181;
const ALL_REGS = 0x7ff;

/**
 * For every slot of the function starting at `start`, the registers whose value before the slot may
 * come from anything but immediates, helper results and the loop index (bit i = Ri). Cached per run.
 */
const foreignCache = new WeakMap<Env, Map<number, Uint16Array | null>>();

function foreignRegs(env: Env, start: number): Uint16Array | null {
  let byFunc = foreignCache.get(env);
  if (!byFunc) { byFunc = new Map(); foreignCache.set(env, byFunc); }
  if (byFunc.has(start)) return byFunc.get(start)!;
  const sp = env.subprogs.find((p) => p.start === start);
  const result = sp ? computeForeign(env.insns, sp.start, sp.end) : null;
  byFunc.set(start, result);
  return result;
}

/**
 * A forward pass to a fixed point: at entry only R1 (the index bpf_loop passes) is the callback's
 * own; R2, the caller's context pointer (or a NULL scalar), counts as foreign. Data moves taint the
 * destination, loads and calls to other functions taint what they write, and a comparison of two
 * registers ties their bounds together, so each takes the other's taint.
 */
function computeForeign(insns: (Insn | undefined)[], start: number, end: number): Uint16Array | null {
  const n = end - start;
  const before = new Uint16Array(n);
  const seen = new Uint8Array(n);
  before[0] = ALL_REGS & ~(1 << 1);
  seen[0] = 1;
  const work = [start];
  const flow = (to: number, mask: number): boolean => {
    if (to < start || to >= end) return false;
    const k = to - start;
    const merged = before[k]! | mask;
    if (seen[k] && merged === before[k]) return true;
    before[k] = merged;
    seen[k] = 1;
    work.push(to);
    return true;
  };
  while (work.length) {
    const i = work.pop()!;
    const insn = insns[i];
    if (!insn) continue;
    let m = before[i - start]!;
    const bit = (r: number): number => 1 << r;
    const has = (r: number): boolean => (m & bit(r)) !== 0;
    const set = (r: number, foreign: boolean): void => { m = foreign ? m | bit(r) : m & ~bit(r); };
    switch (insn.kind) {
      case 'alu':
        if (insn.op === 'mov') set(insn.dst, insn.useReg && has(insn.src));
        else if (insn.useReg) set(insn.dst, has(insn.dst) || has(insn.src));
        break;
      case 'movsx': set(insn.dst, has(insn.src)); break;
      case 'endian': case 'addrSpaceCast': break;
      case 'load': case 'loadAcquire': case 'ldAbs': case 'ldInd':
        set(insn.kind === 'ldAbs' || insn.kind === 'ldInd' ? 0 : insn.dst, true);
        break;
      case 'ldImm64': set(insn.dst, insn.src !== 0); break;
      case 'atomic':
        if (insn.op === 'cmpxchg') set(0, true);
        else if (insn.fetch) set(insn.src, true);
        break;
      case 'call':
        // A helper's result is where the kernel's walk back ends; other calls may return anything.
        m &= ~0x3e;
        set(0, insn.src !== 0);
        break;
      case 'jcond':
        if (insn.useReg && (has(insn.dst) || has(insn.src))) { set(insn.dst, true); set(insn.src, true); }
        break;
      default: break;
    }
    const next = insn.kind === 'ldImm64' ? i + 2 : i + 1;
    let ok = true;
    switch (insn.kind) {
      case 'exit': break;
      case 'ja': ok = flow(i + 1 + (insn.long ? insn.imm : insn.off), m); break;
      case 'jcond': case 'mayGoto': ok = flow(next, m) && flow(i + 1 + insn.off, m); break;
      default: ok = flow(next, m);
    }
    // A jump out of the function: the analysis does not know the shape, so it gives up.
    if (!ok) return null;
  }
  return before;
}

/**
 * mark_chain_precision for register `regno` at the current instruction (-1: an immediate operand).
 * Inside a bpf_loop callback, when the register can only hold values the callback made itself, only
 * the checkpoints of the current callback invocation keep their scalars exact; anything else falls
 * back to demandPrecision.
 */
export function demandRegPrecision(env: Env, regno: number): void {
  const st = env.cur;
  const frame = st.frames[st.frames.length - 1]!;
  const callsite = env.insns[frame.callsite];
  const inLoopCallback = frame.inCallbackFn && callsite?.kind === 'call' && callsite.src === 0 && callsite.imm === BPF_FUNC_LOOP;
  if (!inLoopCallback) { demandPrecision(env); return; }
  if (regno >= 0) {
    const foreign = foreignRegs(env, frame.subprog);
    const k = env.insnIdx - frame.subprog;
    if (!foreign || k < 0 || k >= foreign.length || (foreign[k]! & (1 << regno))) { demandPrecision(env); return; }
  }
  markInvocation(st);
}

/** Marks the checkpoints taken since the current callback frame was entered, nearest first. */
function markInvocation(st: VState): void {
  // As demandPrecision does for needs that arise inside a callback, the marks also stop widening.
  const depth = st.frames.length;
  let cp = st.parent as CheckpointView | undefined;
  while (cp && cp.state.frames.length >= depth && sameFrames(cp.state, st, depth)) {
    // Marked checkpoints of this invocation have their earlier ones in it marked too.
    if (cp.precise && cp.keepsScalars) break;
    cp.precise = true;
    cp.keepsScalars = true;
    cp.partial = true;
    cp = cp.parent;
  }
}

/** Whether the outer `depth` frames of `a` are the same calls as those of `b`. */
function sameFrames(a: VState, b: VState, depth: number): boolean {
  for (let k = 0; k < depth; k++) if (a.frames[k]!.callsite !== b.frames[k]!.callsite) return false;
  return true;
}
