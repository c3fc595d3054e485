/**
 * Folding ranges: each section, each function inside it (from its label to the next function or
 * the end of the section), and comments that span several lines (block comments and runs of line
 * comments).
 */
import type { SyntaxIndex } from './syntax';
import type { FoldingRange } from './types';

export function foldingRanges(syn: SyntaxIndex): FoldingRange[] {
  const out: FoldingRange[] = [];
  const lastCodeLine = (from: number, to: number): number => {
    let l = to;
    while (l > from && !(syn.lines[l - 1] ?? '').trim()) l--;
    return l;
  };
  for (const sec of syn.sections) {
    const end = lastCodeLine(sec.line, sec.endLine);
    if (end > sec.line && sec.nameRange) out.push({ startLine: sec.line, endLine: end, kind: 'region' });
    const fnStarts: number[] = [];
    for (const st of syn.stmts) {
      if (st.line < sec.line || st.line > sec.endLine) continue;
      if (st.labels.some((l) => syn.defs.get(l.text)?.kind === 'function' || !l.text.startsWith('.L'))) fnStarts.push(st.line);
    }
    for (let k = 0; k < fnStarts.length; k++) {
      const stop = lastCodeLine(fnStarts[k]!, (fnStarts[k + 1] ?? end + 1) - 1);
      if (stop > fnStarts[k]!) out.push({ startLine: fnStarts[k]!, endLine: stop });
    }
  }
  let run: { start: number; end: number } | undefined;
  const flush = (): void => { if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, kind: 'comment' }); run = undefined; };
  for (const c of syn.comments) {
    if (c.block) { flush(); if (c.endLine > c.line) out.push({ startLine: c.line, endLine: c.endLine, kind: 'comment' }); continue; }
    const whole = (syn.lines[c.line - 1] ?? '').slice(0, c.column - 1).trim() === '';
    if (!whole) { flush(); continue; }
    if (run && c.line === run.end + 1) run.end = c.line;
    else { flush(); run = { start: c.line, end: c.line }; }
  }
  flush();
  return out.sort((a, b) => a.startLine - b.startLine);
}
