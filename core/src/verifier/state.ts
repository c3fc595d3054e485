/**
 * Verifier state: the frames of the call chain (registers and stack of each), acquired references and
 * the bookkeeping the kernel keeps per state (branch counts for pruning, the may_goto budget depth).
 * States are copied when a branch is pushed and when a checkpoint is stored, so copying is explicit
 * and shallow where values are immutable.
 */
import { Reg, notInit, pointer, cloneReg } from './regState';

export const MAX_BPF_STACK = 512;
export const MAX_CALL_FRAMES = 8;

/** One 8-byte stack slot: the type of each byte ('?' invalid, 'm' misc, '0' zero, 'r' spilled register) and the spilled register. */
export interface StackSlot {
  types: string;
  spilled?: Reg;
}

export interface Frame {
  regs: Reg[];
  /** Slots by spi: slot 0 covers fp-8 .. fp-1. */
  stack: StackSlot[];
  /** Slot of the call instruction that created this frame (-1 for the main frame). */
  callsite: number;
  frameno: number;
  /** First slot of the function this frame runs. */
  subprog: number;
  /** Set for frames of callbacks (bpf_loop, for_each_map_elem): the range R0 must be in at their exit. */
  callbackRet?: [bigint, bigint];
  /** For callbacks: the helper call that invoked it, re-entered after the callback returns. */
  inCallbackFn: boolean;
  /** How many times this frame's pending helper call has entered its callback on this path (callback_depth). */
  callbackDepth?: number;
}

/** The checkpoint a path descends from, with the count of live paths below it. */
export interface CheckpointLink {
  branches: number;
  parent?: CheckpointLink;
  /**
   * Whether some path below this checkpoint needed a scalar's exact value (a decided branch, pointer
   * arithmetic, a helper size, the return value). Until then its scalars match any scalar, as the
   * kernel's imprecise scalars do; we do not track which scalar, so all of them become precise.
   */
  precise: boolean;
  /**
   * Whether an exact value was needed for a reason other than a callback's constant return value:
   * then widening after a callback keeps the scalars of this checkpoint's path (callbacks.ts).
   */
  keepsScalars?: boolean;
  /**
   * Whether the marks above came from a need that ended at a callback's entry (callbackPrecision.ts):
   * then the checkpoints before that entry may be unmarked, and a need that reaches back further
   * must not stop here.
   */
  partial?: boolean;
}

export interface RefInfo { id: number; insn: number; kind: string }

export interface VState {
  frames: Frame[];
  refs: RefInfo[];
  /** Live paths below this state when it is a checkpoint (the kernel's branches). */
  branches: number;
  parent?: CheckpointLink;
  insn: number;
  /** may_goto loop budget depth. */
  mayGotoDepth: number;
  /** Slots of the jump history since the last checkpoint, for the kernel's 40-entry heuristic. */
  jmpHistory: number;
  /** Instruction that ended the previous path step (for "from X to Y" log lines). */
  fromInsn: number;
  /** Callback bodies entered on this path (callback_unroll_depth): iterations are not infinite loops. */
  callbackUnrollDepth?: number;
}

export function newFrame(frameno: number, callsite: number, subprog: number): Frame {
  const regs: Reg[] = [];
  for (let i = 0; i < 11; i++) regs.push(notInit());
  regs[10] = pointer('fp', { frame: frameno });
  return { regs, stack: [], callsite, frameno, subprog, inCallbackFn: false };
}

export function initialState(): VState {
  const f = newFrame(0, -1, 0);
  f.regs[1] = pointer('ctx');
  return { frames: [f], refs: [], branches: 1, insn: 0, mayGotoDepth: 0, jmpHistory: 0, fromInsn: -1 };
}

/**
 * Copies a frame. Register states are shared between the copies: code that changes a register puts a
 * new object in the frame instead of changing the shared one (see `ownReg`), which makes the copies a
 * branch or checkpoint needs cheap. Stack slots are copied because the stack code changes them in place.
 */
export function cloneFrame(f: Frame): Frame {
  const stack: StackSlot[] = new Array(f.stack.length);
  for (let i = 0; i < f.stack.length; i++) {
    const s = f.stack[i]!;
    stack[i] = { types: s.types, spilled: s.spilled };
  }
  return {
    regs: f.regs.slice(),
    stack,
    callsite: f.callsite,
    frameno: f.frameno,
    subprog: f.subprog,
    callbackRet: f.callbackRet,
    inCallbackFn: f.inCallbackFn,
    callbackDepth: f.callbackDepth,
  };
}

export function cloneState(s: VState): VState {
  return {
    frames: s.frames.map(cloneFrame),
    refs: s.refs.slice(),
    branches: s.branches,
    parent: s.parent,
    insn: s.insn,
    mayGotoDepth: s.mayGotoDepth,
    jmpHistory: s.jmpHistory,
    fromInsn: s.fromInsn,
    callbackUnrollDepth: s.callbackUnrollDepth,
  };
}

/** Replaces register `regno` of frame `f` by a private copy that may be changed in place, and returns it. */
export function ownReg(f: Frame, regno: number): Reg {
  const r = cloneReg(f.regs[regno]!);
  f.regs[regno] = r;
  return r;
}

export function curFrame(s: VState): Frame {
  return s.frames[s.frames.length - 1]!;
}
