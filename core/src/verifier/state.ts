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

export function cloneFrame(f: Frame): Frame {
  return {
    regs: f.regs.map(cloneReg),
    stack: f.stack.map((s) => ({ types: s.types, spilled: s.spilled ? cloneReg(s.spilled) : undefined })),
    callsite: f.callsite,
    frameno: f.frameno,
    subprog: f.subprog,
    callbackRet: f.callbackRet,
    inCallbackFn: f.inCallbackFn,
  };
}

export function cloneState(s: VState): VState {
  return {
    frames: s.frames.map(cloneFrame),
    refs: s.refs.map((r) => ({ ...r })),
    branches: s.branches,
    parent: s.parent,
    insn: s.insn,
    mayGotoDepth: s.mayGotoDepth,
    jmpHistory: s.jmpHistory,
    fromInsn: s.fromInsn,
  };
}

export function curFrame(s: VState): Frame {
  return s.frames[s.frames.length - 1]!;
}
