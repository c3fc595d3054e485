/**
 * Inlay hints: after each instruction, what the verifier learnt from it, written like the notes of
 * the kernel's log (`; R0_w=4`): the registers and stack slots whose state the instruction changed.
 * Only lines in the requested range get hints, and a line shared by several programs (a subprogram
 * in `.text`) gets one. The states are those of all paths that reached the instruction, joined (see
 * the verifier's joinStates.ts for the `a|b` and `?` notation); the tooltip says how many paths.
 */
import type { Analysis } from './analysis';
import type { InlayHint } from './types';

const MAX_LABEL = 120;

export function inlayHints(a: Analysis, fromLine = 1, toLine = Number.MAX_SAFE_INTEGER): InlayHint[] {
  const out: InlayHint[] = [];
  const done = new Set<number>();
  for (const pa of a.programs) {
    const states = pa.result?.states;
    if (!states) continue;
    for (const st of states) {
      const r = pa.program.lines[st.insn];
      if (!r || r.endLine < fromLine || r.line > toLine || done.has(r.endLine) || !st.after) continue;
      const insn = pa.program.insns[st.insn];
      if (!insn || insn.kind === 'ldImm64Hi') continue;
      const parts: string[] = [];
      const before = st.before;
      for (const [k, v] of Object.entries(st.after.regs)) {
        if (before?.regs[Number(k)] !== v) parts.push(`R${k}_w=${v}`);
      }
      for (const [k, v] of Object.entries(st.after.stack)) {
        if (before?.stack[k] !== v) parts.push(`fp${k}=${v}`);
      }
      if (!parts.length) continue;
      done.add(r.endLine);
      let label = `; ${parts.join(' ')}`;
      if (label.length > MAX_LABEL) label = `${label.slice(0, MAX_LABEL - 1)}…`;
      const lineText = a.syntax.lines[r.endLine - 1] ?? '';
      const hint: InlayHint = { position: { line: r.endLine, column: lineText.length + 1 }, label };
      if (st.visits > 1) hint.tooltip = `${st.visits} paths reach this instruction; their states after it, joined: ${st.after.text}`;
      else hint.tooltip = st.after.text;
      out.push(hint);
    }
  }
  return out.sort((x, y) => x.position.line - y.position.line);
}
