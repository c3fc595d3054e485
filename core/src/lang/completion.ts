/**
 * Completion and signature help. What is offered depends on the text before the cursor: instruction
 * forms (as snippets made from the instruction table's templates) at the start of a statement,
 * helpers and functions after `call`, labels after `goto`, maps and registers after `=`, context
 * fields inside `(r1 + `, section names after `.section`, and annotation keys and values inside
 * `# @map` / `# @prog` comments. Signature help shows the C signature of the helper being called.
 */
import { FORMS } from '../isa/table';
import { parseTemplate, type Placeholder } from '../isa/template';
import { MAP_FLAGS, MAP_TYPES } from '../data/mapTypes';
import { PROG_TYPES } from '../data/progTypes';
import { SECTION_NAMES } from '../data/sections';
import type { Analysis } from './analysis';
import { wordAt } from './syntax';
import { ctxFieldsFor, HELPERS, helperById, helperByName } from './facts';
import type { CompletionItem, CompletionResult, Position, SignatureHelpResult } from './types';

const DIRECTIVES = ['.section', '.text', '.data', '.rodata', '.bss', '.globl', '.type', '.size', '.p2align', '.align', '.byte', '.short', '.long', '.quad', '.ascii', '.asciz', '.zero', '.file'];
const MAP_KEYS = ['type=', 'key_size=', 'value_size=', 'max_entries=', 'flags=', 'inner='];

const PH_DEFAULT: Record<Placeholder, string> = {
  dst: 'r0', wdst: 'w0', src: 'r1', wsrc: 'w1', imm: '0', off: '+ 0', target: 'label', ltarget: 'label',
  ctarget: 'func', imm64: '0', asdst: '0', assrc: '1', pseudo: '1',
};

let formItems: CompletionItem[] | undefined;

/** One snippet per distinct LLVM template of the instruction table. */
function instructionItems(): CompletionItem[] {
  if (formItems) return formItems;
  const seen = new Set<string>();
  formItems = [];
  for (const f of FORMS) {
    if (seen.has(f.llvm)) continue;
    seen.add(f.llvm);
    let n = 0;
    let snippet = '';
    let label = '';
    for (const p of parseTemplate(f.llvm)) {
      if ('lit' in p) { snippet += p.lit.replace(/[$}\\]/g, '\\$&'); label += p.lit; continue; }
      snippet += `\${${++n}:${PH_DEFAULT[p.ph]}}`;
      label += p.ph;
    }
    formItems.push({ label, kind: 'instruction', detail: f.mnemonic, documentation: f.doc, insertText: snippet, snippet: true, filterText: label, sortText: `2${label}` });
  }
  return formItems;
}

function registers(w: boolean): CompletionItem[] {
  const out: CompletionItem[] = [];
  for (let i = 0; i <= 10; i++) {
    out.push({ label: `r${i}`, kind: 'register', detail: i === 10 ? 'frame pointer (read-only)' : i === 0 ? 'return value' : i <= 5 ? `argument ${i}` : 'callee-saved', sortText: `1r${String(i).padStart(2, '0')}` });
    if (w && i < 10) out.push({ label: `w${i}`, kind: 'register', detail: `low 32 bits of r${i}`, sortText: `1w${String(i).padStart(2, '0')}` });
  }
  return out;
}

function progTypeAtLine(a: Analysis, line: number): string | undefined {
  for (const pa of a.programs) if (pa.program.lines.some((r) => r && r.line === line)) return pa.program.progType;
  const sec = a.syntax.sections.find((s) => s.line <= line && line <= s.endLine);
  return a.programs.find((pa) => pa.program.section === sec?.name)?.program.progType ?? a.programs[0]?.program.progType;
}

export function complete(a: Analysis, pos: Position): CompletionResult {
  const lineText = a.syntax.lines[pos.line - 1] ?? '';
  const before = lineText.slice(0, pos.column - 1);
  const w = wordAt(lineText, pos.column);
  const replace = { line: pos.line, column: w.start, endLine: pos.line, endColumn: pos.column };
  const items = itemsFor(a, pos, before);
  return { items, replace };
}

