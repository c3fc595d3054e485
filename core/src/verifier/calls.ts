/**
 * bpf-to-bpf calls: entering a subprogram in a new frame (arguments R1-R5 passed, caller-saved
 * registers cleared, at most 8 frames), returning from it (R0 handed back, stack pointers refused; a
 * callback's exit is checked in callbacks.ts), and the combined stack check over the static call graph
 * done after verification.
 */
import type { Env } from './env';
import { reject } from './errors';
import { curFrame, newFrame, MAX_CALL_FRAMES } from './state';
import { notInit, cloneReg } from './regState';
import { exitCallback } from './callbacks';

/** Enters the subprogram at `target` from the call at `callsite`; returns the slot to continue at. */
export function enterSubprog(env: Env, callsite: number, target: number): number {
  const s = env.cur;
  if (s.frames.length >= MAX_CALL_FRAMES) reject(`the call stack of ${s.frames.length + 1} frames is too deep`);
  const caller = curFrame(s);
  const sp = env.subprogs.findIndex((p) => p.start === target);
  const callee = newFrame(s.frames.length, callsite, target);
  if (sp < 0) reject('call to invalid destination');
  for (let i = 1; i <= 5; i++) callee.regs[i] = cloneReg(caller.regs[i]!);
  for (let i = 0; i <= 5; i++) caller.regs[i] = notInit();
  s.frames.push(callee);
  return target;
}

/** Leaves the current subprogram; returns the slot after the call (a callback goes back to the helper call). */
export function exitSubprog(env: Env): number {
  const s = env.cur;
  const callee = curFrame(s);
  const r0 = callee.regs[0]!;
  if (r0.type === 'fp') reject('cannot return stack pointer to the caller');
  if (callee.inCallbackFn) return exitCallback(env, callee);
  s.frames.pop();
  const caller = curFrame(s);
  caller.regs[0] = cloneReg(r0);
  return callee.callsite + 1;
}

/**
 * check_max_stack_depth: the deepest chain of frames over the static call graph must fit in 512 bytes
 * and in 8 frames, and a subprogram that makes a tail call may only be reached with less than 256
 * bytes of callers' stack (a tail call keeps the callers' frames, and up to 33 programs may chain).
 */
export function checkCombinedStack(env: Env): void {
  const round = (d: number): number => Math.ceil(Math.max(d, 0) / 16) * 16;
  const subIndex = (slot: number): number => {
    for (let k = env.subprogs.length - 1; k >= 0; k--) if (env.subprogs[k]!.start <= slot) return k;
    return 0;
  };
  const calls: number[][] = env.subprogs.map(() => []);
  const tailCalls = new Set<number>();
  env.insns.forEach((insn, i) => {
    if (insn && insn.kind === 'call' && insn.src === 0 && insn.imm === 12) tailCalls.add(subIndex(i));
    // Taking a function's address counts as calling it: the helper runs the callback on this stack.
    if (insn && ((insn.kind === 'call' && insn.src === 1) || (insn.kind === 'ldImm64' && insn.src === 4))) {
      calls[subIndex(i)]!.push(subIndex(i + 1 + insn.imm));
    }
  });
  // Several calls of one function from one caller lead to the same chains: walking one is enough.
  const callees = calls.map((c) => [...new Set(c)]);
  const walk = (sp: number, depth: number, frames: number): void => {
    if (sp !== 0 && tailCalls.has(sp) && depth >= 256) {
      reject(`tail_calls are not allowed when call stack of previous frames is ${depth} bytes. Too large`);
    }
    const total = depth + round(env.subprogs[sp]!.stackDepth);
    if (total > 512) reject(`combined stack size of ${frames} calls is ${total}. Too large`);
    for (const c of callees[sp]!) {
      // Recursion through global functions, which the walk never entered, ends here: the chain of
      // calls is followed frame by frame as if each call were made.
      if (frames >= MAX_CALL_FRAMES) reject(`the call stack of ${frames} frames is too deep !`);
      walk(c, total, frames + 1);
    }
  };
  walk(0, 0, 1);
}
