/**
 * The analysis of one document: the syntax index, the assembled program model with the assembler's
 * diagnostics, and, when a verifier is supplied, each program's verdict with the register states at
 * every instruction. Every editor feature reads from this one object, so a document is assembled and
 * verified once per edit, whatever the number of requests.
 *
 * The verifier is passed in rather than imported: the services stay testable without it, and the
 * caller decides when to pay for it (the language server: at once after a pause in typing, else at
 * the end of a burst). Nothing here throws: a failure of the assembler or the verifier becomes a
 * diagnostic.
 */
import type { Diagnostic, SourceRange } from '../diagnostics';
import type { ObjectFile } from '../elf/types';
import type { MapDef, Module, Program } from '../program/model';
import type { Token } from '../asm/lexer';
import type { StateView, VerifyOptions, VerifyResult } from '../verifier/types';
import { assembleModule } from '../program/assembleModule';
import { buildSyntax, type SyntaxIndex } from './syntax';
import { lintWarnings } from './lint';
import { LINT } from './messages';
import { branchDecisions } from './errorPath';
import { verificationKey, type VerifyCache } from './verifyCache';

export type VerifyFn = (prog: Program, maps: MapDef[], opts: VerifyOptions) => VerifyResult;

export interface AnalysisOptions {
  fileName?: string;
  /** Program type for sections that neither an annotation nor libbpf's rules type. */
  defaultProgType?: string;
  /** Run the verifier (when one is given); default true. */
  verifierEnabled?: boolean;
  unprivileged?: boolean;
  maxInstructions?: number;
  /** Set by the caller to stop a verification that is no longer wanted. */
  signal?: { cancelled: boolean };
  /**
   * Record the register states at every instruction (for hovers and inlay hints); default true. The
   * server leaves them out of the first pass so diagnostics come sooner, and fills them in with
   * `ensureStates` afterwards.
   */
  collectStates?: boolean;
  /**
   * Wall-clock budget of the verifier for the whole document, in milliseconds. A program that takes
   * longer (a loop that runs to the instruction limit) is stopped and reported as not verified, so
   * that an editor stays responsive; undefined means no budget.
   */
  timeBudgetMs?: number;
  /**
   * Results of earlier analyses of the same document: a program whose instructions, maps and
   * options are unchanged takes its verdict from here instead of being verified again.
   */
  cache?: VerifyCache;
}

export interface ProgramAnalysis {
  program: Program;
  /** Undefined when the verifier did not run or was stopped by the time budget. */
  result?: VerifyResult;
  /** Set when the time budget stopped the verifier. */
  stopped?: boolean;
  /** The program's key in `AnalysisOptions.cache`, when there is a cache. */
  cacheKey?: string;
}

export interface Analysis {
  syntax: SyntaxIndex;
  module?: Module;
  object?: ObjectFile;
  programs: ProgramAnalysis[];
  /** Assembler, program-builder, lint and verifier diagnostics, sorted by position. */
  diagnostics: Diagnostic[];
  options: AnalysisOptions;
  verify?: VerifyFn;
  /** How long assembly and verification took, in milliseconds (for the status bar and benches). */
  timings: { assembleMs: number; syntaxMs: number; verifyMs: number; lintMs: number };
}

// Core has no DOM or Node typings, so the high-resolution clock is looked up where runtimes put it.
const perf = (globalThis as { performance?: { now(): number } }).performance;
const clock = (): number => (perf ? perf.now() : Date.now());

export function analyze(text: string, opts: AnalysisOptions = {}, verify?: VerifyFn): Analysis {
  const t0 = clock();
  const diagnostics: Diagnostic[] = [];
  let module: Module | undefined;
  let object: ObjectFile | undefined;
  let tokens: Token[] | undefined;
  try {
    // The assembler keeps its tokens for the syntax index, so the text is lexed once.
    const built = assembleModule(text, opts.fileName ?? 'input.s', opts.defaultProgType || undefined, { keepTokens: true });
    module = built.module;
    object = built.object;
    tokens = built.tokens;
    // The builder's notes (which helper a `call name` became) are for logs, not squiggles.
    diagnostics.push(...built.diagnostics.filter((d) => d.severity !== 'info'));
  } catch (e) {
    diagnostics.push(internalError('the assembler', e));
  }
  const t1 = clock();
  const syntax = buildSyntax(text, tokens);
  const t1s = clock();
  const programs: ProgramAnalysis[] = [];
  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  const budget = budgetSignal(opts.signal, opts.timeBudgetMs);
  for (const program of module?.programs ?? []) {
    const pa: ProgramAnalysis = { program };
    if (verify && !hasErrors && opts.verifierEnabled !== false && !opts.signal?.cancelled) {
      try {
        verifyOne(pa, module!.maps, verify, opts, budget, diagnostics, syntax.lines);
      } catch (e) {
        diagnostics.push({ ...internalError('the verifier', e), program: program.name, range: program.lines.find((r) => r) ?? firstLine() });
      }
    }
    programs.push(pa);
  }
  const t2 = clock();
  if (module) diagnostics.push(...lintWarnings(syntax, module));
  diagnostics.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  const timings = { assembleMs: t1 - t0, syntaxMs: t1s - t1, verifyMs: t2 - t1s, lintMs: clock() - t2 };
  const out: Analysis = { syntax, programs, diagnostics, options: opts, timings };
  if (verify) out.verify = verify;
  if (module) out.module = module;
  if (object) out.object = object;
  return out;
}

