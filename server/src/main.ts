/**
 * Entry point of the bundled language server (`dist/server.js`). Run as a program it starts at once:
 * `createConnection(ProposedFeatures.all)` picks the transport from the command line (`--stdio`, or
 * `--node-ipc` when VS Code starts it as a module). `ebpf lsp --stdio` loads this bundle and calls
 * `startServer()`.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { createServer } from './server';

export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  createServer(connection);
  // A bug must never take the server down: log it and keep serving.
  process.on('uncaughtException', (e) => { try { connection.console.error(`uncaught: ${e.stack ?? e.message}`); } catch { /* ignore */ } });
  connection.listen();
}

if (require.main === module) startServer();