function itemsFor(a: Analysis, pos: Position, before: string): CompletionItem[] {
  const syn = a.syntax;
  const hash = before.indexOf('#');
  if (hash >= 0 || /\/\//.test(before)) {
    const c = before.slice(hash + 1);
    if (/^\s*@?\w*$/.test(c)) {
      return [
        { label: '@map', kind: 'annotation', insertText: '@map ${1:name} type=${2|hash,array,percpu_array,lru_hash,ringbuf|} key_size=${3:4} value_size=${4:8} max_entries=${5:1024}', snippet: true, detail: 'declare a map' },
        { label: '@prog', kind: 'annotation', insertText: '@prog ${1:socket_filter}', snippet: true, detail: 'override the program type' },
      ];
    }
    if (/^\s*@prog\s+\w*$/.test(c)) return PROG_TYPES.map((p) => ({ label: p.name, kind: 'value' as const, documentation: p.doc ?? '' }));
    if (/^\s*@map\s/.test(c)) {
      if (/\btype=\w*$/.test(c)) return MAP_TYPES.map((t) => ({ label: t.name, kind: 'value' as const, documentation: t.doc }));
      if (/\bflags=[\w|]*$/.test(c)) return MAP_FLAGS.map((f) => ({ label: f.name, kind: 'value' as const, documentation: f.doc }));
      if (/\binner=\w*$/.test(c)) return mapItems(a);
      if (/\s\w*$/.test(c)) return MAP_KEYS.filter((k) => !c.includes(k)).map((k) => ({ label: k, kind: 'keyword' as const }));
    }
    return [];
  }
  if (/^\s*\.section\s+[\w./-]*$/.test(before)) {
    return SECTION_NAMES.map((s) => ({ label: s, kind: 'section' as const, detail: 'libbpf section' }));
  }
  if (/\bcall\s+[\w]*$/.test(before)) {
    const funcs = [...syn.defs.values()].filter((d) => d.kind === 'function' || (d.kind === 'label' && d.section === '.text'))
      .map((d) => ({ label: d.name, kind: 'function' as const, detail: `function, line ${d.range.line}`, sortText: `0${d.name}` }));
    const helpers = HELPERS.map((h) => ({ label: h.name, kind: 'helper' as const, detail: `helper ${h.id}`, documentation: `${h.signature}\n\n${h.doc}`, sortText: `1${h.name}` }));
    return [...funcs, ...helpers];
  }
  if (/\bgotol?\s+[\w.]*$/.test(before)) return labelItems(a);
  if (/\(\s*r\d+\s*\+\s*\w*$/.test(before)) {
    const pt = progTypeAtLine(a, pos.line);
    const layout = pt ? ctxFieldsFor(pt) : undefined;
    return (layout?.fields ?? []).map((f) => ({
      label: `${layout!.struct}.${f.name}`, kind: 'field' as const, insertText: String(f.offset), filterText: `${f.name} ${f.offset}`,
      detail: `offset ${f.offset}, ${f.size} bytes`, documentation: f.doc ?? '',
    }));
  }
  if (/^\s*([\w.]+:\s*)*[\w.]*$/.test(before)) {
    const dirs = DIRECTIVES.map((d) => ({ label: d, kind: 'directive' as const, sortText: `3${d}` }));
    const jumps: CompletionItem[] = [{ label: 'exit', kind: 'keyword', sortText: '0exit' }, { label: 'call', kind: 'keyword', insertText: 'call ${1:bpf_map_lookup_elem}', snippet: true, sortText: '0call' }];
    return [...jumps, ...instructionItems(), ...registers(true), ...dirs];
  }
  if (/=\s*\w*$/.test(before)) return [...registers(true), ...mapItems(a, true)];
  return [...registers(true), ...labelItems(a), ...mapItems(a)];
}

function labelItems(a: Analysis): CompletionItem[] {
  return [...a.syntax.defs.values()].filter((d) => d.kind !== 'map').map((d) => ({ label: d.name, kind: 'label' as const, detail: `line ${d.range.line}` }));
}

function mapItems(a: Analysis, withLl = false): CompletionItem[] {
  return [...a.syntax.defs.values()].filter((d) => d.kind === 'map').map((d) => ({
    label: d.name, kind: 'map' as const, detail: 'map', insertText: withLl ? `${d.name} ll` : d.name,
  }));
}

/** Signature help inside `call NAME` / `call N`: the helper's C signature, its arguments r1..r5. */
export function signatureHelp(a: Analysis, pos: Position): SignatureHelpResult | undefined {
  const lineText = a.syntax.lines[pos.line - 1] ?? '';
  const m = /\bcall\s+(\w+)/.exec(lineText.slice(0, Math.max(pos.column - 1, lineText.length)));
  if (!m) return undefined;
  const h = /^\d+$/.test(m[1]!) ? helperById(Number(m[1])) : helperByName(m[1]!);
  if (!h) return undefined;
  const open = h.signature.indexOf('(');
  const params = open >= 0 ? h.signature.slice(open + 1, h.signature.lastIndexOf(')')).split(',').map((p) => p.trim()).filter((p) => p && p !== 'void') : [];
  return { label: h.signature, documentation: `${h.doc}\n\nArguments go in r1..r${params.length || 1}; the result comes back in r0.`, parameters: params, activeParameter: 0 };
}
