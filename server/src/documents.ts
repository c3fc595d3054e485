/**
 * Open documents and their analyses. Each edit restarts a per-document debounce timer; when it fires
 * the document is assembled and verified once, the diagnostics are published and the status
 * notification sent. An edit that arrives while an analysis is pending cancels it (the verifier also
 * polls a cancellation flag). Requests that need the analysis of the current text (hover, inlay hints,
 * code actions...) run it at once instead of waiting for the timer; requests that only need names and
 * tokens use the syntax index, which is cheap and always current.
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
}

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
    this.entries.set(uri, { doc: TextDocument.create(uri, languageId, version, text), cache: new VerifyCache() });
    this.schedule(uri, 0);
  }

  change(uri: string, version: number, changes: { range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[]): void {
    const e = this.entries.get(uri);
    if (!e) return;
    e.doc = TextDocument.update(e.doc, changes.map((c) => (c.range ? { range: c.range, text: c.text } : { text: c.text })), version);
    // The analysis and syntax of the previous text can never be served again; letting them go now
    // keeps a large document's old token arrays and models from living on into the next analysis.
    e.analysis = undefined;
    e.syntax = undefined;
    this.schedule(uri, this.hooks.settings().debounceMs);
  }

  close(uri: string): void {
    const e = this.entries.get(uri);
    if (!e) return;
    this.cancel(e);
    this.entries.delete(uri);
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

  private run(uri: string): void {
    const e = this.entries.get(uri);
    if (!e) return;
    if (e.timer) { clearTimeout(e.timer); e.timer = undefined; }
    const s = this.hooks.settings();
    const signal = e.signal ?? { cancelled: false };
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
    if (signal.cancelled) return;
    e.analysis = { version, value };
    try { this.hooks.analysed(e.doc, value); } catch (err) { this.hooks.log(`publishing ${uri} failed: ${String(err)}`); }
  }
}

export function fileNameOf(uri: string): string {
  const path = uri.replace(/^file:\/\//, '');
  try { return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || 'input.s'; } catch { return 'input.s'; }
}
