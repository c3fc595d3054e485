/**
 * The expression language of conditional breakpoints, logpoints and the debug console: C-like
 * integer expressions over registers (`r0`..`r10`, `w0`..`w10`, `fp`), memory loads written the way
 * the assembly writes them (`*(u8 *)(r2 + 0)`), casts (`(s32)r1`), map lookups (`counts[0]`) and the
 * usual operators. It is pure: the caller supplies registers, memory and maps through `ExprEnv`, so
 * the same evaluator serves the runtime and the tests. Parsing and evaluation never throw; they
 * return an error message instead.
 */

export interface ExprEnv {
  /** Register n as an unsigned 64-bit value. */
  reg(n: number): bigint;
  /** Loads `size` bytes (little-endian, unsigned) at the VM address `addr`, or says why it cannot. */
  load(addr: bigint, size: number): bigint | string;
  /** The value stored under `key` in map `name`: bytes, undefined when absent, a string when no such map. */
  mapLookup(name: string, key: bigint): Uint8Array | undefined | string;
  /** Whether `name` is a map (so `name[...]` is a lookup). */
  isMap(name: string): boolean;
  /** Other names: `ctx` and `pkt` (pointers to the context and the packet data), a map's reference. */
  name?(name: string): bigint | undefined;
}

/** A typed value: 64-bit two's complement bits, the width of its type and whether the type is signed. */
export interface Value {
  bits: bigint;
  size: number;
  signed: boolean;
  /** Set for literals, which adapt to the other operand's signedness in comparisons. */
  literal?: boolean;
  /** Set for a map lookup: the value's bytes (bits holds their first 8 bytes), or null when absent. */
  bytes?: Uint8Array | null;
}

type Node =
  | { k: 'num'; v: bigint }
  | { k: 'reg'; n: number; w32: boolean }
  | { k: 'un'; op: string; e: Node }
  | { k: 'bin'; op: string; a: Node; b: Node }
  | { k: 'cast'; size: number; signed: boolean; e: Node }
  | { k: 'deref'; size: number; signed: boolean; e: Node }
  | { k: 'map'; name: string; key: Node }
  | { k: 'name'; name: string };

export type Expr = Node;

const M64 = (1n << 64n) - 1n;

const TYPES: Record<string, [number, boolean]> = {
  u8: [1, false], u16: [2, false], u32: [4, false], u64: [8, false],
  s8: [1, true], s16: [2, true], s32: [4, true], s64: [8, true],
  __u8: [1, false], __u16: [2, false], __u32: [4, false], __u64: [8, false],
  __s8: [1, true], __s16: [2, true], __s32: [4, true], __s64: [8, true],
  char: [1, true], short: [2, true], int: [4, true], long: [8, true],
};

const TOKEN = /\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_.]*|\|\||&&|==|!=|<=|>=|<<|>>|[-+*/%&|^~!<>()[\]])/y;

function tokenize(text: string): string[] | string {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (m === null) return `unexpected character '${text.slice(at).trim()[0]}' at column ${at + 1 + (text.slice(at).length - text.slice(at).trimStart().length)}`;
    out.push(m[1]!);
    at = TOKEN.lastIndex;
  }
  return out;
}

/** Binary operators by precedence level, loosest first. */
const LEVELS: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

