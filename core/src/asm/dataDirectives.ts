/**
 * The directives that emit bytes into the current section: alignment (`.p2align`, `.align`,
 * `.balign`), fill (`.zero`, `.skip`, `.space`), strings (`.ascii`, `.asciz`, `.string`), LEB128
 * numbers (`.uleb128`, `.sleb128`) and integers of one to eight bytes (`.byte` ... `.quad`). An
 * integer that names a symbol (`.quad f`, `.long .Lend - .Lstart`) is written as zero and recorded
 * in `ctx.data`, to be settled when the whole file has been read, since a symbol may be defined
 * after its use.
 */
import { MSG } from './messages';
import { addendOf, constValue, evalAbsolute, fitsBytes, mention, parseExpr } from './expressions';
import type { DirectiveHandler } from './directiveContext';

const DATA_SIZES: Record<string, number> = {
  '.byte': 1, '.short': 2, '.2byte': 2, '.half': 2, '.hword': 2, '.long': 4, '.int': 4, '.4byte': 4, '.word': 4, '.quad': 8, '.8byte': 8,
};

/** LEB128 encoding (DWARF): seven bits a byte, low first, the top bit saying more follow. */
function leb128(value: bigint, signed: boolean): number[] {
  const out: number[] = [];
  let v = signed ? value : BigInt.asUintN(64, value);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = signed ? (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0) : v === 0n;
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** `.p2align` / `.align` / `.balign N[, FILL[, MAX]]`: pad with FILL to a multiple of the alignment. */
const align: DirectiveHandler = (a) => {
  const t = a.tok;
  if (a.done || t.kind !== 'number' || t.value === undefined) return a.fail(MSG.badAlignment);
  a.i++;
  const v = Number(t.value);
  const bytes = a.name === '.p2align' ? (v > 16 ? -1 : 2 ** v) : v;
  if (bytes <= 0 || (bytes & (bytes - 1)) !== 0) return a.fail(MSG.badAlignment, t);
  let fill = 0;
  if (a.punct(',')) {
    const f = a.number();
    if (f !== undefined) fill = Number(f & 0xffn);
  }
  // The third operand, the most bytes padding may take, is read and ignored.
  if (a.punct(',')) a.number();
  const sec = a.ob.cur;
  sec.align = Math.max(sec.align, bytes);
  const pad = (bytes - (sec.size % bytes)) % bytes;
  if (pad > 0) a.ob.emitBytes(new Array<number>(pad).fill(fill));
  return a.expectEnd();
};

/** `.zero` / `.skip` / `.space N[, FILL]`. */
const zero: DirectiveHandler = (a) => {
  const t = a.tok;
  if (a.done || t.kind !== 'number' || t.value === undefined || t.value > 1n << 28n) return a.fail(MSG.expectedExpression);
  a.i++;
  let fill = 0;
  if (a.punct(',')) {
    const f = a.number();
    if (f === undefined) return a.fail(MSG.expectedExpression);
    fill = Number(f & 0xffn);
  }
  a.ob.emitBytes(new Uint8Array(Number(t.value)).fill(fill));
  return a.expectEnd();
};

/** `.ascii` / `.asciz` / `.string "..."[, "..."]`; the last two end each string with a zero. */
const ascii: DirectiveHandler = (a) => {
  do {
    if (a.done || a.tok.kind !== 'string') return a.fail(MSG.expectedString);
    a.ob.emitBytes(a.tok.bytes ?? []);
    if (a.name !== '.ascii') a.ob.emitBytes([0]);
    a.i++;
  } while (a.punct(','));
  return a.expectEnd();
};

/** `.uleb128` / `.sleb128 EXPR, ...`. */
const leb: DirectiveHandler = (a) => {
  const ob = a.ob;
  // Only values known at this point: llvm-mc would also relax forward label differences.
  do {
    const e = parseExpr(a);
    if (!e) return a.fail(MSG.expectedExpression);
    const v = evalAbsolute(ob, e, ob.cur.name, ob.cur.size);
    if (v === undefined) { a.ctx.error(MSG.exprNotAbsolute, MSG.exprNotAbsolute.text(), e.tok); return true; }
    ob.emitBytes(leb128(v, a.name === '.sleb128'));
  } while (a.punct(','));
  return a.expectEnd();
};

/** `.byte` ... `.quad EXPR, ...`: numbers now, symbol values once the file has been read. */
const integers: DirectiveHandler = (a) => {
  const ob = a.ob;
  const size = DATA_SIZES[a.name]!;
  do {
    const startTok = a.done ? a.toks[a.end]! : a.tok;
    const c = constValue(ob, a);
    if (c) {
      if (c.problem) { a.ctx.error(c.problem.msg, c.problem.message, c.problem.tok); return true; }
      if (!fitsBytes(c.value, size)) { a.ctx.error(MSG.literalOutOfRange, MSG.literalOutOfRange.text(), startTok); return true; }
      ob.emitInt(c.value, size);
      continue;
    }
    const e = parseExpr(a);
    if (!e) return a.fail(MSG.expectedExpression);
    mention(ob, e);
    if (e.terms.every((t) => t.value !== undefined)) {
      const v = addendOf(e);
      if (!fitsBytes(v, size)) { a.ctx.error(MSG.literalOutOfRange, MSG.literalOutOfRange.text(), e.tok); return true; }
      ob.emitInt(v, size);
    } else {
      a.ctx.data.push({ sec: ob.cur, offset: ob.cur.size, size, expr: e });
      ob.emitInt(0n, size);
    }
  } while (a.punct(','));
  return a.expectEnd();
};

export const DATA_DIRECTIVES: Record<string, DirectiveHandler> = {
  '.p2align': align, '.align': align, '.balign': align,
  '.zero': zero, '.skip': zero, '.space': zero,
  '.ascii': ascii, '.asciz': ascii, '.string': ascii,
  '.uleb128': leb, '.sleb128': leb,
  ...Object.fromEntries(Object.keys(DATA_SIZES).map((name) => [name, integers])),
};
