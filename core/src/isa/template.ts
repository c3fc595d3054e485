/**
 * The LLVM-dialect templates of the instruction table, split into literal text and placeholders. The
 * printer fills the placeholders in; the parser matches source tokens against the same parts, so the
 * two cannot drift apart. This file also derives, from a template, which raw fields a form uses:
 * every other field must be zero in a valid encoding.
 */
import type { Form } from './table';

export type Placeholder =
  | 'dst' | 'wdst' | 'src' | 'wsrc' | 'imm' | 'off' | 'target' | 'ltarget' | 'ctarget'
  | 'imm64' | 'asdst' | 'assrc' | 'pseudo';

export type TemplatePart = { lit: string } | { ph: Placeholder };

const PLACEHOLDERS: ReadonlySet<string> = new Set<Placeholder>([
  'dst', 'wdst', 'src', 'wsrc', 'imm', 'off', 'target', 'ltarget', 'ctarget', 'imm64', 'asdst', 'assrc', 'pseudo',
]);

const cache = new Map<string, TemplatePart[]>();

export function parseTemplate(template: string): TemplatePart[] {
  const hit = cache.get(template);
  if (hit) return hit;
  const parts: TemplatePart[] = [];
  const re = /\{([a-z0-9]+)\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (!PLACEHOLDERS.has(m[1]!)) throw new Error(`unknown placeholder {${m[1]}} in template "${template}"`);
    if (m.index > last) parts.push({ lit: template.slice(last, m.index) });
    parts.push({ ph: m[1] as Placeholder });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push({ lit: template.slice(last) });
  cache.set(template, parts);
  return parts;
}

export interface UsedFields { dst: boolean; src: boolean; off: boolean; imm: boolean }

/** Which raw fields carry operands or selectors of the form; the rest must be zero. */
export function usedFields(form: Form): UsedFields {
  const used: UsedFields = {
    dst: false,
    src: form.srcSel !== undefined,
    off: form.offSel !== undefined,
    imm: form.immSel !== undefined,
  };
  for (const p of parseTemplate(form.llvm)) {
    if (!('ph' in p)) continue;
    switch (p.ph) {
      case 'dst': case 'wdst': used.dst = true; break;
      case 'src': case 'wsrc': case 'pseudo': used.src = true; break;
      case 'off': case 'target': used.off = true; break;
      case 'imm': case 'ltarget': case 'ctarget': case 'imm64': case 'asdst': case 'assrc': used.imm = true; break;
    }
  }
  return used;
}
