/**
 * Operand readers shared by the LLVM and the mnemonic dialect: registers, immediates, memory
 * offsets, jump targets and 64-bit immediates (possibly a symbol plus an addend). Each reader looks at
 * the tokens of one statement from a position and says how far it got, what value it read, and
 * whether the value is out of range (a `problem`, worded like llvm-mc). Range rules follow llvm-mc:
 * a 32-bit immediate may be written as -2^31..2^32-1, larger values are truncated with a warning.
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

/** A 32-bit immediate; values outside -2^31..2^32-1 keep their low 32 bits, with llvm-mc's warning. */
export function readImm32(toks: Token[], i: number, stmtStart: Token): ReadResult<number> | undefined {
  const r = readSigned(toks, i);
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
  const r = readSigned(toks, i);
  if (!r) return undefined;
  const msg = bits === 16 ? MSG.targetNot16 : MSG.targetNot32;
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
  const r = readSigned(toks, i);
  if (!r) return undefined;
  return { next: r.next, value: { value: BigInt.asUintN(64, r.value) }, ...(r.problem ? { problem: r.problem } : {}) };
}

/** A plain unsigned number operand (address spaces, pseudo kinds). */
export function readNumber(toks: Token[], i: number): ReadResult<number> | undefined {
  const t = toks[i]!;
  if (t.kind !== 'number' || t.value === undefined) return undefined;
  return { next: i + 1, value: Number(BigInt.asIntN(32, t.value)) };
}
