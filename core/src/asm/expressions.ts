/**
 * The expressions GNU-as directives take, and the symbols that stand for numbers. A directive
 * value is either absolute, a number that literals and absolute symbols (`.set N, 5`) combine to
 * with any operators, or a sum of signed terms that may name labels and `.` (`.quad f + 8`,
 * `.size f, .-f`), which is settled once every label of the file is known. The names of absolute
 * symbols stand for their values wherever an expression may be written, as in llvm-mc
 * (`substituteAbsolute`).
 */
import type { Token } from './lexer';
import { readConstExpr, type OperandProblem } from './operands';
import type { ObjectBuilder } from './objectBuilder';

/** A sum of signed terms: numbers, symbols and `.` (the location counter where it was written). */
export interface Expr { terms: { sign: 1 | -1; value?: bigint; sym?: string }[]; tok: Token }

/** A cursor over the tokens `toks[i..end)` of one statement; `toks[end]` is its end token. */
export class TokenCursor {
  constructor(readonly toks: Token[], public i: number, readonly end: number) {}
  get done(): boolean { return this.i >= this.end; }
  get tok(): Token { return this.toks[this.i]!; }
  /** Step over the punctuation `text` when it comes next. */
  punct(text: string): boolean {
    if (!this.done && this.tok.kind === 'punct' && this.tok.text === text) { this.i++; return true; }
    return false;
  }
}

/**
 * The value of the expression at the cursor when it is absolute: literals and absolute symbols
 * (`.set`) with any operators, up to the next comma or the end. The cursor moves past it only then;
 * otherwise (a label, an undefined name) it stays for `parseExpr`, which builds a relocatable sum.
 */
export function constValue(ob: ObjectBuilder, a: TokenCursor): { value: bigint; problem?: OperandProblem } | undefined {
  let stop = a.i;
  while (stop < a.end && !(a.toks[stop]!.kind === 'punct' && a.toks[stop]!.text === ',')) stop++;
  if (stop === a.i) return undefined;
  const run = substituteAbsolute(ob, a.toks.slice(a.i, stop));
  run.push(a.toks[a.end]!);
  const r = readConstExpr(run, 0, run.length - 1);
  if (!r || r.next !== run.length - 1) return undefined;
  a.i = stop;
  return r.problem ? { value: 0n, problem: r.problem } : { value: r.value };
}

/**
 * Tokens with every name of an absolute symbol replaced by a number token of its value, so the
 * operand readers see `r0 = N * 2` as `r0 = 5 * 2`. Returns the same array when nothing changed.
 */
export function substituteAbsolute(ob: ObjectBuilder, toks: Token[], from = 0, to = toks.length, instruction = false): Token[] {
  if (ob.absCount === 0) return toks;
  for (let k = from; k < to; k++) {
    const t = toks[k]!;
    if (t.kind !== 'ident') continue;
    if (instruction && k >= 2) {
      // In instructions llvm-mc takes a symbol after a sign only as a binary operand (`5 - N`), not
      // as a memory offset (`r10 - N`), a jump offset (`goto +N`) or a negated immediate (`-N`).
      const sign = toks[k - 1]!;
      const before = toks[k - 2]!;
      if (sign.kind === 'punct' && (sign.text === '+' || sign.text === '-') && before.kind !== 'number' && !(before.kind === 'punct' && before.text === ')')) continue;
    }
    const v = ob.symbols.get(t.text)?.abs;
    if (v !== undefined) toks[k] = { ...t, kind: 'number', value: v };
  }
  return toks;
}

/** Symbols count as mentioned where an expression names them, which fixes their place in the table. */
export function mention(ob: ObjectBuilder, e: Expr): void {
  for (const t of e.terms) if (t.sym !== undefined && t.sym !== '.') ob.sym(t.sym);
}

/** `term (('+'|'-') term)*` where a term is a number, a symbol, `.` or a negated term. */
export function parseExpr(a: TokenCursor): Expr | undefined {
  if (a.done) return undefined;
  const first = a.tok;
  const terms: Expr['terms'] = [];
  let sign: 1 | -1 = 1;
  for (;;) {
    while (a.punct('-')) sign = sign === 1 ? -1 : 1;
    if (a.done) return undefined;
    const t = a.tok;
    if (t.kind === 'number' && t.value !== undefined) terms.push({ sign, value: t.value });
    else if (t.kind === 'ident') terms.push({ sign, sym: t.text });
    else if (t.kind === 'punct' && t.text === '.') terms.push({ sign, sym: '.' });
    else return undefined;
    a.i++;
    if (a.punct('+')) sign = 1;
    else if (a.punct('-')) sign = -1;
    else break;
  }
  return { terms, tok: first };
}

/** The sum of the expression's number terms: the constant a label is offset by. */
export function addendOf(e: Expr): bigint {
  return e.terms.reduce((v, t) => v + (t.value !== undefined ? BigInt(t.sign) * t.value : 0n), 0n);
}

/**
 * The value of an expression whose symbols are all defined and cancel out section by section (a
 * difference of two labels of one section), or undefined. `.` stands for `dot` in `dotSection`.
 */
export function evalAbsolute(ob: ObjectBuilder, e: Expr, dotSection: string, dot: number): bigint | undefined {
  let v = 0n;
  const weight = new Map<string, number>();
  for (const t of e.terms) {
    if (t.value !== undefined) { v += BigInt(t.sign) * t.value; continue; }
    let section = dotSection;
    let value = dot;
    if (t.sym !== '.') {
      const s = ob.sym(t.sym!);
      if (s.abs !== undefined) { v += BigInt(t.sign) * s.abs; continue; }
      if (!s.defined || s.section === undefined) return undefined;
      section = s.section!;
      value = s.value;
    }
    v += BigInt(t.sign * value);
    weight.set(section, (weight.get(section) ?? 0) + t.sign);
  }
  for (const w of weight.values()) if (w !== 0) return undefined;
  return v;
}

/** Whether `v` fits a data item of `size` bytes, read as signed or unsigned. */
export function fitsBytes(v: bigint, size: number): boolean {
  const bits = BigInt(size * 8);
  return v >= -(1n << (bits - 1n)) && v < 1n << bits;
}