/**
 * The verdict of one program: from the cache when its instructions, maps and options are those of an
 * earlier analysis, else from the verifier (and then remembered, unless the budget stopped it).
 */
function verifyOne(pa: ProgramAnalysis, maps: MapDef[], verify: VerifyFn, opts: AnalysisOptions,
  budget: ReturnType<typeof budgetSignal>, diagnostics: Diagnostic[], lines: string[]): void {
  const program = pa.program;
  const cache = opts.cache;
  const key = cache ? verificationKey(program, maps, { privileged: !opts.unprivileged, ...(opts.maxInstructions !== undefined ? { maxInsns: opts.maxInstructions } : {}) }) : undefined;
  if (key !== undefined) pa.cacheKey = key;
  const hit = key !== undefined ? cache!.get(key) : undefined;
  let result: VerifyResult;
  if (hit) {
    result = hit.result;
  } else {
    result = verify(program, maps, verifyOptions({ ...opts, signal: budget.signal }, opts.collectStates !== false, 0));
    if (budget.timedOut()) {
      pa.stopped = true;
      diagnostics.push({
        code: LINT.budget.code, severity: 'info', message: LINT.budget.text(opts.timeBudgetMs ?? 0),
        range: program.lines.find((r) => r !== undefined) ?? firstLine(), program: program.name,
      });
      return;
    }
    // A verification a newer edit cancelled ends in a cancellation error, which is no verdict.
    if (key !== undefined && !opts.signal?.cancelled) cache!.set(key, { result });
  }
  pa.result = result;
  const d = verifierDiagnostic(program, result);
  if (d) {
    addPath(d, pa, maps, verify, opts, lines);
    diagnostics.push(d);
  }
}

/**
 * A cancellation flag for the verifier that also trips when the time budget is spent. The verifier
 * polls it at every instruction, so the clock is read only every 256 polls.
 */
function budgetSignal(outer: { cancelled: boolean } | undefined, ms: number | undefined): { signal: { cancelled: boolean }; timedOut(): boolean } {
  const deadline = ms === undefined ? Infinity : Date.now() + ms;
  let polls = 0;
  let late = false;
  const signal = {
    get cancelled(): boolean {
      if (outer?.cancelled) return true;
      if (!late && (++polls & 255) === 0 && Date.now() > deadline) late = true;
      return late;
    },
  };
  return { signal, timedOut: () => late };
}

function verifyOptions(opts: AnalysisOptions, collectStates: boolean, logLevel: 0 | 2): VerifyOptions {
  const vo: VerifyOptions = { collectStates, logLevel, privileged: !opts.unprivileged };
  if (opts.maxInstructions !== undefined) vo.maxInsns = opts.maxInstructions;
  if (opts.signal) vo.signal = opts.signal;
  return vo;
}

/**
 * Verifies again, with register states, every program whose result has none. The verdict does not
 * change (the verifier is deterministic); only the states are added. Returns whether it did work.
 */
export function ensureStates(a: Analysis): boolean {
  if (!a.verify || !a.module) return false;
  let did = false;
  for (const pa of a.programs) {
    if (!pa.result || pa.result.states) continue;
    try {
      const budget = budgetSignal(undefined, a.options.timeBudgetMs);
      const r = a.verify(pa.program, a.module.maps, verifyOptions({ ...a.options, signal: budget.signal }, true, 0));
      if (!budget.timedOut()) {
        pa.result = r;
        did = true;
        // Later analyses of an unchanged program then come with their states at once.
        const hit = pa.cacheKey !== undefined ? a.options.cache?.get(pa.cacheKey) : undefined;
        if (hit) hit.result = r;
      }
    } catch { /* the first pass already reported the failure */ }
  }
  return did;
}

