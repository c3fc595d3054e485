/**
 * What every directive handler works with: the state directives share across a file (the object
 * being built, the section stack, values left for the end of the file), and `DirectiveArgs`, a
 * cursor over one directive's operands that also words its errors. Each group of directives
 * (sections, symbols, data, call frames) is a table of handlers over these two types, which
 * `directives.ts` merges into one.
 */
import type { Token } from './lexer';
import type { ObjectBuilder, SecState, SymState } from './objectBuilder';
import { MSG } from './messages';
import { TokenCursor, type Expr } from './expressions';

export interface DeferredSize { sym: SymState; expr: Expr; tok: Token; sec: SecState; dot: number }
export interface DataFixup { sec: SecState; offset: number; size: number; expr: Expr }

/** A `.cfi_startproc` ... `.cfi_endproc` range, which becomes an FDE of `.eh_frame`. */
export interface CfiRange { sec: SecState; start: number; end: number }

export interface DirectiveContext {
  ob: ObjectBuilder;
  /** Open `.cfi_startproc`, and the finished ranges. */
  cfiOpen?: { sec: SecState; start: number };
  cfi: CfiRange[];
  error(m: { code: string }, message: string, tok: Token): void;
  sizes: DeferredSize[];
  data: DataFixup[];
  /** Sections saved by `.pushsection`. */
  stack: SecState[];
  /** The section before the last switch, for `.previous`. */
  previous?: SecState;
  /** `.set A, f + 8` aliases of labels, settled by `resolveAliases` at the end of the file. */
  aliases: { sym: SymState; target: string; addend: number; tok: Token }[];
  /** Line of every section switch, so `# @prog` annotations can be placed in their section. */
  switches: { line: number; section: string }[];
}

/** The operands of the directive statement `toks[start..end)`, whose name is `toks[start]`. */
export class DirectiveArgs extends TokenCursor {
  readonly head: Token;
  readonly name: string;
  readonly ob: ObjectBuilder;

  constructor(readonly ctx: DirectiveContext, toks: Token[], start: number, end: number) {
    super(toks, start + 1, end);
    this.head = toks[start]!;
    this.name = this.head.text;
    this.ob = ctx.ob;
  }

  /** Report `m` at `tok` (by default the operand at the cursor, or the end of the statement). */
  fail(m: { code: string; text: () => string }, tok: Token = this.done ? this.toks[this.end]! : this.tok): true {
    this.ctx.error(m, m.text(), tok);
    return true;
  }

  /** Report an error unless every operand has been read. */
  expectEnd(): true {
    if (!this.done) this.fail(MSG.expectedEnd);
    return true;
  }

  /** A name (or a quoted name) at the cursor, stepped over. */
  ident(): Token | undefined {
    if (!this.done && (this.tok.kind === 'ident' || this.tok.kind === 'string')) return this.toks[this.i++]!;
    return undefined;
  }

  /** A number token at the cursor, stepped over; undefined (the cursor unmoved) otherwise. */
  number(): bigint | undefined {
    if (this.done || this.tok.kind !== 'number') return undefined;
    return this.toks[this.i++]!.value ?? 0n;
  }
}

/** A directive's handler; it returns true once it has read the statement (errors included). */
export type DirectiveHandler = (a: DirectiveArgs) => true;
