/**
 * The small builder the context-layout files share: a struct's raw [name, offset, size] list plus a rule
 * per field becomes a CtxLayout with every access fact spelled out.
 */
import type { CtxField, CtxLayout } from '../types';

export type RawFields = [string, number, number][];

/** Rules of one field; returning undefined keeps the defaults (readable, not writable, exact size, scalar). */
export type FieldRule = (name: string) => Partial<CtxField> | undefined;

export function buildLayout(name: string, size: number, raw: RawFields, rule: FieldRule, doc: string, progType?: string): CtxLayout {
  const fields = raw.map(([fname, offset, fsize]): CtxField => {
    const f: CtxField = { name: fname, offset, size: fsize, kind: 'scalar', readable: true, writable: false };
    return { ...f, ...(rule(fname) ?? {}) };
  });
  const layout: CtxLayout = { name, size, fields, doc };
  if (progType !== undefined) layout.progType = progType;
  return layout;
}

/** Whether a field name is one of the listed names or an element of a listed array ("ip6" covers "ip6[2]"). */
export function isOneOf(name: string, names: string[]): boolean {
  const base = name.replace(/\[\d+\]$/, '');
  return names.includes(name) || names.includes(base);
}
