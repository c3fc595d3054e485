/**
 * The directives that define symbols or set their attributes: binding (`.globl`, `.weak`,
 * `.local`), `.type`, `.size`, absolute symbols and aliases (`.set`, `.equ`, `.equiv`), common
 * symbols (`.comm`, `.lcomm`), the address significance table (`.addrsig`, `.addrsig_sym`) and the
 * file symbol (`.file`). An absolute symbol has a value and no section. An alias of a label
 * (`.set A, f + 8`) may name a label defined later, so aliases are settled by `resolveAliases`
 * when the whole file has been read; `.size` values are settled then too.
 */
import type { Token } from './lexer';
import { MSG } from './messages';
import { defaultSectionKind, type ObjectBuilder, type SymState } from './objectBuilder';
import { addendOf, constValue, evalAbsolute, mention, parseExpr } from './expressions';
import type { DirectiveArgs, DirectiveContext, DirectiveHandler } from './directiveContext';

/** `.globl` / `.global` / `.weak` / `.local NAME, ...`. */
const binding: DirectiveHandler = (a) => {
  do {
    const n = a.ident();
    if (!n) return a.fail(MSG.expectedIdentifier);
    a.ob.sym(n.text).bind = a.name === '.weak' ? 'weak' : a.name === '.local' ? 'local' : 'global';
  } while (a.punct(','));
  return a.expectEnd();
};

/** Make `sym` an absolute symbol of value `value`. */
function defineAbsolute(ob: ObjectBuilder, sym: SymState, value: bigint): void {
  if (sym.abs === undefined) ob.absCount++;
  // llvm-mc makes a new symbol for a redefinition, so it moves to this point of the table.
  else sym.order = ob.nextOrder();
  sym.abs = value;
  sym.defined = true;
}

/** `.set` / `.equ` / `.equiv NAME, EXPR`: an absolute symbol, or an alias of a label. */
const set: DirectiveHandler = (a) => {
  const ob = a.ob;
  const n = a.ident();
  if (!n) return a.fail(MSG.expectedIdentifier);
  if (!a.punct(',')) return a.fail(MSG.expectedComma);
  const sym = ob.sym(n.text);
  // llvm-mc points at the value of a definition that may not be made.
  if ((a.name === '.equiv' && sym.defined) || (sym.defined && sym.abs === undefined)) return a.fail({ code: MSG.redefinition.code, text: () => MSG.redefinition.text(n.text) });
  const c = constValue(ob, a);
  if (c) {
    if (c.problem) { a.ctx.error(c.problem.msg, c.problem.message, c.problem.tok); return true; }
    defineAbsolute(ob, sym, c.value);
    sym.section = undefined;
    sym.value = 0;
    return a.expectEnd();
  }
  // A difference of labels already defined in one section is a number too.
  const e = parseExpr(a);
  if (!e) return a.fail(MSG.expectedExpression);
  const labels = e.terms.filter((t) => t.sym !== undefined);
  const diff = evalAbsolute(ob, e, ob.cur.name, ob.cur.size);
  if (diff !== undefined && labels.length > 1) {
    defineAbsolute(ob, sym, diff);
    return a.expectEnd();
  }
  // Otherwise an alias of a label, plus a constant: `.set A, f + 8`.
  if (labels.length !== 1 || labels[0]!.sign !== 1 || labels[0]!.sym === '.' || sym.abs !== undefined) {
    a.ctx.error(MSG.exprNotAbsolute, MSG.exprNotAbsolute.text(), e.tok);
    return true;
  }
  mention(ob, e);
  // The label may come later in the file: aliases are settled once every label is known.
  a.ctx.aliases.push({ sym, target: labels[0]!.sym!, addend: Number(addendOf(e)), tok: e.tok });
  sym.defined = true;
  return a.expectEnd();
};

/** A constant of `.comm` / `.lcomm` within `ok`, or undefined after reporting `m`. */
function constIn(a: DirectiveArgs, ok: (v: bigint) => boolean, m: { code: string; text: () => string }): bigint | undefined {
  const c = constValue(a.ob, a);
  if (!c || c.problem || !ok(c.value)) { a.fail(m); return undefined; }
  return c.value;
}

