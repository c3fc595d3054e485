/**
 * Navigation over names: go to definition, find references and rename for labels, functions and
 * maps (a map is defined by its `# @map` annotation and used by `r1 = NAME ll` and `inner=NAME`), and
 * the document outline: programs (executable sections) with their functions and labels, and maps.
 */
import type { SourceRange } from '../diagnostics';
import type { SyntaxIndex } from './syntax';
import { wordAt } from './syntax';
import type { DocSymbol, Position, TextEdit } from './types';

function contains(r: SourceRange, p: Position): boolean {
  return r.line === p.line && p.column >= r.column && p.column <= r.endColumn;
}

/** The defined name at a position: on its definition or on one of its uses. */
export function nameAt(syn: SyntaxIndex, pos: Position): string | undefined {
  for (const d of syn.defs.values()) if (contains(d.range, pos)) return d.name;
  const w = wordAt(syn.lines[pos.line - 1] ?? '', pos.column);
  if (!w.text || !syn.defs.has(w.text)) return undefined;
  const uses = syn.uses.get(w.text) ?? [];
  return uses.some((u) => contains(u, pos)) ? w.text : undefined;
}

export function definition(syn: SyntaxIndex, pos: Position): SourceRange | undefined {
  const name = nameAt(syn, pos);
  return name ? syn.defs.get(name)!.range : undefined;
}

export function references(syn: SyntaxIndex, pos: Position, includeDeclaration = true): SourceRange[] {
  const name = nameAt(syn, pos);
  if (!name) return [];
  const uses = syn.uses.get(name) ?? [];
  return includeDeclaration ? [syn.defs.get(name)!.range, ...uses] : [...uses];
}

const NAME_RE = /^[A-Za-z_.$][A-Za-z0-9_.$]*$/;

export type RenameResult = { edits: TextEdit[] } | { error: string };

export function prepareRename(syn: SyntaxIndex, pos: Position): { range: SourceRange; placeholder: string } | undefined {
  const name = nameAt(syn, pos);
  if (!name) return undefined;
  const all = references(syn, pos);
  const here = all.find((r) => contains(r, pos));
  return here ? { range: here, placeholder: name } : undefined;
}

export function rename(syn: SyntaxIndex, pos: Position, newName: string): RenameResult {
  const name = nameAt(syn, pos);
  if (!name) return { error: 'Only labels, functions and maps can be renamed.' };
  if (!NAME_RE.test(newName) || /^[rw](\d|10)$/.test(newName)) return { error: `'${newName}' is not a valid name.` };
  if (newName !== name && syn.defs.has(newName)) return { error: `'${newName}' is already defined.` };
  return { edits: references(syn, pos).map((range) => ({ range, newText: newName })) };
}

export function documentSymbols(syn: SyntaxIndex): DocSymbol[] {
  const out: DocSymbol[] = [];
  for (const d of syn.defs.values()) {
    if (d.kind !== 'map') continue;
    out.push({ name: d.name, kind: 'map', detail: 'map', range: d.range, selectionRange: d.range, children: [] });
  }
  for (const sec of syn.sections) {
    const stmts = syn.stmts.filter((s) => s.line >= sec.line && s.line <= sec.endLine);
    if (!stmts.some((s) => s.kind === 'insn' || s.labels.length)) continue;
    const lastLine = Math.max(sec.line, ...stmts.map((s) => s.line));
    const range: SourceRange = { line: sec.line, column: 1, endLine: lastLine, endColumn: (syn.lines[lastLine - 1] ?? '').length + 1 };
    const sym: DocSymbol = { name: sec.name, kind: sec.name === '.text' ? 'section' : 'program', detail: sec.name === '.text' ? 'subprograms' : 'program', range, selectionRange: sec.nameRange ?? { line: sec.line, column: 1, endLine: sec.line, endColumn: 2 }, children: [] };
    let fn: DocSymbol | undefined;
    for (const st of stmts) {
      for (const l of st.labels) {
        const d = syn.defs.get(l.text);
        if (!d || d.range.line !== l.line || d.range.column !== l.column) continue;
        const r: SourceRange = { line: l.line, column: l.column, endLine: l.line, endColumn: l.endColumn };
        const isFn = d.kind === 'function' || !fn;
        const child: DocSymbol = { name: l.text, kind: isFn ? 'function' : 'label', range: r, selectionRange: r, children: [] };
        if (isFn) { fn = child; sym.children.push(child); } else fn!.children.push(child);
      }
      if (fn && st.kind === 'insn') fn.range = { ...fn.range, endLine: st.line, endColumn: (syn.lines[st.line - 1] ?? '').length + 1 };
      for (const c of fn?.children ?? []) if (c.range.endLine > fn!.range.endLine) fn!.range = { ...fn!.range, endLine: c.range.endLine };
    }
    out.push(sym);
  }
  return out;
}
