/**
 * The branch decisions on the path that led the verifier to its error, read back from its level-2
 * log. The verifier explores depth first: it logs each instruction it processes and, when it
 * resumes a branch it set aside, a `from X to Y:` line. Because set-aside branches resume last in,
 * first out, the path of a resumed branch is the current path cut after the latest visit of X,
 * followed by Y. Replaying the log this way gives the path of the failing exploration; its
 * conditional jumps, with the way each went, are what the editor shows as related information.
 */
import type { Insn } from '../isa/insn';

export interface BranchDecision {
  /** Slot of the conditional jump. */
  insn: number;
  taken: boolean;
}

export function branchDecisions(log: string, errorInsn: number, insns: readonly (Insn | undefined)[]): BranchDecision[] {
  const path: number[] = [];
  for (const line of log.split('\n')) {
    const step = /^(\d+): \(/.exec(line);
    if (step) { path.push(Number(step[1])); continue; }
    const resume = /^from (\d+) to (\d+):/.exec(line);
    if (resume) {
      const from = Number(resume[1]);
      const at = path.lastIndexOf(from);
      path.length = at < 0 ? 0 : at + 1;
      path.push(Number(resume[2]));
    }
  }
  if (path[path.length - 1] !== errorInsn) path.push(errorInsn);
  const out: BranchDecision[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    const pc = path[i]!;
    const insn = insns[pc];
    if (!insn || insn.kind !== 'jcond') continue;
    const next = path[i + 1]!;
    // Consecutive duplicates (the resume line repeats nothing) are harmless: only real moves count.
    if (next === pc + 1 + insn.off && insn.off !== 0) out.push({ insn: pc, taken: true });
    else if (next === pc + 1) out.push({ insn: pc, taken: false });
  }
  return out;
}
