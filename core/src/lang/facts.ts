/**
 * The upstream facts the language services show (helpers, context layouts, program types), reached
 * through one small file so the services name each table once.
 */
import type { CtxField } from '../data/types';
import { ctxFieldAt as fieldAt, ctxLayoutFor } from '../data/ctx';

export { HELPERS, helperById, helperByName } from '../data/helpers';

/** Fields of the context structure a program type receives in r1. */
export function ctxFieldsFor(progType: string): { struct: string; fields: CtxField[] } | undefined {
  const layout = ctxLayoutFor(progType);
  return layout ? { struct: layout.name, fields: layout.fields } : undefined;
}

export function ctxFieldAt(progType: string, off: number): { struct: string; field: CtxField } | undefined {
  const layout = ctxLayoutFor(progType);
  const field = layout && fieldAt(layout, off);
  return layout && field ? { struct: layout.name, field } : undefined;
}
