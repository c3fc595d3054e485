/**
 * The `# @map` and `# @prog` annotations of CONTRACT.md. They live in comments so that llvm-mc still
 * assembles the file; the lexer sets them aside and this file turns them into map definitions and
 * program-type overrides, with a diagnostic for every unknown key, type, flag or missing key.
 *
 *   # @map NAME type=hash key_size=4 value_size=8 max_entries=1024 [flags=A|B] [inner=MAP]
 *   # @prog TYPE
 */
import type { Diagnostic, SourceRange } from '../diagnostics';
import type { MapDef } from '../program/model';
import { mapTypeByName, parseMapFlags } from '../data/mapTypes';
import { progTypeByName } from '../data/progTypes';
import type { CommentAnnotation } from './lexer';
import { diag, MSG } from './messages';

/** A `# @prog` override; `line` lets the assembler tell which section it was written in. */
export interface ProgAnnotation { progType: string; line: number; range: SourceRange }

export interface Annotations {
  maps: MapDef[];
  progs: ProgAnnotation[];
  diagnostics: Diagnostic[];
}

const REQUIRED = ['type', 'key_size', 'value_size', 'max_entries'] as const;
const KNOWN = new Set<string>([...REQUIRED, 'flags', 'inner']);

interface Word { text: string; range: SourceRange }

function words(a: CommentAnnotation): Word[] {
  const out: Word[] = [];
  const re = /\S+/g;
  for (let m = re.exec(a.text); m; m = re.exec(a.text)) {
    const column = a.column + m.index;
    out.push({ text: m[0], range: { line: a.line, column, endLine: a.line, endColumn: column + m[0].length } });
  }
  return out;
}

export function parseAnnotations(list: readonly CommentAnnotation[]): Annotations {
  const result: Annotations = { maps: [], progs: [], diagnostics: [] };
  const err = (m: { code: string }, message: string, range: SourceRange): void => {
    result.diagnostics.push(diag(m, 'error', message, range));
  };
  for (const a of list) {
    const ws = words(a);
    const head = ws[0]!;
    const whole: SourceRange = { line: a.line, column: a.column, endLine: a.line, endColumn: a.column + a.text.length };
    if (head.text === '@prog') {
      const t = ws[1];
      if (!t) { err(MSG.annProgType, MSG.annProgType.text(''), whole); continue; }
      const info = progTypeByName(t.text);
      if (!info) { err(MSG.annProgType, MSG.annProgType.text(t.text), t.range); continue; }
      result.progs.push({ progType: info.name, line: a.line, range: whole });
      continue;
    }
    if (head.text !== '@map') {
      // Only the annotation's own word is checked: other `# @word` comments may belong to other tools.
      if (/^@(map|prog)\w/.test(head.text) || /^@(maps|program)$/.test(head.text)) {
        err(MSG.annUnknown, MSG.annUnknown.text(head.text.slice(1)), head.range);
      }
      continue;
    }
    const name = ws[1];
    if (!name || name.text.includes('=')) { err(MSG.annMapName, MSG.annMapName.text(), name?.range ?? head.range); continue; }
    const values = new Map<string, Word>();
    let ok = true;
    for (const w of ws.slice(2)) {
      const eq = w.text.indexOf('=');
      if (eq <= 0) { err(MSG.annMalformed, MSG.annMalformed.text(w.text), w.range); ok = false; continue; }
      const key = w.text.slice(0, eq);
      if (!KNOWN.has(key)) { err(MSG.annUnknownKey, MSG.annUnknownKey.text(key), w.range); ok = false; continue; }
      values.set(key, { text: w.text.slice(eq + 1), range: w.range });
    }
    for (const key of REQUIRED) {
      if (!values.has(key)) { err(MSG.annMissingKey, MSG.annMissingKey.text(key), whole); ok = false; }
    }
    const num = (key: string): number => {
      const w = values.get(key);
      if (!w) return 0;
      if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(w.text) || Number(w.text) > 0xffffffff) {
        err(MSG.annBadNumber, MSG.annBadNumber.text(key, w.text), w.range);
        ok = false;
        return 0;
      }
      return Number(w.text);
    };
    const typeWord = values.get('type');
    const type = typeWord ? mapTypeByName(typeWord.text) : undefined;
    if (typeWord && !type) { err(MSG.annUnknownMapType, MSG.annUnknownMapType.text(typeWord.text), typeWord.range); ok = false; }
    const keySize = num('key_size');
    const valueSize = num('value_size');
    const maxEntries = num('max_entries');
    let flags = 0;
    const flagNames: string[] = [];
    const flagsWord = values.get('flags');
    if (flagsWord) {
      for (const part of flagsWord.text.split('|')) {
        const v = parseMapFlags(part);
        if (v === undefined || part === '') { err(MSG.annUnknownFlag, MSG.annUnknownFlag.text(part), flagsWord.range); ok = false; continue; }
        flags |= v;
        flagNames.push(part);
      }
    }
    if (result.maps.some((m) => m.name === name.text)) {
      err(MSG.annDuplicateMap, MSG.annDuplicateMap.text(name.text), name.range);
      continue;
    }
    if (!ok || !type) continue;
    const def: MapDef = { name: name.text, type: type.name, keySize, valueSize, maxEntries, flags: flags >>> 0, flagNames, range: whole };
    const inner = values.get('inner');
    if (inner) def.inner = inner.text;
    result.maps.push(def);
  }
  // Inner maps may be declared after the outer one, so they are checked once all are known.
  for (const m of result.maps) {
    if (m.inner !== undefined && !result.maps.some((x) => x.name === m.inner)) {
      err(MSG.annUnknownInner, MSG.annUnknownInner.text(m.inner), m.range!);
    }
  }
  return result;
}
