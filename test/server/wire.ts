/**
 * A language server and a client speaking the real protocol (JSON-RPC with Content-Length headers),
 * for the wire tests and the latency bench. `startWire` joins an in-process server to the client by
 * two in-memory streams; `startServerProcess` starts the bundled server as its own process over
 * stdio, as an editor does, so its start-up and JIT state are those a user gets. The client side is
 * vscode-jsonrpc's message connection in both, so nothing of the server is called directly.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PassThrough } from 'stream';
import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import * as rpc from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { createServer, type ServerOptions } from '../../server/src/server';
import type { ServerContext } from '../../server/src/context';

/** What the client sees of a server: its messages, and helpers to open documents and wait for diagnostics. */
export interface WireClient {
  client: rpc.MessageConnection;
  /** Resolves with the next diagnostics published for `uri` (optionally: for this version). */
  nextDiagnostics(uri: string, version?: number): Promise<Diagnostic[]>;
  /** Every notification the server sent, in order, with when it arrived (`performance.now()`). */
  notifications: { method: string; params: unknown; at: number }[];
  /** What the server answered to initialize. */
  initializeResult: { capabilities: Record<string, unknown>; serverInfo?: { name: string } };
  open(uri: string, text: string, version?: number): Promise<Diagnostic[]>;
  close(): void;
  /** The server's process id, when it runs in a process of its own. */
  pid?: number;
}

export interface Wire extends WireClient {
  /** The server's side, for what the protocol does not show (its warm-up). */
  server: ServerContext;
}

async function connectClient(reader: NodeJS.ReadableStream, writer: NodeJS.WritableStream, initializationOptions: unknown, dispose: () => void): Promise<WireClient> {
  const client = rpc.createMessageConnection(new rpc.StreamMessageReader(reader), new rpc.StreamMessageWriter(writer));
  const waiters: { uri: string; version?: number; resolve: (d: Diagnostic[]) => void }[] = [];
  const notifications: WireClient['notifications'] = [];
  client.onNotification((method: string, params: unknown) => {
    notifications.push({ method, params, at: performance.now() });
    if (method !== 'textDocument/publishDiagnostics') return;
    const p = params as PublishDiagnosticsParams;
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i]!;
      if (w.uri === p.uri && (w.version === undefined || w.version === p.version)) { waiters.splice(i, 1); w.resolve(p.diagnostics); break; }
    }
  });
  client.onRequest(() => null);
  client.listen();
  const initializeResult = await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions }) as WireClient['initializeResult'];
  await client.sendNotification('initialized', {});
  const nextDiagnostics = (uri: string, version?: number): Promise<Diagnostic[]> =>
    new Promise((resolve) => { waiters.push(version === undefined ? { uri, resolve } : { uri, version, resolve }); });
  return {
    client, notifications, nextDiagnostics, initializeResult,
    async open(uri, text, version = 1) {
      const d = nextDiagnostics(uri, version);
      await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ebpf', version, text } });
      return d;
    },
    close() {
      client.dispose();
      dispose();
    },
  };
}

/** An in-process server; the debounce defaults to 20 ms and the warm-up to off, so tests stay quick and quiet. */
export async function startWire(options: ServerOptions = {}, initializationOptions: unknown = {}): Promise<Wire> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  const ctx = createServer(server, { warmUp: false, ...options, settings: { debounceMs: 20, ...options.settings } });
  server.listen();
  const side = await connectClient(toClient, toServer, initializationOptions, () => {
    server.dispose();
    toServer.destroy();
    toClient.destroy();
  });
  return { ...side, server: ctx };
}

/** The bundled server (`npm run build` writes it), started as `node dist/server.js --stdio`. */
export const SERVER_BUNDLE = path.join(__dirname, '..', '..', '..', 'dist', 'server.js');

/**
 * The bundled server as a child process over stdio, with the shipped settings unless
 * `initializationOptions` says otherwise. `close` ends the process.
 */
export async function startServerProcess(initializationOptions: unknown = {}): Promise<WireClient> {
  if (!fs.existsSync(SERVER_BUNDLE)) throw new Error(`${SERVER_BUNDLE} is missing: run npm run build first`);
  const child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const side = await connectClient(child.stdout, child.stdin, initializationOptions, () => {
    child.stdin.end();
    child.kill();
  });
  if (child.pid !== undefined) side.pid = child.pid;
  return side;
}
