/**
 * Operand readers shared by the LLVM and the mnemonic dialect: registers, immediates, memory
 * offsets, jump targets and 64-bit immediates (possibly a symbol plus an addend). Each reader looks at
 * the tokens of one statement from a position and says how far it got, what value it read, and
 * whether the value is out of range (a `problem`, worded like llvm-mc). Range rules follow llvm-mc:
 * a 32-bit immediate may be written as -2^31..2^32-1, larger values are truncated with a warning.
 * Immediates may be constant expressions (`N * 2 - 1`); offsets and jump targets may not.
 */
import type { Token } from './lexer';
import { MSG } from './messages';

/** A symbolic operand the assembler resolves once every label is known. */
export interface Fixup {
  kind: 'jump16' | 'jump32' | 'call' | 'ld64';
  symbol: string;
  addend: number;
  tok: Token;
}

export interface OperandProblem {
  msg: { code: string };
  message: string;
  tok: Token;
  severity: 'error' | 'warning';
}

export interface ReadResult<T> { next: number; value: T; problem?: OperandProblem }

const REG_RE = /^%?([rw])(\d+)$/;

/** Register number of an `rN`/`wN` token of the wanted width (with an optional `%` prefix when allowed). */
export function readReg(toks: Token[], i: number, width: 'r' | 'w', allowPercent: boolean): ReadResult<number> | undefined {
  const t = toks[i]!;
  if (t.kind !== 'ident') return undefined;
  // Hand-written checks instead of a regular expression: this runs several times per statement.
  const text = t.text;
  let k = 0;
  if (text.charCodeAt(0) === 37) { if (!allowPercent) return undefined; k = 1; }
  if (text.charCodeAt(k) !== (width === 'r' ? 114 : 119)) return undefined;
  const len = text.length - k - 1;
  const d0 = text.charCodeAt(k + 1) - 48;
  if (len < 1 || len > 2 || d0 < 0 || d0 > 9) return undefined;
  let n = d0;
  if (len === 2) {
    const d1 = text.charCodeAt(k + 2) - 48;
    if (d0 === 0 || d1 < 0 || d1 > 9) return undefined;
    n = d0 * 10 + d1;
  }
  if (n > 11) return undefined;
  if (n === 11) {
    return { next: i + 1, value: 11, problem: { msg: MSG.r11, message: MSG.r11.text(), tok: t, severity: 'warning' } };
  }
  return { next: i + 1, value: n };
}

export function looksLikeRegister(text: string): boolean {
  return REG_RE.test(text);
}

/** An optionally negated integer literal, as a bigint. */
function readSigned(toks: Token[], i: number): ReadResult<bigint> | undefined {
  let t = toks[i]!;
  let neg = false;
  let j = i;
  if (t.kind === 'punct' && (t.text === '-' || t.text === '+')) {
    neg = t.text === '-';
    j++;
    t = toks[j]!;
  }
  if (t.kind !== 'number') return undefined;
  if (t.value === undefined) {
    return { next: j + 1, value: 0n, problem: { msg: MSG.unexpectedToken, message: MSG.unexpectedToken.text(), tok: t, severity: 'error' } };
  }
  return { next: j + 1, value: neg ? -t.value : t.value };
}

/**
 * Binding strength of the binary operators of absolute expressions, as in GNU as (and llvm-mc for
 * ELF targets): `*`, `/`, `%`, `<<`, `>>` bind tightest, then `|`, `&`, `^`, then `+` and `-`. So
 * `1 + 6 & 4` is 5, not 4.
 */
const PRECEDENCE: Record<string, number> = { '+': 1, '-': 1, '|': 2, '&': 2, '^': 2, '*': 3, '/': 3, '%': 3, '<<': 3, '>>': 3 };

function applyOp(op: string, a: bigint, b: bigint): bigint | undefined {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '|': return a | b;
    case '&': return a & b;
    case '^': return a ^ b;
    case '*': return a * b;
    case '/': return b === 0n ? undefined : a / b;
    case '%': return b === 0n ? undefined : a % b;
    case '<<': return b < 0n || b > 63n ? 0n : a << b;
    case '>>': return b < 0n || b > 63n ? (a < 0n ? -1n : 0n) : a >> b;
  }
  return undefined;
}

