/**
 * Global functions (a BTF FUNC with global linkage), as the Linux 6.18 verifier treats them. A call
 * does not walk into the function: the caller's R1-R5 are checked against the function's BTF
 * prototype, R0-R5 are clobbered and R0 becomes an unknown scalar. Every global function that some
 * path calls is verified afterwards, once and on its own, with arguments typed from the prototype
 * (integers and enums as scalars, a pointer to the program type's context struct as the context, any
 * other pointer to a sized type as memory of that size that may be NULL), and must return a scalar.
 * A function verified this way may be stricter than the same body verified inline: the kernel only
 * knows what the prototype promises, not what the caller passed.
 */
import type { BtfFuncInfo, BtfParamType } from '../program/model';
import type { Env } from './env';
import { newId } from './env';
import { reject, Reject } from './errors';
import { VState, Frame, newFrame, curFrame } from './state';
import { Reg, pointer, unknownScalar, notInit, cloneReg, typeName } from './regState';
import { helperMem, changesPktData } from './helpers';
import { checkPtrOffReg } from './memAccess';
import { forEachReg } from './branch';
import { progTypeByName } from '../data/progTypes';

/** The kernel passes at most five arguments in registers (MAX_BPF_FUNC_REG_ARGS). */
const MAX_ARGS = 5;

/** What the verifier makes of one parameter. */
type ArgKind = { kind: 'scalar' } | { kind: 'ctx' } | { kind: 'mem'; size: number };

/** The kernel's names of context structs that it also accepts for a program type's context (btf_is_projection_of). */
const CTX_PROJECTIONS: { [user: string]: string } = { __sk_buff: 'sk_buff', xdp_md: 'xdp_buff' };

/** Per run: the subprograms a path called (the kernel's `called`). */
const calledByEnv = new WeakMap<Env, Set<number>>();
/** Per run: the argument kinds of each global subprogram, prepared once as the kernel caches them. */
const argsByEnv = new WeakMap<Env, Map<number, ArgKind[]>>();

/** The func_info record of subprogram `sp` (an index into env.subprogs) when it is global. */
export function globalFunc(env: Env, sp: number): BtfFuncInfo | undefined {
  const info = env.prog.btfFuncs?.[sp];
  return info && info.linkage === 'global' ? info : undefined;
}

/** Whether the prototype's pointee is the context struct of the program's type (btf_is_prog_ctx_type). */
function isCtxPointer(env: Env, t: BtfParamType & { kind: 'ptr' }): boolean {
  if (t.toKind !== 'STRUCT' && t.toKind !== 'UNION') return false;
  const ctx = progTypeByName(env.prog.progType)?.ctx;
  if (!ctx || !/^\w+$/.test(ctx)) return false;
  return t.toName === ctx || t.toName === CTX_PROJECTIONS[ctx];
}

/**
 * btf_prepare_func_args for a global function: the verifier's type of each parameter, or a rejection
 * worded as the kernel words it. A record without prototype types cannot be checked as the kernel
 * would, so it is refused rather than guessed.
 */
function prepareArgs(env: Env, sp: number, info: BtfFuncInfo): ArgKind[] {
  let byEnv = argsByEnv.get(env);
  if (!byEnv) { byEnv = new Map(); argsByEnv.set(env, byEnv); }
  const known = byEnv.get(sp);
  if (known) return known;
  const proto = info.proto;
  if (!proto) reject(`global function ${info.name}() has no parameter types in its BTF: it cannot be checked against its callers`);
  if (proto.params.length > MAX_ARGS) reject(`Global function ${info.name}() with ${proto.params.length} > ${MAX_ARGS} args. Buggy compiler.`);
  if (proto.ret.kind !== 'scalar') reject(`Global function ${info.name}() doesn't return scalar. Only those are supported.`);
  const args = proto.params.map((t, i): ArgKind => {
    if (t.kind === 'ptr' && isCtxPointer(env, t)) return { kind: 'ctx' };
    if (t.kind === 'ptr') {
      if (t.size === undefined) reject(`arg#${i} reference type('${t.toKind} ${t.toName}') size cannot be determined: -22`);
      return { kind: 'mem', size: t.size };
    }
    if (t.kind === 'scalar') return { kind: 'scalar' };
    return reject(`Arg#${i} type ${t.what} in ${info.name}() is not supported yet.`);
  });
  byEnv.set(sp, args);
  return args;
}

/** Pointer types that may carry an offset when passed (check_func_arg_reg_off with ARG_DONTCARE). */
function offsetAllowed(r: Reg): boolean {
  if (r.maybeNull) return false;
  return r.type === 'fp' || r.type === 'pkt' || r.type === 'pkt_meta' || r.type === 'map_key' || r.type === 'map_value' ||
    r.type === 'mem' || r.type === 'scalar';
}

