/**
 * The tokenizer shared by both assembly dialects and by the instruction table's LLVM templates, so a
 * template and a source line split into the same tokens and can be compared token by token.
 *
 * It produces a flat array of tokens with 1-based line and column. Statement ends (a newline or `;`)
 * are tokens of their own, so the parser can resynchronise at the next statement after an error.
 * Comments (`#`, `//`, `/* *\/`) are dropped, except that a `#` comment alone on its line and
 * starting with `@` is kept aside as an annotation. Numbers carry their value as a bigint; a leading minus sign is a separate
 * token, as in llvm-mc. The lexer never throws: malformed input becomes an `error` token or a lexer
 * diagnostic, and every character is consumed exactly once, so the work is linear in the input.
 */

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'eos' | 'error';

export interface Token {
  kind: TokenKind;
  /** Source text (for strings: the decoded contents; for `eos`: `\n`, `;` or `` at end of input). */
  text: string;
  line: number;
  column: number;
  /** Exclusive end column on the token's line (for a multi-line token, on its first line). */
  endColumn: number;
  /** Value of a number token; undefined when the literal does not fit in 64 bits. */
  value?: bigint;
  /** Decoded bytes of a string token (characters above 0xff keep only their low byte). */
  bytes?: number[];
}

export interface LexProblem { message: string; line: number; column: number; length: number }

/** A `# @...` comment, kept for the annotation parser. */
export interface CommentAnnotation { text: string; line: number; column: number }

export interface LexResult {
  tokens: Token[];
  problems: LexProblem[];
  annotations: CommentAnnotation[];
}

/** Operators of two characters (`>>=` and `<<=` are checked by hand); everything else is one character. */
const OPS2 = new Set(['+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '==', '!=', '>=', '<=', '>>', '<<']);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 46 || c === 36;
}
function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const MAX_U64 = (1n << 64n) - 1n;

/** All tokens of a text at once (templates, tests); the assembler pulls them one by one instead. */
export function lex(src: string): LexResult {
  const lx = new Lexer(src);
  const tokens: Token[] = [];
  for (;;) {
    const t = lx.next();
    tokens.push(t);
    if (t.kind === 'eos' && t.text === '') break;
  }
  return { tokens, problems: lx.problems, annotations: lx.annotations };
}

/**
 * Pull tokenizer: `next()` returns the following token, and an `eos` with empty text at the end
 * (again on every later call). Pulling statement by statement keeps only one statement's tokens
 * alive, which matters for files of a million lines.
 */
export class Lexer {
  readonly problems: LexProblem[] = [];
  readonly annotations: CommentAnnotation[] = [];
  private i = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly src: string) {}

  /** Every token has the same property order (value and bytes always present): one object shape. */
  private make(kind: TokenKind, text: string, start: number, end: number, value?: bigint, bytes?: number[]): Token {
    this.i = end;
    const column = start - this.lineStart + 1;
    return { kind, text, line: this.line, column, endColumn: column + (end - start), value, bytes };
  }

  next(): Token {
    const src = this.src;
    const n = src.length;
    let i = this.i;
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === 10) {
        const t = this.make('eos', '\n', i, i + 1);
        this.line++;
        this.lineStart = i + 1;
        return t;
      }
      if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) { i++; continue; }
      const start = i;
      if (c === 35 || (c === 47 && src.charCodeAt(i + 1) === 47)) {
        // A line comment runs to the end of the line; `# @...` is an annotation.
        let end = src.indexOf('\n', i);
        if (end < 0) end = n;
        // Only a comment that is alone on its line is an annotation: compilers end lines with
        // comments such as `prog:  # @prog` that merely name the function.
        if (c === 35 && src.slice(this.lineStart, i).trim() === '') {
          const body = src.slice(i + 1, end);
          const trimmed = body.trimStart();
          if (trimmed.startsWith('@')) {
            const column = start - this.lineStart + 2 + (body.length - trimmed.length);
            this.annotations.push({ text: trimmed.trimEnd(), line: this.line, column });
          }
        }
        i = end;
        continue;
      }
      if (c === 47 && src.charCodeAt(i + 1) === 42) {
        const end = src.indexOf('*/', i + 2);
        if (end < 0) {
          this.problems.push({ message: 'unterminated comment', line: this.line, column: start - this.lineStart + 1, length: 2 });
          i = n;
          break;
        }
        // Count the newlines the comment spans so positions after it stay right.
        for (let k = i + 2; k < end; k++) {
          if (src.charCodeAt(k) === 10) { this.line++; this.lineStart = k + 1; }
        }
        i = end + 2;
        continue;
      }
      const c1 = src.charCodeAt(i + 1);
      if (isIdentStart(c) || (c === 37 && isIdentStart(c1) && c1 !== 46)) {
        i++;
        while (i < n && isIdentChar(src.charCodeAt(i))) i++;
        const text = src.slice(start, i);
        // A lone `.` (as in `.-f`) is the location counter, an operator rather than a name.
        return this.make(text === '.' ? 'punct' : 'ident', text, start, i);
      }
      if (isDigit(c)) {
        i++;
        while (i < n && isIdentChar(src.charCodeAt(i))) i++;
        const text = src.slice(start, i);
        const value = parseNumber(text);
        return value === null ? this.make('error', text, start, i) : this.make('number', text, start, i, value);
      }
      if (c === 34) {
        const r = lexString(src, i);
        if (r.unterminated) {
          // Not a problem of its own: the statement that holds it reports an unexpected token where
          // llvm-mc does.
          return this.make('error', src.slice(start, r.end), start, r.end);
        }
        return this.make('string', r.text, start, r.end, undefined, r.bytes);
      }
      if (c === 59) return this.make('eos', ';', start, i + 1);
      if ((c === 62 || c === 60) && c1 === c && src.charCodeAt(i + 2) === 61) return this.make('punct', src.slice(start, i + 3), start, i + 3);
      if (c1 === 61 || ((c === 62 || c === 60) && c1 === c)) {
        const two = src.slice(i, i + 2);
        if (OPS2.has(two)) return this.make('punct', two, start, i + 2);
      }
      i++;
      if (c < 32 || c > 126) {
        // Binary junk or a character outside ASCII: one error token per run, so a garbage file
        // does not produce one diagnostic per byte.
        while (i < n) {
          const d = src.charCodeAt(i);
          if (d === 10 || (d >= 32 && d <= 126)) break;
          i++;
        }
        return this.make('error', src.slice(start, i), start, i);
      }
      return this.make('punct', src[start]!, start, i);
    }
    return this.make('eos', '', i, i);
  }
}

