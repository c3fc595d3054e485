/**
 * BTF func_info, as the Linux 6.18 verifier uses it: the checks of the records against the program's
 * functions, done before any instruction is simulated, and 64-bit loads of a function's address
 * (`r2 = callback ll`, BPF_PSEUDO_FUNC), which need the records and give a PTR_TO_FUNC register.
 */
import type { Insn } from '../isa/insn';
import type { Env } from './env';
import { reject } from './errors';
import { Reg, pointer } from './regState';

/**
 * check_btf_func_early: the func_info records must start at slot 0 and be in increasing slot order.
 * Runs before the control-flow checks, as in the kernel; these lines have no trailing newline there.
 */
export function checkFuncInfoEarly(env: Env): void {
  const funcs = env.prog.btfFuncs;
  if (!funcs || funcs.length === 0) return;
  let prev = 0;
  funcs.forEach((f, i) => {
    if (i === 0 && f.slot !== 0) reject(`nonzero insn_off ${f.slot} for the first func info record`, 0);
    if (i > 0 && f.slot <= prev) reject(`same or smaller insn offset (${f.slot}) than previous func info record (${prev})`, 0);
    prev = f.slot;
  });
}

/** check_btf_func: one func_info record per subprogram, each at the subprogram's first slot. */
export function checkFuncInfoLayout(env: Env): void {
  const funcs = env.prog.btfFuncs;
  if (!funcs || funcs.length === 0) return;
  if (funcs.length !== env.subprogs.length) reject('number of funcs in func_info doesn\'t match number of subprogs', 0);
  funcs.forEach((f, i) => {
    if (env.subprogs[i]!.start !== f.slot) reject('func_info BTF section doesn\'t match subprog layout in BPF program', 0);
  });
}

/** check_ld_imm for BPF_PSEUDO_FUNC: `rX = func ll` gives a PTR_TO_FUNC to a static subprogram. */
export function loadFuncAddress(env: Env, idx: number, insn: Insn & { kind: 'ldImm64' }): Reg {
  const target = idx + 1 + insn.imm;
  const funcs = env.prog.btfFuncs;
  if (!funcs || funcs.length === 0) reject('missing btf func_info');
  const sp = env.subprogs.findIndex((s) => s.start === target);
  // The layout check guarantees one record per subprogram, in order.
  const info = funcs[sp];
  if (!info || info.linkage !== 'static') reject('callback function not static');
  if (sp === 0) reject('callback function cannot be the main program');
  return pointer('func', { subprog: target });
}
