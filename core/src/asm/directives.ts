/**
 * The GNU-as directives llvm-mc accepts in BPF assembly, looked up by name. Each group lives in a
 * file of its own: section switches (`sectionDirectives.ts`), symbol definitions and attributes
 * (`symbolDirectives.ts`), data (`dataDirectives.ts`) and call-frame information (`cfi.ts`); the
 * expressions they read are in `expressions.ts`. `.loc` is accepted and ignored (no line table is
 * emitted), and `.rept` is handled by the assembler, since it replays statements.
 */
import type { Token } from './lexer';
import { DirectiveArgs, type DirectiveContext, type DirectiveHandler } from './directiveContext';
import { SECTION_DIRECTIVES } from './sectionDirectives';
import { SYMBOL_DIRECTIVES } from './symbolDirectives';
import { DATA_DIRECTIVES } from './dataDirectives';
import { CFI_DIRECTIVES } from './cfi';

export type { Expr } from './expressions';
export { evalAbsolute, substituteAbsolute } from './expressions';
export type { CfiRange, DataFixup, DeferredSize, DirectiveContext } from './directiveContext';
export { resolveAliases } from './symbolDirectives';

/** Debug-info directives without effect on the object (line tables are not emitted). */
const IGNORED = new Set(['.loc', '.cfi_sections']);

const HANDLERS = new Map<string, DirectiveHandler>(Object.entries({
  ...SECTION_DIRECTIVES, ...SYMBOL_DIRECTIVES, ...DATA_DIRECTIVES, ...CFI_DIRECTIVES,
}));

/** Handle the directive statement `toks[start..end)`; returns false when the directive is unknown. */
export function handleDirective(ctx: DirectiveContext, toks: Token[], start: number, end: number): boolean {
  const name = toks[start]!.text;
  if (IGNORED.has(name)) return true;
  const handler = HANDLERS.get(name);
  if (handler) return handler(new DirectiveArgs(ctx, toks, start, end));
  // Other call-frame directives describe register saves, which BPF code never has.
  return name.startsWith('.cfi_');
}
