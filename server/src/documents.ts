/**
 * Open documents and their analyses. A document is assembled and verified once per version that
 * gets analysed; the diagnostics are then published and the status notification sent.
 *
 * When an edit is analysed: after each analysis of a document comes a window during which its
 * edits wait. An edit outside the window (the user paused) is analysed at once, so a user who types
 * one character and looks gets the verdict without waiting. An edit inside it is part of a burst of
 * typing: one analysis is scheduled for the end of the window, and every edit arriving until then
 * joins it. Later edits never push the scheduled analysis back, so typing that goes on still sees
 * its diagnostics once per window, and the last keystroke of a burst waits at most one window (plus
 * the analysis itself).
 *
 * The window is `debounceMs` at most. Within that cap it is four times as long as the last analysis
 * took, but at least 50 ms: while typing goes on, analyses then take no more than a fifth of the
 * server's time, and a document that is quick to analyse gets its diagnostics after nearly every
 * keystroke instead of waiting out a window sized for slow ones.
 *
 * Results are never published for a version older than the text: an analysis reads the text and
 * version when it starts, runs to the end without yielding (so no edit can arrive in between), and
 * a scheduled analysis that is no longer wanted (the document closed or was opened again) is
 * cancelled before it starts. Requests that need the analysis of the current text (hover, inlay
 * hints, code actions...) run it at once instead of waiting for the timer; requests that only need
 * names and tokens use the syntax index, which is cheap and always current.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, buildSyntax, ensureStates, VerifyCache, type Analysis, type SyntaxIndex, type VerifyFn } from '../../core/src/lang';
import type { ServerSettings } from './settings';

interface Entry {
  doc: TextDocument;
  timer?: ReturnType<typeof setTimeout>;
  signal?: { cancelled: boolean };
  analysis?: { version: number; value: Analysis };
  syntax?: { version: number; value: SyntaxIndex };
  /** Verdicts of this document's programs by instructions, so edits elsewhere skip the verifier. */
  cache: VerifyCache;
  /** When the last analysis of the document finished (`now()`), or -Infinity before the first. */
  lastRunEnd: number;
  /** How long the last analysis of the document took, in milliseconds. */
  lastRunMs: number;
}

/** The shortest window, however quick the analysis: keystrokes closer than this are one burst. */
const MIN_WINDOW_MS = 50;
/** The window is this many times the last analysis's duration (within the minimum and the setting). */
const COST_FACTOR = 4;

// The monotonic clock: wall-clock jumps must not make an edit wait or skip the window.
const now = (): number => performance.now();

export interface WorkspaceHooks {
  settings(): ServerSettings;
  verify?: VerifyFn;
  /** Called after every analysis (publish diagnostics and status). */
  analysed(doc: TextDocument, analysis: Analysis): void;
  log(message: string): void;
}

