/**
 * What every feature handler gets: the connection, the open documents, the settings, and `guard`,
 * which runs a handler so that an exception in one feature is logged and answered with an empty
 * result instead of taking the server down.
 */
import type { Connection } from 'vscode-languageserver/node';
import type { Workspace } from './documents';
import type { ServerSettings } from './settings';

export interface ServerContext {
  connection: Connection;
  workspace: Workspace;
  settings(): ServerSettings;
  guard<T>(feature: string, fallback: T, fn: () => T): T;
  log(message: string): void;
  /** Resolves once the start-up warm-up (warmup.ts) has finished, at once when there is none. */
  warmedUp(): Promise<void>;
}
