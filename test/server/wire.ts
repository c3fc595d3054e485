/**
 * A language server and a client joined by two in-memory streams, speaking the real protocol
 * (JSON-RPC with Content-Length headers), for the wire tests. The client side is vscode-jsonrpc's
 * message connection, so nothing of the server is called directly.
 */
import { PassThrough } from 'stream';
import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import * as rpc from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { createServer, type ServerOptions } from '../../server/src/server';
import type { ServerContext } from '../../server/src/context';

export interface Wire {
  client: rpc.MessageConnection;
  /** Resolves with the next diagnostics published for `uri` (optionally: for this version). */
  nextDiagnostics(uri: string, version?: number): Promise<Diagnostic[]>;
  notifications: { method: string; params: unknown }[];
  /** What the server answered to initialize. */
  initializeResult: { capabilities: Record<string, unknown>; serverInfo?: { name: string } };
  open(uri: string, text: string, version?: number): Promise<Diagnostic[]>;
  close(): void;
  /** The server's side, for what the protocol does not show (its warm-up). */
  server: ServerContext;
}

export async function startWire(options: ServerOptions = {}, initializationOptions: unknown = {}): Promise<Wire> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  const ctx = createServer(server, { warmUp: false, ...options, settings: { debounceMs: 20, ...options.settings } });
  server.listen();
  const client = rpc.createMessageConnection(new rpc.StreamMessageReader(toClient), new rpc.StreamMessageWriter(toServer));
  const waiters: { uri: string; version?: number; resolve: (d: Diagnostic[]) => void }[] = [];
  const notifications: { method: string; params: unknown }[] = [];
  client.onNotification((method: string, params: unknown) => {
    notifications.push({ method, params });
    if (method !== 'textDocument/publishDiagnostics') return;
    const p = params as PublishDiagnosticsParams;
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i]!;
      if (w.uri === p.uri && (w.version === undefined || w.version === p.version)) { waiters.splice(i, 1); w.resolve(p.diagnostics); break; }
    }
  });
  client.onRequest(() => null);
  client.listen();
  const initializeResult = await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions }) as Wire['initializeResult'];
  await client.sendNotification('initialized', {});
  const nextDiagnostics = (uri: string, version?: number): Promise<Diagnostic[]> =>
    new Promise((resolve) => { waiters.push(version === undefined ? { uri, resolve } : { uri, version, resolve }); });
  return {
    client, notifications, nextDiagnostics, initializeResult, server: ctx,
    async open(uri, text, version = 1) {
      const d = nextDiagnostics(uri, version);
      await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ebpf', version, text } });
      return d;
    },
    close() {
      client.dispose();
      server.dispose();
      toServer.destroy();
      toClient.destroy();
    },
  };
}