/** The kernel-style log of a program, verifying it again at log level 2 (logs are only read on request). */
export function verifierLogOf(a: Analysis, pa: ProgramAnalysis): string {
  if (!a.verify || !a.module || !pa.result) return '';
  const hit = pa.cacheKey !== undefined ? a.options.cache?.get(pa.cacheKey) : undefined;
  if (hit?.pathLog !== undefined) return hit.pathLog;
  try {
    // An explicit request may take longer than the as-you-type budget, within reason.
    const budget = budgetSignal(undefined, a.options.timeBudgetMs === undefined ? undefined : a.options.timeBudgetMs * 5);
    const log = a.verify(pa.program, a.module.maps, verifyOptions({ ...a.options, signal: budget.signal }, false, 2)).log;
    if (hit && !budget.timedOut()) hit.pathLog = log;
    return budget.timedOut() ? `${log}\n; the log stops here: it took longer than the time budget` : log;
  } catch (e) {
    return `internal error in the verifier: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function firstLine(): SourceRange {
  return { line: 1, column: 1, endLine: 1, endColumn: 2 };
}

function internalError(what: string, e: unknown): Diagnostic {
  const msg = e instanceof Error ? e.message : String(e);
  return { code: 'LSP001', severity: 'error', message: `internal error in ${what}: ${msg}`, range: firstLine() };
}

/**
 * Related information for a rejection: the branch decisions on the failing path, from a level-2 log
 * of the same verification (only rejected programs pay for it, within the time budget).
 */
function addPath(d: Diagnostic, pa: ProgramAnalysis, maps: MapDef[], verify: VerifyFn, opts: AnalysisOptions, lines: string[]): void {
  if (d.related || !pa.result?.error) return;
  const hit = pa.cacheKey !== undefined ? opts.cache?.get(pa.cacheKey) : undefined;
  let log = hit?.pathLog;
  if (log === undefined) {
    const budget = budgetSignal(undefined, opts.timeBudgetMs);
    try {
      log = verify(pa.program, maps, verifyOptions({ ...opts, signal: budget.signal }, false, 2)).log;
    } catch { return; }
    if (budget.timedOut()) return;
    if (hit) hit.pathLog = log;
  }
  const related = [];
  for (const b of branchDecisions(log, pa.result.error.insn, pa.program.insns)) {
    const r = pa.program.lines[b.insn];
    if (!r) continue;
    const text = (lines[r.line - 1] ?? '').slice(r.column - 1, r.line === r.endLine ? r.endColumn - 1 : undefined).trim();
    related.push({ message: `${b.taken ? 'branch taken' : 'branch not taken'}: ${text}`, range: r });
  }
  if (related.length) d.related = related;
}

/** A path step the verifier may report: which way a branch went on the way to the error. */
interface PathStep { insn: number; taken?: boolean; text?: string }

/**
 * The verifier's rejection as a diagnostic at the blamed instruction: the kernel's words first, then
 * our explanation and hint. When the verifier reports the branch decisions on the path, they become
 * related information pointing at each branch.
 */
export function verifierDiagnostic(program: Program, result: VerifyResult): Diagnostic | undefined {
  const err = result.error;
  if (!err || result.accepted) return undefined;
  const range = program.lines[err.insn] ?? program.lines.find((r) => r !== undefined) ?? firstLine();
  let message = err.message;
  if (err.explanation) message += `\n${err.explanation}`;
  if (err.hint) message += `\nHint: ${err.hint}`;
  const d: Diagnostic = { code: err.code ?? 'VER000', severity: 'error', message, range, insn: err.insn, program: program.name };
  const path = (err as { path?: PathStep[] }).path;
  if (Array.isArray(path)) {
    const related = [];
    for (const step of path) {
      const r = program.lines[step.insn];
      if (!r) continue;
      const how = step.text ?? (step.taken === undefined ? 'on the path' : step.taken ? 'branch taken' : 'branch not taken');
      related.push({ message: `insn ${step.insn}: ${how}`, range: r });
    }
    if (related.length) d.related = related;
  }
  return d;
}

/** The program and slot whose source range contains a line, preferring the first program. */
export function slotAtLine(a: Analysis, line: number): { pa: ProgramAnalysis; slot: number } | undefined {
  for (const pa of a.programs) {
    const lines = pa.program.lines;
    for (let s = 0; s < lines.length; s++) {
      const r = lines[s];
      if (r && r.line <= line && line <= r.endLine) return { pa, slot: s };
    }
  }
  return undefined;
}

/**
 * The verifier's state before a slot. The verifier stops at a rejected slot without recording its
 * state; there the state after the nearest earlier slot stands in (the path to an error is straight
 * in the common cases: a load right after a call, a packet access right after its pointer load).
 */
export function stateBefore(pa: ProgramAnalysis, slot: number): { state: StateView; exact: boolean } | undefined {
  const states = pa.result?.states ?? [];
  const here = states.find((s) => s.insn === slot);
  if (here?.before) return { state: here.before, exact: true };
  if (pa.result?.error?.insn !== slot) return undefined;
  let best: { insn: number; state: StateView } | undefined;
  for (const s of states) if (s.insn < slot && s.after && (!best || s.insn > best.insn)) best = { insn: s.insn, state: s.after };
  return best ? { state: best.state, exact: false } : undefined;
}