/** `.comm` / `.lcomm NAME, SIZE[, ALIGN]`. */
const common: DirectiveHandler = (a) => {
  const ob = a.ob;
  const n = a.ident();
  if (!n) return a.fail(MSG.expectedIdentifier);
  if (!a.punct(',')) return a.fail(MSG.expectedExpression);
  const size = constIn(a, (v) => v >= 0n && v <= 1n << 28n, MSG.expectedExpression);
  if (size === undefined) return true;
  let align = 1n;
  if (a.punct(',')) {
    const al = constIn(a, (v) => v > 0n && (v & (v - 1n)) === 0n && v <= 1n << 16n, MSG.badAlignment);
    if (al === undefined) return true;
    align = al;
  }
  const sym = ob.sym(n.text);
  if (sym.defined) { a.ctx.error(MSG.redefinition, MSG.redefinition.text(n.text), n); return true; }
  sym.type = 'object';
  if (a.name === '.comm') {
    // A common symbol is left for the linker to place: it has no section, its value is its
    // alignment. Declaring it again keeps the larger size and alignment.
    sym.size = Math.max(sym.size, Number(size));
    sym.commonAlign = Math.max(sym.commonAlign ?? 1, Number(align));
    if (sym.bind === 'local') sym.bind = 'global';
    return a.expectEnd();
  }
  // `.lcomm` reserves the room in `.bss` right away, as a local object.
  if (sym.commonAlign !== undefined) { a.ctx.error(MSG.redefinition, MSG.redefinition.text(n.text), n); return true; }
  sym.size = Number(size);
  const saved = ob.cur;
  const k = defaultSectionKind('.bss');
  const bss = ob.section('.bss', k.type, k.flags, 1, 0);
  ob.cur = bss;
  const pad = Number((align - (BigInt(bss.size) % align)) % align);
  if (pad > 0) ob.reserve(pad);
  bss.align = Math.max(bss.align, Number(align));
  sym.defined = true;
  sym.section = bss.name;
  sym.value = bss.size;
  ob.reserve(sym.size);
  ob.cur = saved;
  return a.expectEnd();
};

export const SYMBOL_DIRECTIVES: Record<string, DirectiveHandler> = {
  '.globl': binding, '.global': binding, '.weak': binding, '.local': binding,
  '.set': set, '.equ': set, '.equiv': set,
  '.comm': common, '.lcomm': common,
  '.type': (a) => {
    const n = a.ident();
    if (!n) return a.fail(MSG.expectedIdentifier);
    a.punct(',');
    a.punct('@');
    const t = a.ident();
    const tn = (t?.text ?? '').replace(/^%/, '');
    const s = a.ob.sym(n.text);
    if (tn === 'function' || tn === 'STT_FUNC') s.type = 'func';
    else if (tn === 'object' || tn === 'STT_OBJECT') s.type = 'object';
    else if (tn === 'notype' || tn === 'STT_NOTYPE') s.type = 'notype';
    else { a.ctx.error(MSG.badSymbolType, MSG.badSymbolType.text(tn), t ?? a.head); return true; }
    return a.expectEnd();
  },
  '.size': (a) => {
    const n = a.ident();
    if (!n) return a.fail(MSG.expectedIdentifier);
    if (!a.punct(',')) return a.fail(MSG.expectedExpression);
    const e = parseExpr(a);
    if (!e) return a.fail(MSG.expectedExpression);
    mention(a.ob, e);
    a.ctx.sizes.push({ sym: a.ob.sym(n.text), expr: e, tok: n, sec: a.ob.cur, dot: a.ob.cur.size });
    return a.expectEnd();
  },
  '.addrsig': (a) => {
    a.ob.addrsig ??= [];
    return a.expectEnd();
  },
  '.addrsig_sym': (a) => {
    const n = a.ident();
    if (!n) return a.fail(MSG.expectedIdentifier);
    a.ob.sym(n.text);
    (a.ob.addrsig ??= []).push(n.text);
    return a.expectEnd();
  },
  '.file': (a) => {
    // The file symbol always leads the table, whatever was mentioned before it.
    if (!a.done && a.tok.kind === 'string') a.ob.fileSymbol ??= { name: a.tok.text, order: -1 };
    return true;
  },
};

/**
 * Give each `.set A, label + N` alias the section and value of its label, following chains of
 * aliases; an alias whose label is never defined (or is absolute) is an error.
 */
export function resolveAliases(ob: ObjectBuilder, ctx: DirectiveContext, error: (tok: Token) => void): void {
  const pending = new Set(ctx.aliases);
  let progress = true;
  while (pending.size > 0 && progress) {
    progress = false;
    for (const a of pending) {
      const target = ob.symbols.get(a.target);
      if (!target || !target.defined || target.section === undefined) continue;
      if ([...pending].some((p) => p.sym === target)) continue;
      a.sym.section = target.section;
      a.sym.value = target.value + a.addend;
      a.sym.aliasOf = target.name;
      pending.delete(a);
      progress = true;
    }
  }
  for (const a of pending) {
    a.sym.defined = false;
    const target = ob.symbols.get(a.target)!;
    if (target.defined || target.forward !== undefined || a.addend !== 0) { error(a.tok); continue; }
    // An alias of a symbol no file defines stands for that symbol: references name it instead.
    a.sym.forward = target.name;
    if (target.bind === 'local') target.bind = 'global';
  }
}
