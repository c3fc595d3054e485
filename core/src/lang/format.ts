/**
 * Formatting, aligned like compiler output: labels at the start of their line, a tab before every
 * instruction and directive (a tab also after a directive's name), single spaces inside a statement,
 * and trailing comments aligned at one column. Whole-line comments and the inside of block comments
 * are left exactly as written, so caret lines of fixtures keep pointing at the same columns.
 * Formatting twice gives the same text as formatting once.
 */
import type { SyntaxIndex } from './syntax';
import type { TextEdit } from './types';

/** Visual column (0-based, tabs of 8) where trailing comments start. */
export const COMMENT_COLUMN = 40;

function visualWidth(s: string): number {
  let w = 0;
  for (const ch of s) w = ch === '\t' ? (w + 8) - (w % 8) : w + 1;
  return w;
}

/** Collapses runs of blanks to one space, outside string literals. */
function collapse(s: string): string {
  let out = '';
  let inStr = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (inStr) { out += ch; if (ch === '\\') { out += s[i + 1] ?? ''; i++; } else if (ch === '"') inStr = false; continue; }
    if (ch === '"') { inStr = true; out += ch; continue; }
    if (ch === ' ' || ch === '\t') { if (!out.endsWith(' ')) out += ' '; continue; }
    out += ch;
  }
  return out.trim();
}

function formatCode(code: string): string[] {
  let rest = collapse(code);
  const out: string[] = [];
  // Leading labels go on their own lines, as compilers print them.
  for (let m = /^([A-Za-z_.$][A-Za-z0-9_.$]*)\s*:(?!=)\s*/.exec(rest); m; m = /^([A-Za-z_.$][A-Za-z0-9_.$]*)\s*:(?!=)\s*/.exec(rest)) {
    out.push(`${m[1]}:`);
    rest = rest.slice(m[0].length);
  }
  if (rest) {
    const d = /^(\.[A-Za-z_][\w.]*)(?:\s+(.*))?$/.exec(rest);
    out.push(d ? `\t${d[1]}${d[2] ? `\t${d[2]}` : ''}` : `\t${rest}`);
  }
  return out;
}

export function formatDocument(syn: SyntaxIndex): TextEdit[] {
  const edits: TextEdit[] = [];
  const commentAt = new Map<number, number>();
  const insideBlock = new Set<number>();
  for (const c of syn.comments) {
    if (c.line !== c.endLine) { for (let l = c.line; l <= c.endLine; l++) insideBlock.add(l); continue; }
    if (!commentAt.has(c.line)) commentAt.set(c.line, c.column);
  }
  syn.lines.forEach((raw, idx) => {
    const line = idx + 1;
    const cr = raw.endsWith('\r') ? '\r' : '';
    const text = cr ? raw.slice(0, -1) : raw;
    let next: string;
    if (insideBlock.has(line)) {
      next = text.trimEnd();
    } else {
      const cc = commentAt.get(line);
      const code = cc === undefined ? text : text.slice(0, cc - 1);
      const comment = cc === undefined ? '' : text.slice(cc - 1).trimEnd();
      if (!code.trim()) {
        next = text.trimEnd();
      } else {
        const parts = formatCode(code);
        if (comment) {
          const last = parts.length - 1;
          const w = visualWidth(parts[last]!);
          parts[last] = `${parts[last]}${' '.repeat(w < COMMENT_COLUMN ? COMMENT_COLUMN - w : 1)}${comment}`;
        }
        next = parts.join(`${cr}\n`);
      }
    }
    if (next !== text) edits.push({ range: { line, column: 1, endLine: line, endColumn: text.length + 1 }, newText: next });
  });
  return edits;
}

/** Applies edits made of whole-line replacements (as formatDocument returns) to a text. */
export function applyLineEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  for (const e of edits) {
    const raw = lines[e.range.line - 1] ?? '';
    const cr = raw.endsWith('\r') ? '\r' : '';
    lines[e.range.line - 1] = e.newText + cr;
  }
  return lines.join('\n');
}
