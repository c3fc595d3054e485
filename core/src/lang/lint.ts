/**
 * Warnings the editor adds to the assembler's diagnostics: instructions no path from the program's
 * entry reaches (the kernel refuses those with "unreachable insn N"; here they are pointed out while
 * typing), and labels nothing jumps to. Both are computed from the program model and the syntax
 * index, without the verifier.
 */
import type { Diagnostic, SourceRange } from '../diagnostics';
import { jumpTarget } from '../isa/insn';
import type { Module, Program } from '../program/model';
import type { SyntaxIndex } from './syntax';
import { LINT } from './messages';

/** Slots reachable from slot 0 following falls-through, jumps, bpf-to-bpf calls and function addresses. */
export function reachableSlots(prog: Program): boolean[] {
  const n = prog.insns.length;
  const seen: boolean[] = new Array<boolean>(n).fill(false);
  const work = [0];
  while (work.length) {
    const pc = work.pop()!;
    if (pc < 0 || pc >= n || seen[pc]) continue;
    seen[pc] = true;
    const insn = prog.insns[pc]!;
    if (insn.kind === 'ldImm64') {
      if (pc + 1 < n) seen[pc + 1] = true;
      work.push(pc + 2);
      // A function's address (a callback for bpf_loop and the like) reaches the function, as in the kernel's CFG check.
      const ref = prog.ldImm64Refs.get(pc);
      if (ref?.kind === 'func') work.push(ref.slot);
      continue;
    }
    if (insn.kind === 'exit') continue;
    const t = jumpTarget(insn, pc);
    if (t !== undefined) work.push(t);
    if (insn.kind !== 'ja') work.push(pc + 1);
  }
  return seen;
}

export function lintWarnings(syn: SyntaxIndex, module: Module): Diagnostic[] {
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const prog of module.programs) {
    const seen = reachableSlots(prog);
    let run: { first: SourceRange; last: SourceRange; count: number; slot: number } | undefined;
    const flush = (): void => {
      if (!run) return;
      const key = `${run.first.line}:${run.first.column}`;
      if (!reported.has(key)) {
        reported.add(key);
        out.push({
          code: LINT.unreachable.code, severity: 'warning', message: LINT.unreachable.text(run.count),
          range: { line: run.first.line, column: run.first.column, endLine: run.last.endLine, endColumn: run.last.endColumn },
          insn: run.slot, program: prog.name,
        });
      }
      run = undefined;
    };
    for (let s = 0; s < prog.insns.length; s++) {
      const r = prog.lines[s];
      if (seen[s] || !r || prog.insns[s]!.kind === 'ldImm64Hi') { if (seen[s]) flush(); continue; }
      if (run) { run.last = r; run.count++; } else run = { first: r, last: r, count: 1, slot: s };
    }
    flush();
  }
  // The first label of each section names its code (the entry or a function), so it is exempt.
  const firstLabels = new Set<string>();
  const seenSections = new Set<string>();
  for (const st of syn.stmts) {
    if (st.labels.length && !seenSections.has(st.section)) { seenSections.add(st.section); for (const l of st.labels) firstLabels.add(l.text); }
  }
  for (const def of syn.defs.values()) {
    if (def.kind !== 'label' || firstLabels.has(def.name) || def.name.startsWith('.Ltmp')) continue;
    if (!syn.uses.has(def.name)) {
      out.push({ code: LINT.unusedLabel.code, severity: 'warning', message: LINT.unusedLabel.text(def.name), range: def.range });
    }
  }
  return out;
}