class Parser {
  i = 0;
  constructor(private readonly t: string[]) {}
  peek(o = 0): string | undefined { return this.t[this.i + o]; }
  next(): string | undefined { return this.t[this.i++]; }
  expect(s: string): void {
    const got = this.next();
    if (got !== s) throw new SyntaxError(got === undefined ? `expected '${s}' at the end` : `expected '${s}' but found '${got}'`);
  }
  binary(level: number): Node {
    if (level >= LEVELS.length) return this.unary();
    let a = this.binary(level + 1);
    while (this.peek() !== undefined && LEVELS[level]!.includes(this.peek()!)) {
      const op = this.next()!;
      a = { k: 'bin', op, a, b: this.binary(level + 1) };
    }
    return a;
  }
  /** `(type)` or `(type *)` at the cursor: returns the type and whether it is a pointer, without consuming. */
  typeAhead(): { size: number; signed: boolean; ptr: boolean; len: number } | undefined {
    if (this.peek() !== '(') return undefined;
    const ty = TYPES[this.peek(1) ?? ''];
    if (ty === undefined) return undefined;
    if (this.peek(2) === ')') return { size: ty[0], signed: ty[1], ptr: false, len: 3 };
    if (this.peek(2) === '*' && this.peek(3) === ')') return { size: ty[0], signed: ty[1], ptr: true, len: 4 };
    return undefined;
  }
  unary(): Node {
    const t = this.peek();
    if (t === '*') {
      this.next();
      const ty = this.typeAhead();
      if (ty !== undefined && ty.ptr) { this.i += ty.len; return { k: 'deref', size: ty.size, signed: ty.signed, e: this.unary() }; }
      return { k: 'deref', size: 8, signed: false, e: this.unary() };
    }
    if (t === '-' || t === '~' || t === '!' || t === '+') { this.next(); return { k: 'un', op: t, e: this.unary() }; }
    const ty = this.typeAhead();
    if (ty !== undefined) {
      if (ty.ptr) throw new SyntaxError(`a pointer cast needs a '*' in front to load through it`);
      this.i += ty.len;
      return { k: 'cast', size: ty.size, signed: ty.signed, e: this.unary() };
    }
    return this.primary();
  }
  primary(): Node {
    const t = this.next();
    if (t === undefined) throw new SyntaxError('the expression ends too early');
    if (t === '(') { const e = this.binary(0); this.expect(')'); return e; }
    if (/^\d/.test(t)) return { k: 'num', v: BigInt(t) & M64 };
    if (/^[A-Za-z_]/.test(t)) {
      const reg = /^([rw])(\d+)$/.exec(t);
      if (reg !== null && Number(reg[2]) <= 10) return { k: 'reg', n: Number(reg[2]), w32: reg[1] === 'w' };
      if (t === 'fp') return { k: 'reg', n: 10, w32: false };
      if (this.peek() === '[') { this.next(); const key = this.binary(0); this.expect(']'); return { k: 'map', name: t, key }; }
      return { k: 'name', name: t };
    }
    throw new SyntaxError(`unexpected '${t}'`);
  }
}

