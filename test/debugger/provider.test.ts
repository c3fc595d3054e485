/**
 * The VS Code glue without VS Code: a stand-in `vscode` module records what client/src/debug.ts
 * registers, so the tests can check that F5 on an open .s file (no launch.json) fills in a launch
 * configuration, and that the inline factory hands VS Code a working in-process adapter.
 */
import * as assert from 'assert';
import * as path from 'path';
import Module = require('module');
import { fixture } from './harness';

interface Registered { factory?: { createDebugAdapterDescriptor(s: unknown): unknown }; provider?: { resolveDebugConfiguration(f: unknown, c: Record<string, unknown>): unknown } }

const registered: Registered = {};
interface FakeEditor { document: { languageId: string; fileName: string; uri: { fsPath: string } } }
let active: FakeEditor | undefined;
const shown: string[] = [];

class InlineImpl { constructor(readonly implementation: unknown) {} }

const fakeVscode = {
  window: {
    get activeTextEditor() { return active; },
    showInformationMessage: (m: string) => { shown.push(m); return Promise.resolve(undefined); },
  },
  debug: {
    registerDebugAdapterDescriptorFactory: (type: string, f: Registered['factory']) => { assert.strictEqual(type, 'ebpf'); registered.factory = f; return { dispose() {} }; },
    registerDebugConfigurationProvider: (type: string, p: Registered['provider']) => { assert.strictEqual(type, 'ebpf'); registered.provider = p; return { dispose() {} }; },
  },
  DebugAdapterInlineImplementation: InlineImpl,
};

describe('VS Code registration (client/src/debug.ts)', () => {
  const load = (Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown })._load;
  before(() => {
    (Module as unknown as { _load: typeof load })._load = function (req: string, ...rest: unknown[]) {
      return req === 'vscode' ? fakeVscode : load.call(this, req, ...rest);
    };
    const debug = require(path.join(__dirname, '..', '..', 'client', 'src', 'debug.js')) as { registerDebugger(c: unknown): unknown[] };
    assert.strictEqual(debug.registerDebugger({}).length, 2);
  });
  after(() => { (Module as unknown as { _load: typeof load })._load = load; });

  it('fills an empty configuration (F5 without launch.json) from the active .s editor', async () => {
    const file = fixture('xdp_basic.s');
    active = { document: { languageId: 'ebpf', fileName: file, uri: { fsPath: file } } };
    const c = await registered.provider!.resolveDebugConfiguration(undefined, {}) as Record<string, unknown>;
    assert.deepStrictEqual(c, { type: 'ebpf', name: 'Debug eBPF program', request: 'launch', stopOnEntry: true, program: file });
    const kept = await registered.provider!.resolveDebugConfiguration(undefined, { type: 'ebpf', request: 'launch', name: 'x', program: '/a.s' }) as Record<string, unknown>;
    assert.strictEqual(kept['program'], '/a.s');
  });

  it('declines when no eBPF file is open and nothing names a program', async () => {
    active = { document: { languageId: 'plaintext', fileName: '/x/readme.txt', uri: { fsPath: '/x/readme.txt' } } };
    const c = await registered.provider!.resolveDebugConfiguration(undefined, { type: 'ebpf', request: 'launch', name: 'x' });
    assert.strictEqual(c, undefined);
    assert.match(shown.at(-1) ?? '', /Open an eBPF assembly file/);
  });

  it('gives VS Code an inline adapter that speaks DAP', async () => {
    const d = registered.factory!.createDebugAdapterDescriptor({}) as InlineImpl;
    assert.ok(d instanceof InlineImpl);
    const adapter = d.implementation as { handleMessage(m: unknown): void; onDidSendMessage(f: (m: { type: string; command?: string; body?: Record<string, unknown> }) => void): unknown };
    const reply = new Promise<{ body?: Record<string, unknown> }>((resolve) => adapter.onDidSendMessage((m) => { if (m.type === 'response' && m.command === 'initialize') resolve(m); }));
    adapter.handleMessage({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'ebpf', pathFormat: 'path' } });
    const r = await reply;
    assert.strictEqual(r.body?.['supportsStepBack'], true);
  });
});