/** btf_check_func_arg_match: the caller's registers against the prepared parameter kinds. */
function checkArgs(env: Env, caller: Frame, args: ArgKind[]): void {
  args.forEach((a, i) => {
    const regno = i + 1;
    const r = caller.regs[regno]!;
    if (a.kind === 'scalar') {
      if (r.type !== 'scalar') reject(`R${regno} is not a scalar`);
      return;
    }
    if (!offsetAllowed(r)) checkPtrOffReg(regno, r, false);
    if (a.kind === 'ctx') {
      if (r.type !== 'ctx') reject(`arg#${i} expects pointer to ctx`);
      return;
    }
    // check_mem_reg: NULL is always fine, a pointer that may be NULL is checked as if it were not, and
    // the memory must be readable and writable for the whole size (the callee may do either).
    if (r.type === 'scalar' && r.var.mask === 0n && r.var.value === 0n) return;
    if (r.maybeNull) {
      const nonNull = cloneReg(r);
      nonNull.maybeNull = false;
      caller.regs[regno] = nonNull;
    }
    try {
      helperMem(env, regno, a.size, false, true);
      helperMem(env, regno, a.size, true, true);
    } finally {
      caller.regs[regno] = r;
    }
  });
}

/** Whether the function at subprogram `sp`, or one it calls, may move packet data (changes_pkt_data). */
function changesPacket(env: Env, sp: number, seen = new Set<number>()): boolean {
  if (seen.has(sp)) return false;
  seen.add(sp);
  const s = env.subprogs[sp]!;
  for (let i = s.start; i < s.end; i++) {
    const insn = env.insns[i];
    if (!insn || insn.kind !== 'call') continue;
    if (insn.src === 0 && changesPktData(insn.imm)) return true;
    if (insn.src === 1) {
      const callee = env.subprogs.findIndex((p) => p.start === i + 1 + insn.imm);
      if (callee >= 0 && changesPacket(env, callee, seen)) return true;
    }
  }
  return false;
}

/**
 * check_func_call for a global callee: checks the arguments, notes the callee for verification after
 * the main program and gives the caller an unknown scalar in R0 with R1-R5 cleared. Returns the log
 * line the kernel prints for the call.
 */
export function callGlobal(env: Env, sp: number, info: BtfFuncInfo): string {
  const caller = curFrame(env.cur);
  try {
    checkArgs(env, caller, prepareArgs(env, sp, info));
  } catch (e) {
    if (!(e instanceof Reject)) throw e;
    reject([...e.lines, `Caller passes invalid args into func#${sp} ('${info.name}')`]);
  }
  if (changesPacket(env, sp)) {
    forEachReg(env.cur, (r, set) => { if (r.type === 'pkt' || r.type === 'pkt_meta' || r.type === 'pkt_end') set(unknownScalar()); });
  }
  let called = calledByEnv.get(env);
  if (!called) { called = new Set(); calledByEnv.set(env, called); }
  called.add(sp);
  for (let i = 1; i <= 5; i++) caller.regs[i] = notInit();
  caller.regs[0] = unknownScalar();
  env.scratched |= 0x3f;
  return `Func#${sp} ('${info.name}') is global and assumed valid.`;
}

/**
 * The global subprograms to verify on their own, in the kernel's order (do_check_subprogs): passes over
 * the subprograms by index, each verifying those a path called and not yet verified; a function that
 * the walk of another one calls is picked up later in the same pass or in the next one.
 */
export function* globalsToVerify(env: Env): Generator<number> {
  const verified = new Set<number>();
  for (;;) {
    let fresh = 0;
    for (let sp = 1; sp < env.subprogs.length; sp++) {
      if (verified.has(sp) || !globalFunc(env, sp) || !(calledByEnv.get(env)?.has(sp))) continue;
      yield sp;
      verified.add(sp);
      fresh++;
    }
    if (!fresh) return;
  }
}

/** The state a global subprogram starts in: frame 0 runs it, with R1-R5 typed from its prototype. */
export function globalEntryState(env: Env, sp: number): VState {
  const info = globalFunc(env, sp)!;
  const args = prepareArgs(env, sp, info);
  const f = newFrame(0, -1, env.subprogs[sp]!.start);
  args.forEach((a, i) => {
    if (a.kind === 'scalar') f.regs[i + 1] = unknownScalar();
    else if (a.kind === 'ctx') f.regs[i + 1] = pointer('ctx');
    else f.regs[i + 1] = pointer('mem', { maybeNull: true, memSize: a.size, id: newId(env) });
  });
  return { frames: [f], refs: [], branches: 1, insn: f.subprog, mayGotoDepth: 0, jmpHistory: 0, fromInsn: -1 };
}

/** Whether the walk is in a global subprogram verified on its own and has returned to its own frame. */
export function atGlobalExit(env: Env): boolean {
  return env.cur.frames.length === 1 && env.cur.frames[0]!.subprog !== 0;
}

/** check_return_code for a subprogram verified on its own: R0 must be set and be a scalar. */
export function checkGlobalReturn(env: Env): void {
  const r0 = curFrame(env.cur).regs[0]!;
  if (r0.type === 'not_init') reject('R0 !read_ok');
  if (r0.type !== 'scalar') reject(`At subprogram exit the register R0 is not a scalar value (${typeName(r0)})`);
}
