/**
 * Control-flow checks done before any state is simulated (the kernel's add_subprog, check_subprogs and
 * check_cfg): subprogram boundaries from bpf-to-bpf calls, jumps that leave their function or the
 * program, the last instruction of each function, unreachable instructions and jumps into the middle of
 * a 64-bit immediate load. Also computes the prune points the driver checkpoints at and a static
 * register liveness (the kernel prints it as "Live regs before insn").
 */
import type { Insn } from '../isa/insn';
import { reject } from './errors';
import type { Subprog } from './env';

export interface CfgInfo {
  subprogs: Subprog[];
  /** 1 at prune points, 2 where a checkpoint is forced (may_goto). */
  prunePoints: Uint8Array;
  /** Jump targets and conditional jumps: where the kernel records jump history. */
  jmpPoints: Uint8Array;
  /** Registers live before each slot, one bit per register. */
  liveBefore: Uint16Array;
}

function target(insn: Insn, pc: number): number | undefined {
  switch (insn.kind) {
    case 'ja': return pc + 1 + (insn.long ? insn.imm : insn.off);
    case 'jcond': case 'mayGoto': return pc + 1 + insn.off;
    default: return undefined;
  }
}

/**
 * `firstPass` runs where the kernel runs its first pass over all slots (resolve_pseudo_ldimm64): after
 * the function-boundary checks and before the reachability walk.
 */
export function checkCfg(insns: (Insn | undefined)[], firstPass?: () => void): CfgInfo {
  const n = insns.length;
  // Unknown or malformed slots: the kernel reports them when it reaches them; the CFG treats them as plain.
  const starts = new Set<number>([0]);
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (insn?.kind === 'call' && insn.src === 1) {
      const t = i + 1 + insn.imm;
      if (t < 0 || t >= n) reject('call to invalid destination', i);
      starts.add(t);
    }
    if (insn?.kind === 'ldImm64' && insn.src === 4) {
      const t = i + 1 + insn.imm;
      if (t < 0 || t >= n) reject('call to invalid destination', i);
      starts.add(t);
    }
  }
  const sorted = [...starts].sort((a, b) => a - b);
  const subprogs: Subprog[] = sorted.map((s, k) => ({ start: s, end: sorted[k + 1] ?? n, stackDepth: 0 }));
  for (const sp of subprogs) {
    for (let i = sp.start; i < sp.end; i++) {
      const insn = insns[i];
      if (insn && (insn.kind === 'ja' || insn.kind === 'jcond' || insn.kind === 'mayGoto')) {
        const t = target(insn, i)!;
        if (t < sp.start || t >= sp.end) reject(`jump out of range from insn ${i} to ${t}`, i);
      }
      if (i === sp.end - 1) {
        const last = insns[i];
        if (!last || (last.kind !== 'exit' && last.kind !== 'ja')) reject('last insn is not an exit or jmp', i);
      }
    }
  }
  firstPass?.();
  // Depth-first walk from every function entry reachable from the main program.
  const seen = new Uint8Array(n);
  const prune = new Uint8Array(n);
  const jmpPts = new Uint8Array(n);
  const work: number[] = [0];
  seen[0] = 1;
  const visit = (t: number): void => {
    if (t >= 0 && t < n && !seen[t]) { seen[t] = 1; work.push(t); }
  };
  while (work.length) {
    const i = work.pop()!;
    const insn = insns[i];
    if (!insn) { visit(i + 1); continue; }
    switch (insn.kind) {
      case 'exit': break;
      case 'ja': { const t = target(insn, i)!; prune[t] = Math.max(prune[t] ?? 0, 1); if (t >= 0 && t < n) jmpPts[t] = 1; visit(t); break; }
      case 'jcond': case 'mayGoto': { prune[i] = insn.kind === 'mayGoto' ? 2 : 1; const t = target(insn, i)!; if (t >= 0 && t < n) { prune[t] = Math.max(prune[t]!, 1); jmpPts[t] = 1; } visit(i + 1); visit(t); break; }
      case 'call':
        if (i + 1 < n) { prune[i + 1] = Math.max(prune[i + 1]!, 1); jmpPts[i + 1] = 1; }
        if (insn.src === 1) { prune[i] = 1; const t = i + 1 + insn.imm; if (t >= 0 && t < n) { prune[t] = Math.max(prune[t]!, 1); jmpPts[t] = 1; } visit(t); }
        visit(i + 1);
        break;
      case 'ldImm64':
        if (insn.src === 4) visit(i + 1 + insn.imm);
        visit(i + 2);
        break;
      default: visit(i + 1);
    }
  }
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (insn?.kind === 'ldImm64Hi') continue;
    if (!seen[i]) reject(`unreachable insn ${i}`, i);
    if (insn?.kind === 'ldImm64' && seen[i + 1]) reject(`jump into the middle of ldimm64 insn ${i}`, i);
  }
  return { subprogs, prunePoints: prune, jmpPoints: jmpPts, liveBefore: liveness(insns) };
}