export class Workspace {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly hooks: WorkspaceHooks) {}

  get(uri: string): TextDocument | undefined {
    return this.entries.get(uri)?.doc;
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }

  open(uri: string, languageId: string, version: number, text: string): void {
    this.close(uri);
    this.entries.set(uri, { doc: TextDocument.create(uri, languageId, version, text), cache: new VerifyCache(), lastRunEnd: -Infinity, lastRunMs: 0 });
    this.edited(uri);
  }

  change(uri: string, version: number, changes: { range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[]): void {
    const e = this.entries.get(uri);
    if (!e) return;
    e.doc = TextDocument.update(e.doc, changes.map((c) => (c.range ? { range: c.range, text: c.text } : { text: c.text })), version);
    // The analysis and syntax of the previous text can never be served again; letting them go now
    // keeps a large document's old token arrays and models from living on into the next analysis.
    e.analysis = undefined;
    e.syntax = undefined;
    this.edited(uri);
  }

  close(uri: string): void {
    const e = this.entries.get(uri);
    if (!e) return;
    this.cancel(e);
    this.entries.delete(uri);
  }

  /** Whether an analysis is scheduled for some document (the timer has not fired yet). */
  scheduled(): boolean {
    for (const e of this.entries.values()) if (e.timer) return true;
    return false;
  }

  /** Re-analyses every open document (after a settings change). */
  refreshAll(): void {
    for (const uri of this.entries.keys()) this.schedule(uri, 0);
  }

  /**
   * The analysis of the document's current text, computing it now if the timer has not fired yet.
   * With `states`, the verifier's register states are filled in (the first pass leaves them out so
   * that diagnostics come sooner).
   */
  analysis(uri: string, states = false): Analysis | undefined {
    const e = this.entries.get(uri);
    if (!e) return undefined;
    if (!e.analysis || e.analysis.version !== e.doc.version) this.run(uri);
    const a = e.analysis?.version === e.doc.version ? e.analysis.value : undefined;
    if (a && states) ensureStates(a);
    return a;
  }

  /** The syntax index of the current text (no assembly, no verification). */
  syntax(uri: string): SyntaxIndex | undefined {
    const e = this.entries.get(uri);
    if (!e) return undefined;
    if (e.analysis && e.analysis.version === e.doc.version) return e.analysis.value.syntax;
    if (!e.syntax || e.syntax.version !== e.doc.version) e.syntax = { version: e.doc.version, value: buildSyntax(e.doc.getText()) };
    return e.syntax.value;
  }

  private cancel(e: Entry): void {
    if (e.timer) clearTimeout(e.timer);
    e.timer = undefined;
    if (e.signal) e.signal.cancelled = true;
  }

  private schedule(uri: string, delay: number): void {
    const e = this.entries.get(uri);
    if (!e) return;
    this.cancel(e);
    e.signal = { cancelled: false };
    e.timer = setTimeout(() => { e.timer = undefined; this.run(uri); }, delay);
  }

  /**
   * The text changed (or was opened): analyse it now when the document has been quiet for the
   * debounce window, else make sure one analysis is scheduled for the end of the window.
   */
  private edited(uri: string): void {
    const e = this.entries.get(uri);
    if (!e) return;
    // A scheduled analysis will read the newest text when it runs; this edit just joins it.
    if (e.timer) return;
    const window = Math.min(Math.max(0, this.hooks.settings().debounceMs), Math.max(MIN_WINDOW_MS, COST_FACTOR * e.lastRunMs));
    const wait = e.lastRunEnd + window - now();
    if (wait <= 0) this.run(uri);
    else this.schedule(uri, wait);
  }

  private run(uri: string): void {
    const e = this.entries.get(uri);
    if (!e) return;
    if (e.timer) { clearTimeout(e.timer); e.timer = undefined; }
    const started = now();
    try {
      this.analyseAndPublish(uri, e);
    } finally {
      e.lastRunEnd = now();
      e.lastRunMs = e.lastRunEnd - started;
    }
  }

  private analyseAndPublish(uri: string, e: Entry): void {
    const s = this.hooks.settings();
    const signal = e.signal ?? { cancelled: false };
    e.signal = undefined;
    const version = e.doc.version;
    let value: Analysis;
    try {
      value = analyze(e.doc.getText(), {
        fileName: fileNameOf(uri), defaultProgType: s.defaultProgramType, verifierEnabled: s.verifierEnabled,
        unprivileged: s.unprivileged, maxInstructions: s.maxInstructions, signal, collectStates: false, timeBudgetMs: s.verifierBudgetMs, cache: e.cache,
      }, this.hooks.verify);
    } catch (err) {
      this.hooks.log(`analysis of ${uri} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      return;
    }
    // Nothing can edit the document while the analysis runs; the check guards against a publisher
    // that analyses again (and so moves the version) in between.
    if (signal.cancelled || version !== e.doc.version) return;
    e.analysis = { version, value };
    try { this.hooks.analysed(e.doc, value); } catch (err) { this.hooks.log(`publishing ${uri} failed: ${String(err)}`); }
  }
}

export function fileNameOf(uri: string): string {
  const path = uri.replace(/^file:\/\//, '');
  try { return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || 'input.s'; } catch { return 'input.s'; }
}