/** Parses an expression, or returns the reason it is not one. */
export function parseExpr(text: string): Expr | { error: string } {
  const toks = tokenize(text);
  if (typeof toks === 'string') return { error: toks };
  if (toks.length === 0) return { error: 'the expression is empty' };
  const p = new Parser(toks);
  try {
    const e = p.binary(0);
    if (p.peek() !== undefined) return { error: `unexpected '${p.peek()}' after the expression` };
    return e;
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function trunc(bits: bigint, size: number, signed: boolean): bigint {
  const b = BigInt(size * 8);
  return signed ? BigInt.asIntN(Number(b), bits) & M64 : BigInt.asUintN(Number(b), bits);
}

/** The value as a JavaScript bigint with its type's sign. */
export function numeric(v: Value): bigint {
  return v.signed ? BigInt.asIntN(v.size * 8, v.bits) : BigInt.asUintN(v.size * 8, v.bits);
}

function fromBytes(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = Math.min(8, b.length) - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

class EvalError extends Error {}

function ev(n: Node, env: ExprEnv): Value {
  switch (n.k) {
    case 'num': return { bits: n.v, size: 8, signed: true, literal: true };
    case 'reg': {
      const v = env.reg(n.n);
      return n.w32 ? { bits: v & 0xffffffffn, size: 4, signed: false } : { bits: v, size: 8, signed: false };
    }
    case 'name': {
      const v = env.name?.(n.name);
      if (v === undefined) throw new EvalError(`unknown name '${n.name}' (registers are r0..r10 or w0..w10, ctx and pkt point to the context and the packet, maps are looked up as NAME[key])`);
      return { bits: v & M64, size: 8, signed: false };
    }
    case 'cast': { const v = ev(n.e, env); return { bits: trunc(v.bits, n.size, n.signed), size: n.size, signed: n.signed }; }
    case 'deref': {
      const addr = ev(n.e, env);
      const r = env.load(addr.bits & M64, n.size);
      if (typeof r === 'string') throw new EvalError(r);
      return { bits: trunc(r, n.size, n.signed), size: n.size, signed: n.signed };
    }
    case 'map': {
      if (!env.isMap(n.name)) throw new EvalError(`no map named '${n.name}'`);
      const key = ev(n.key, env);
      const r = env.mapLookup(n.name, key.bits & M64);
      if (typeof r === 'string') throw new EvalError(r);
      return { bits: r === undefined ? 0n : fromBytes(r), size: 8, signed: false, bytes: r ?? null };
    }
    case 'un': {
      const v = ev(n.e, env);
      switch (n.op) {
        case '-': return { ...v, bits: (-v.bits) & M64, bytes: undefined };
        case '~': return { ...v, bits: (~v.bits) & M64, bytes: undefined };
        case '!': return { bits: v.bits === 0n ? 1n : 0n, size: 4, signed: true };
        default: return v;
      }
    }
    case 'bin': {
      if (n.op === '&&' || n.op === '||') {
        const a = ev(n.a, env).bits !== 0n;
        if (n.op === '&&' && !a) return { bits: 0n, size: 4, signed: true };
        if (n.op === '||' && a) return { bits: 1n, size: 4, signed: true };
        return { bits: ev(n.b, env).bits !== 0n ? 1n : 0n, size: 4, signed: true };
      }
      const a = ev(n.a, env), b = ev(n.b, env);
      // Comparisons are signed when a typed operand says so; literals take the other side's sign.
      const signed = a.literal ? (b.literal ? true : b.signed) : b.literal ? a.signed : a.signed && b.signed;
      const size = Math.max(a.size, b.size);
      const an = signed ? BigInt.asIntN(64, a.bits) : a.bits, bn = signed ? BigInt.asIntN(64, b.bits) : b.bits;
      const bool = (x: boolean): Value => ({ bits: x ? 1n : 0n, size: 4, signed: true });
      const num = (x: bigint): Value => ({ bits: x & M64, size, signed, ...(a.literal && b.literal ? { literal: true } : {}) });
      switch (n.op) {
        case '==': return bool(an === bn);
        case '!=': return bool(an !== bn);
        case '<': return bool(an < bn);
        case '<=': return bool(an <= bn);
        case '>': return bool(an > bn);
        case '>=': return bool(an >= bn);
        case '+': return num(a.bits + b.bits);
        case '-': return num(a.bits - b.bits);
        case '*': return num(a.bits * b.bits);
        case '/': if (bn === 0n) throw new EvalError('division by zero'); return num(an / bn);
        case '%': if (bn === 0n) throw new EvalError('division by zero'); return num(an % bn);
        case '&': return num(a.bits & b.bits);
        case '|': return num(a.bits | b.bits);
        case '^': return num(a.bits ^ b.bits);
        case '<<': return num(a.bits << (b.bits & 63n));
        case '>>': return num(signed ? BigInt.asIntN(64, a.bits) >> (b.bits & 63n) : a.bits >> (b.bits & 63n));
        default: throw new EvalError(`unknown operator ${n.op}`);
      }
    }
  }
}

/** Evaluates a parsed expression; memory and map errors come back as `{ error }`. */
export function evalExpr(e: Expr, env: ExprEnv): Value | { error: string } {
  try {
    return ev(e, env);
  } catch (err) {
    if (err instanceof EvalError) return { error: err.message };
    return { error: `cannot evaluate: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Parses and evaluates in one call. */
export function evaluate(text: string, env: ExprEnv): Value | { error: string } {
  const e = parseExpr(text);
  if ('error' in e) return e;
  return evalExpr(e, env);
}