/** The operator at `toks[i]` when it continues an expression: a binary operator followed by an operand. */
function binaryOp(toks: Token[], i: number, end: number): string | undefined {
  const t = toks[i];
  if (!t || i >= end || t.kind !== 'punct' || PRECEDENCE[t.text] === undefined) return undefined;
  const n = toks[i + 1];
  if (!n || i + 1 >= end) return undefined;
  if (n.kind === 'number' || (n.kind === 'punct' && n.text === '(')) return t.text;
  const n2 = toks[i + 2];
  if (n.kind === 'punct' && (n.text === '-' || n.text === '~') && n2?.kind === 'number' && i + 2 < end) return t.text;
  return undefined;
}

/** Nesting (parentheses, unary signs) an expression may have, so hostile input cannot overflow the stack. */
const MAX_DEPTH = 200;

/**
 * An absolute expression of integer literals (absolute symbols are already replaced by literals).
 * Operands are literals, or negated (`-`), complemented (`~`) or parenthesised operands; binary
 * operators join them with GNU precedence, left to right within a level. It stops before a token
 * that cannot continue the expression, so `5 goto` reads 5. A division by zero is a problem, worded
 * as llvm-mc words it.
 */
export function readConstExpr(toks: Token[], i: number, end = toks.length): ReadResult<bigint> | undefined {
  function unary(j: number, depth: number): ReadResult<bigint> | undefined {
    const t = toks[j];
    if (!t || j >= end) return undefined;
    if (t.kind === 'number') {
      if (t.value === undefined) {
        return { next: j + 1, value: 0n, problem: { msg: MSG.unexpectedToken, message: MSG.unexpectedToken.text(), tok: t, severity: 'error' } };
      }
      return { next: j + 1, value: t.value };
    }
    if (t.kind !== 'punct' || depth > MAX_DEPTH) return undefined;
    if (t.text === '-' || t.text === '+' || t.text === '~') {
      const r = unary(j + 1, depth + 1);
      if (!r || r.problem) return r;
      return { next: r.next, value: t.text === '-' ? -r.value : t.text === '~' ? ~r.value : r.value };
    }
    if (t.text !== '(') return undefined;
    const r = climb(j + 1, 1, depth + 1);
    if (!r || r.problem) return r;
    const close = toks[r.next];
    if (!close || r.next >= end || close.kind !== 'punct' || close.text !== ')') return undefined;
    return { next: r.next + 1, value: r.value };
  }
  // Precedence climbing: read an operand, then fold every operator at least as strong as `min`.
  function climb(j: number, min: number, depth: number): ReadResult<bigint> | undefined {
    let lhs = unary(j, depth);
    if (!lhs || lhs.problem) return lhs;
    for (;;) {
      const op = binaryOp(toks, lhs.next, end);
      if (op === undefined || PRECEDENCE[op]! < min) return lhs;
      const opTok = toks[lhs.next]!;
      const rhs = climb(lhs.next + 1, PRECEDENCE[op]! + 1, depth + 1);
      if (!rhs || rhs.problem) return rhs;
      const v = applyOp(op, lhs.value, rhs.value);
      if (v === undefined) {
        return { next: rhs.next, value: 0n, problem: { msg: MSG.notRelocatable, message: MSG.notRelocatable.text(), tok: opTok, severity: 'error' } };
      }
      // Values stay within 64 bits, as the assembler's integers do.
      lhs = { next: rhs.next, value: BigInt.asIntN(64, v) === v ? v : BigInt.asUintN(64, v) };
    }
  }
  return climb(i, 1, 0);
}