/**
 * Value of an integer literal: decimal, `0x` hex, `0b` binary or `0`-prefixed octal. Returns null
 * for a malformed literal and undefined for one that does not fit in 64 bits.
 */
export function parseNumber(text: string): bigint | null | undefined {
  // Fast path for the common short decimal literal.
  if (text.length < 16 && text.charCodeAt(0) !== 48) {
    let k = 0;
    while (k < text.length && isDigit(text.charCodeAt(k))) k++;
    if (k === text.length) return BigInt(Number(text));
  }
  let digits = text;
  let radix = 10;
  if (/^0[xX]/.test(text)) { digits = text.slice(2); radix = 16; }
  else if (/^0[bB]/.test(text)) { digits = text.slice(2); radix = 2; }
  else if (text.length > 1 && text[0] === '0') { digits = text.slice(1); radix = 8; }
  const ok = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 2 ? /^[01]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!ok.test(digits)) return null;
  let v: bigint;
  if (radix === 10 && digits.length < 16) v = BigInt(Number(digits));
  else if (radix === 10) v = BigInt(digits);
  else v = BigInt((radix === 16 ? '0x' : radix === 2 ? '0b' : '0o') + digits);
  return v > MAX_U64 ? undefined : v;
}

function lexString(src: string, at: number): { text: string; bytes: number[]; end: number; unterminated: boolean } {
  const bytes: number[] = [];
  let i = at + 1;
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 34) return { text: String.fromCharCode(...bytes.slice(0, 4096)), bytes, end: i + 1, unterminated: false };
    if (c === 10) break;
    if (c !== 92) { bytes.push(c & 0xff); i++; continue; }
    const e = src[i + 1];
    i += 2;
    switch (e) {
      case 'n': bytes.push(10); break;
      case 't': bytes.push(9); break;
      case 'r': bytes.push(13); break;
      case 'b': bytes.push(8); break;
      case 'f': bytes.push(12); break;
      case 'v': bytes.push(11); break;
      case 'a': bytes.push(7); break;
      case 'x': case 'X': {
        let v = 0;
        let k = 0;
        while (k < 2 && /[0-9a-fA-F]/.test(src[i] ?? '')) { v = v * 16 + parseInt(src[i]!, 16); i++; k++; }
        bytes.push(v & 0xff);
        break;
      }
      default:
        if (e !== undefined && e >= '0' && e <= '7') {
          let v = e.charCodeAt(0) - 48;
          let k = 1;
          while (k < 3 && (src[i] ?? '') >= '0' && (src[i] ?? '') <= '7') { v = v * 8 + src.charCodeAt(i) - 48; i++; k++; }
          bytes.push(v & 0xff);
        } else if (e !== undefined && e !== '\n') {
          bytes.push(e.charCodeAt(0) & 0xff);
        } else {
          i--;
        }
    }
  }
  return { text: '', bytes, end: i, unterminated: true };
}
