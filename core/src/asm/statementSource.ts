/**
 * Where the assembler's statements come from: the lexer, one statement at a time (a newline or `;`
 * ends one), or the queue of statements that `.rept N` ... `.endr` has replayed. A `.rept` body is
 * read (from the source, or from an enclosing body being replayed) and queued N times, so a nested
 * `.rept` inside it is expanded again at each replay. The total is capped, so `.rept 1000000000`
 * cannot exhaust memory.
 */
import type { Lexer, Token } from './lexer';
import { MSG } from './messages';
import { readConstExpr } from './operands';
import { substituteAbsolute } from './expressions';
import type { DirectiveContext } from './directiveContext';

/** Statements `.rept` may queue in one file. */
const MAX_REPLAYED = 4_000_000;

export class StatementSource {
  /** Every token of the source in order (not the copies `.rept` replays), when asked to keep them. */
  readonly sourceTokens: Token[] | undefined;
  /** Statements still to run before reading on: the bodies of `.rept` blocks, last one first. */
  private readonly replay: Token[][] = [];
  private replayed = 0;
  private atEnd = false;

  constructor(private readonly lexer: Lexer, keepTokens: boolean) {
    this.sourceTokens = keepTokens ? [] : undefined;
  }

  /** The next statement's tokens into `into`, up to and including its end; false at end of input. */
  next(into: Token[]): boolean {
    into.length = 0;
    const queued = this.replay.pop();
    if (queued) { for (const t of queued) into.push(t); return true; }
    if (this.atEnd) return false;
    let t: Token;
    do { t = this.lexer.next(); into.push(t); this.sourceTokens?.push(t); } while (t.kind !== 'eos');
    if (t.text === '') this.atEnd = true;
    return true;
  }

  /**
   * The statement `tokens[s..end]` is `.rept N` (or a stray `.endr`): read its body up to the
   * matching `.endr` and queue it N times.
   */
  rept(ctx: DirectiveContext, tokens: Token[], s: number, end: number): void {
    const head = tokens[s]!;
    if (head.text === '.endr') { ctx.error(MSG.unmatchedEndr, MSG.unmatchedEndr.text(), tokens[end]!); return; }
    const args = substituteAbsolute(ctx.ob, tokens.slice(s + 1, end + 1));
    const r = readConstExpr(args, 0, args.length - 1);
    let count = 0n;
    if (!r || r.problem || r.next !== args.length - 1) ctx.error(MSG.reptCount, MSG.reptCount.text(), args[r?.next ?? 0]!);
    else if (r.value < 0n) ctx.error(MSG.reptNegative, MSG.reptNegative.text(), args[0]!);
    else count = r.value;
    const body: Token[][] = [];
    let depth = 1;
    const stmt: Token[] = [];
    for (;;) {
      if (!this.next(stmt)) { ctx.error(MSG.reptNoEndr, MSG.reptNoEndr.text(), head); return; }
      // Only the first word counts: a label before a nested `.rept` or `.endr` is not looked through.
      const first = stmt[0]!;
      if (first.kind === 'ident' && first.text === '.rept') depth++;
      else if (first.kind === 'ident' && first.text === '.endr' && --depth === 0) break;
      // A statement that ended the input must not end it again when replayed.
      const copy = stmt.slice();
      const last = copy[copy.length - 1]!;
      if (last.text === '') copy[copy.length - 1] = { ...last, text: '\n' };
      body.push(copy);
    }
    if (count === 0n || body.length === 0 || this.replayed > MAX_REPLAYED) return;
    if (this.replayed + Number(count) * body.length > MAX_REPLAYED) {
      // Report once, and drop what enclosing repetitions still had queued.
      ctx.error(MSG.tooManyRepeats, MSG.tooManyRepeats.text(MAX_REPLAYED), head);
      this.replayed = MAX_REPLAYED + 1;
      this.replay.length = 0;
      return;
    }
    this.replayed += Number(count) * body.length;
    // `replay` is a stack popped from the end: push the copies last statement first.
    for (let n = 0n; n < count; n++) for (let k = body.length - 1; k >= 0; k--) this.replay.push(body[k]!);
  }
}