/** Registers an instruction reads and writes, as bit masks. */
function useDef(insn: Insn): [number, number] {
  const b = (r: number): number => 1 << r;
  switch (insn.kind) {
    case 'alu':
      if (insn.op === 'mov') return [insn.useReg ? b(insn.src) : 0, b(insn.dst)];
      return [b(insn.dst) | (insn.useReg ? b(insn.src) : 0), b(insn.dst)];
    case 'movsx': return [b(insn.src), b(insn.dst)];
    case 'endian': return [b(insn.dst), b(insn.dst)];
    case 'addrSpaceCast': return [b(insn.src), b(insn.dst)];
    case 'load': case 'loadAcquire': return [b(insn.src), b(insn.dst)];
    case 'store': return [b(insn.dst) | (insn.useReg ? b(insn.src) : 0), 0];
    case 'storeRelease': return [b(insn.dst) | b(insn.src), 0];
    case 'atomic': {
      const use = b(insn.dst) | b(insn.src) | (insn.op === 'cmpxchg' ? b(0) : 0);
      const def = insn.op === 'cmpxchg' ? b(0) : insn.fetch ? b(insn.src) : 0;
      return [use, def];
    }
    case 'ldImm64': return [0, b(insn.dst)];
    case 'ldAbs': return [b(6), 0x3f];
    case 'ldInd': return [b(6) | b(insn.src), 0x3f];
    case 'jcond': return [b(insn.dst) | (insn.useReg ? b(insn.src) : 0), 0];
    case 'call': return [0x3e, 0x3f];
    case 'callx': return [0x3e | b(insn.dst), 0x3f];
    case 'exit': return [b(0), 0];
    default: return [0, 0];
  }
}

/** Backward may-liveness over the slots (the kernel's compute_live_registers). */
function liveness(insns: (Insn | undefined)[]): Uint16Array {
  const n = insns.length;
  const live = new Uint16Array(n);
  // Uses, definitions and successors are fixed, so they are worked out once, before the rounds.
  const use = new Uint16Array(n);
  const def = new Uint16Array(n);
  const succ1 = new Int32Array(n).fill(-1);
  const succ2 = new Int32Array(n).fill(-1);
  const skip = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const insn = insns[i];
    if (!insn || insn.kind === 'ldImm64Hi') { skip[i] = 1; continue; }
    const [u, d] = useDef(insn);
    use[i] = u;
    def[i] = d;
    switch (insn.kind) {
      case 'exit': break;
      case 'ja': succ1[i] = target(insn, i)!; break;
      case 'jcond': case 'mayGoto': succ1[i] = i + 1; succ2[i] = target(insn, i)!; break;
      case 'ldImm64': succ1[i] = i + 2; break;
      default: succ1[i] = i + 1;
    }
  }
  let changed = true;
  let rounds = 0;
  while (changed && rounds++ < 64) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      if (skip[i]) continue;
      let out = 0;
      const a = succ1[i]!, b = succ2[i]!;
      if (a >= 0 && a < n) out |= live[a]!;
      if (b >= 0 && b < n) out |= live[b]!;
      const inn = (use[i]! | (out & ~def[i]!)) & 0x7ff;
      if (inn !== live[i]) { live[i] = inn; changed = true; }
    }
  }
  return live;
}