/** A 32-bit immediate; values outside -2^31..2^32-1 keep their low 32 bits, with llvm-mc's warning. */
export function readImm32(toks: Token[], i: number, stmtStart: Token): ReadResult<number> | undefined {
  // A plain literal is by far the common case; an expression (`N * 2`, `5 - 1`) takes the longer way.
  const t0 = toks[i]!;
  const t1 = toks[t0.kind === 'punct' && (t0.text === '-' || t0.text === '+') ? i + 2 : i + 1];
  const plain = t1 === undefined || t1.kind !== 'punct' || PRECEDENCE[t1.text] === undefined;
  const r = plain ? readSigned(toks, i) : readConstExpr(toks, i);
  if (!r) return undefined;
  if (r.problem) return { next: r.next, value: 0, problem: r.problem };
  const v = r.value;
  const value = Number(BigInt.asIntN(32, v));
  if (v < -(1n << 31n) || v > (1n << 32n) - 1n) {
    return { next: r.next, value, problem: { msg: MSG.immOutOfRange, message: MSG.immOutOfRange.text(), tok: stmtStart, severity: 'warning' } };
  }
  return { next: r.next, value };
}

/** A memory offset `+ N` / `- N` (the sign is required, as in llvm-mc). */
export function readOffset(toks: Token[], i: number, signRequired = true): ReadResult<number> {
  const t = toks[i]!;
  const bad = (): ReadResult<number> => ({
    next: i + 1, value: 0, problem: { msg: MSG.offNot16, message: MSG.offNot16.text(), tok: t, severity: 'error' },
  });
  const hasSign = t.kind === 'punct' && (t.text === '+' || t.text === '-');
  if (signRequired && !hasSign) return bad();
  const r = readSigned(toks, i);
  if (!r || r.problem) return bad();
  if (r.value < -32768n || r.value > 32767n) return { ...bad(), next: r.next };
  return { next: r.next, value: Number(r.value) };
}

/** A jump target: `+N`, `-N`, `N` or a label; `bits` is 16 (goto, conditional jumps) or 32 (gotol). */
export function readTarget(toks: Token[], i: number, bits: 16 | 32): ReadResult<{ off: number } | { label: string }> | undefined {
  const t = toks[i]!;
  if (t.kind === 'ident' && !looksLikeRegister(t.text)) return { next: i + 1, value: { label: t.text } };
  const msg = bits === 16 ? MSG.targetNot16 : MSG.targetNot32;
  const r = readSigned(toks, i);
  if (!r) {
    // `goto +N` with a name: llvm-mc takes neither a signed name nor an expression as the offset.
    const n = toks[i + 1];
    if (t.kind === 'punct' && (t.text === '+' || t.text === '-') && n?.kind === 'ident') {
      return { next: i + 2, value: { off: 0 }, problem: { msg, message: msg.text(), tok: t, severity: 'error' } };
    }
    return undefined;
  }
  const lim = 1n << BigInt(bits - 1);
  if (r.problem || r.value < -lim || r.value >= lim) {
    return { next: r.next, value: { off: 0 }, problem: { msg, message: msg.text(), tok: t, severity: 'error' } };
  }
  return { next: r.next, value: { off: Number(r.value) } };
}

/** The operand of `lddw` / `= ... ll`: a 64-bit number, or a symbol with an optional `+ N` / `- N`. */
export function readImm64(toks: Token[], i: number): ReadResult<{ value: bigint } | { symbol: string; addend: number }> | undefined {
  const t = toks[i]!;
  if (t.kind === 'ident' && !looksLikeRegister(t.text)) {
    const s = toks[i + 1]!;
    if (s.kind === 'punct' && (s.text === '+' || s.text === '-') && toks[i + 2]!.kind === 'number') {
      const n = toks[i + 2]!.value ?? 0n;
      const addend = Number(BigInt.asIntN(32, s.text === '-' ? -n : n));
      return { next: i + 3, value: { symbol: t.text, addend } };
    }
    return { next: i + 1, value: { symbol: t.text, addend: 0 } };
  }
  const r = readConstExpr(toks, i);
  if (!r) return undefined;
  return { next: r.next, value: { value: BigInt.asUintN(64, r.value) }, ...(r.problem ? { problem: r.problem } : {}) };
}

/** A plain unsigned number operand (address spaces, pseudo kinds). */
export function readNumber(toks: Token[], i: number): ReadResult<number> | undefined {
  const t = toks[i]!;
  if (t.kind !== 'number' || t.value === undefined) return undefined;
  return { next: i + 1, value: Number(BigInt.asIntN(32, t.value)) };
}
