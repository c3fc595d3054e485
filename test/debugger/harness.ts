/**
 * Test harness of the debug adapter: runs the adapter in-process on a TCP port of 127.0.0.1 and
 * connects a `DebugClient` to it, collects the output events, and finds fixture lines by their
 * `// mark:NAME` comments so tests do not hard-code line numbers.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EbpfDebugSession } from '../../debugger/src/session';

export const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'debugger');
export const fixture = (name: string): string => path.join(FIXTURES, name);

/** 1-based line of the `// mark:NAME` comment in a fixture. */
export function lineOf(file: string, mark: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => new RegExp(`//\\s*mark:${mark}\\b`).test(l));
  if (i < 0) throw new Error(`no mark:${mark} in ${file}`);
  return i + 1;
}

export interface Harness {
  dc: DebugClient;
  /** Everything the adapter printed, by category. */
  output: { category: string; text: string }[];
  text(category?: string): string;
  stop(): Promise<void>;
}

/** Starts an in-process adapter server and a connected client. */
export async function connect(): Promise<Harness> {
  const server = net.createServer((socket) => {
    const session = new EbpfDebugSession();
    session.setRunAsServer(true);
    session.start(socket, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const dc = new DebugClient('node', 'unused', 'ebpf');
  dc.defaultTimeout = 5000;
  await dc.start(port);
  const output: Harness['output'] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => output.push({ category: e.body.category ?? 'console', text: e.body.output }));
  return {
    dc, output,
    text: (category) => output.filter((o) => category === undefined || o.category === category).map((o) => o.text).join(''),
    stop: async () => {
      await dc.stop().catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves with the event, or rejects after `ms` (the client's own timeouts are off in server mode). */
export function waitFor<T extends DebugProtocol.Event>(dc: DebugClient, event: string, ms = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' event within ${ms} ms`)), ms);
    dc.once(event, (e: T) => { clearTimeout(timer); resolve(e); });
  });
}

/**
 * Launches with the given arguments and line breakpoints, through the usual sequence (initialize,
 * launch, initialized, setBreakpoints, configurationDone), and resolves with the first stop.
 */
export async function launchAndStop(
  h: Harness, args: Record<string, unknown>, breakpoints: DebugProtocol.SourceBreakpoint[] = [], extra?: (dc: DebugClient) => Promise<void>,
): Promise<DebugProtocol.StoppedEvent> {
  const { dc } = h;
  const stopped = waitFor<DebugProtocol.StoppedEvent>(dc, 'stopped');
  const initialized = waitFor(dc, 'initialized');
  await dc.initializeRequest({ adapterID: 'ebpf', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const launched = dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
  await initialized;
  if (breakpoints.length > 0) await dc.setBreakpointsRequest({ source: { path: String(args['program']) }, breakpoints });
  if (extra) await extra(dc);
  await dc.configurationDoneRequest();
  await launched;
  return stopped;
}

/** The innermost frame. */
export async function topFrame(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  const st = await dc.stackTraceRequest({ threadId: 1 });
  return st.body.stackFrames[0]!;
}

/** Variables of the named scope of frame `frameId`, by name. */
export async function scopeVars(dc: DebugClient, scope: string, frameId = 0): Promise<Map<string, DebugProtocol.Variable>> {
  const scopes = await dc.scopesRequest({ frameId });
  const s = scopes.body.scopes.find((x) => x.name.startsWith(scope));
  if (s === undefined) throw new Error(`no scope ${scope}: ${scopes.body.scopes.map((x) => x.name).join(', ')}`);
  const vars = await dc.variablesRequest({ variablesReference: s.variablesReference });
  return new Map(vars.body.variables.map((v) => [v.name, v]));
}

/** Register value text. */
export async function reg(dc: DebugClient, r: number, frameId = 0): Promise<string> {
  return (await scopeVars(dc, 'Registers', frameId)).get(`r${r}`)!.value;
}

/** Sends a request and the next stop it causes. */
export async function step(dc: DebugClient, send: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = waitFor<DebugProtocol.StoppedEvent>(dc, 'stopped');
  await send();
  return stopped;
}
