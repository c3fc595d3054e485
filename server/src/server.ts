/**
 * The language server: wires every feature handler to a connection. It is independent of the
 * transport, so the entry point (stdio or node-ipc) and the wire tests (in-memory streams) share it.
 * Every handler runs under `guard`: an exception is logged and answered with an empty result.
 */
import { TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver/node';
import type { VerifyFn } from '../../core/src/lang';
import { Workspace } from './documents';
import { publishAnalysis } from './diagnostics';
import { DEFAULT_SETTINGS, readSettings, type ServerSettings } from './settings';
import type { ServerContext } from './context';
import { registerHover } from './hover';
import { registerInlayHints } from './inlayHints';
import { registerCompletion } from './completion';
import { registerNavigation } from './navigation';
import { LEGEND, registerSemanticTokens } from './semanticTokens';
import { registerFormatting } from './formatting';
import { registerCodeLens } from './codeLens';
import { registerCodeActions } from './codeActions';
import { registerCustomRequests } from './custom';
import { defaultVerifier } from './verifier';
import { startWarmUp, type WarmUp } from './warmup';

export interface ServerOptions {
  /** The verifier to run; defaults to the embedded one. `null` turns verification off. */
  verify?: VerifyFn | null;
  /** Overrides of the settings defaults (tests use a shorter debounce). */
  settings?: Partial<ServerSettings>;
  /**
   * Warm the analysis code up after `initialized` (see warmup.ts); default true. The wire tests turn
   * it off so that each test's server does only the work the test asks for.
   */
  warmUp?: boolean;
}

export function createServer(connection: Connection, options: ServerOptions = {}): ServerContext {
  let settings: ServerSettings = { ...DEFAULT_SETTINGS, ...options.settings };
  const log = (m: string): void => { try { connection.console.error(m); } catch { /* the connection is gone */ } };
  const verify = options.verify === null ? undefined : options.verify ?? defaultVerifier();
  // When the server last did work for the client (a handler ran, an analysis was published), so
  // that the warm-up runs in the pauses rather than between the steps of a user's edit.
  let lastWork = -Infinity;
  const workDone = (): void => { lastWork = performance.now(); };
  const workspace = new Workspace({
    settings: () => settings,
    ...(verify ? { verify } : {}),
    analysed: (doc, a) => { publishAnalysis(connection, doc, a); workDone(); },
    log,
  });
  const idleFor = (): number => (workspace.scheduled() ? 0 : performance.now() - lastWork);
  let warm: WarmUp | undefined;
  const ctx: ServerContext = {
    connection, workspace, settings: () => settings, log,
    warmedUp: () => warm?.done ?? Promise.resolve(),
    guard<T>(feature: string, fallback: T, fn: () => T): T {
      try { return fn(); } catch (e) {
        log(`${feature} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        return fallback;
      } finally {
        workDone();
      }
    },
  };

  connection.onInitialize((p): InitializeResult => {
    settings = readSettings(p.initializationOptions, settings);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [' ', '.', '@', '=', '+'] },
        signatureHelpProvider: { triggerCharacters: [' '] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: true },
        documentFormattingProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        inlayHintProvider: true,
      },
      serverInfo: { name: 'ebpf-language-server', version: '0.1.0' },
    };
  });
  connection.onInitialized(() => { if (options.warmUp !== false && !warm) warm = startWarmUp(verify, log, idleFor); });
  connection.onShutdown(() => { warm?.cancel(); });
  connection.onDidChangeConfiguration((p) => ctx.guard('configuration', undefined, () => {
    settings = readSettings(p.settings, settings);
    workspace.refreshAll();
    void connection.languages.inlayHint.refresh().catch(() => undefined);
  }));
  connection.onDidOpenTextDocument((p) => ctx.guard('didOpen', undefined, () => workspace.open(p.textDocument.uri, p.textDocument.languageId, p.textDocument.version, p.textDocument.text)));
  connection.onDidChangeTextDocument((p) => ctx.guard('didChange', undefined, () => workspace.change(p.textDocument.uri, p.textDocument.version, p.contentChanges)));
  connection.onDidCloseTextDocument((p) => ctx.guard('didClose', undefined, () => {
    workspace.close(p.textDocument.uri);
    void connection.sendDiagnostics({ uri: p.textDocument.uri, diagnostics: [] });
  }));

  registerHover(ctx);
  registerInlayHints(ctx);
  registerCompletion(ctx);
  registerNavigation(ctx);
  registerSemanticTokens(ctx);
  registerFormatting(ctx);
  registerCodeLens(ctx);
  registerCodeActions(ctx);
  registerCustomRequests(ctx);
  return ctx;
}
