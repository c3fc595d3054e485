/**
 * Extension-host tests: they run inside code-server's (Node) extension host next to the extension
 * under development, with the real `vscode` API, so they see what the extension really registers:
 * the language id given to `.s` files, diagnostics that came through vscode-languageclient from the
 * language server, hover through the provider chain, a debug session through the inline adapter
 * (watched with a tracker), and the `ebpf.files.claimDotS` switch. The workspace is the copy of
 * examples/ plus test/e2e/workspace that test/e2e/exthost.test.ts opens.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

// This file runs as out/test/e2e/exthost/suite.js.
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const EXTENSION_ID = 'ebpf-tools.ebpf-assembly';

function skipWith(ctx: Mocha.Context, reason: string): never {
  // The outer test reads this line from the forwarded console to report the reason.
  console.log(`  pending reason: ${ctx.test?.title}: ${reason}`);
  ctx.skip();
}

function bundle(name: string): string | undefined {
  const file = path.join(ROOT, 'dist', `${name}.js`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

/** Polls `probe` until it returns something truthy, or fails after `ms`. */
async function waitFor<T>(what: string, probe: () => T | undefined | false | null | 0 | '', ms = 20000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function folder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'code-server opened no workspace folder');
  return f;
}

function fileUri(name: string): vscode.Uri {
  return vscode.Uri.joinPath(folder().uri, name);
}

/** The open document for `uri` as VS Code currently has it (its language may change after opening). */
function current(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

async function openAsEbpf(name: string): Promise<vscode.TextDocument> {
  const uri = fileUri(name);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  return waitFor(`${name} to become an ebpf document`, () => {
    const d = current(uri);
    return d?.languageId === 'ebpf' && d;
  });
}

function lineOf(doc: vscode.TextDocument, text: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(text)) return i;
  throw new Error(`no line with ${JSON.stringify(text)} in ${doc.fileName}`);
}

describe('eBPF extension inside the extension host', function () {
  before(async function () {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    await ext.activate();
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens examples/*.s with the ebpf language id', async function () {
    const doc = await openAsEbpf('xdp_counter.s');
    assert.strictEqual(doc.languageId, 'ebpf');
  });

  it('gets assembler diagnostics from the language server', async function () {
    if (bundle('server') === undefined) skipWith(this, 'language server not built yet');
    const doc = await openAsEbpf('asm_error.s');
    const diags = await waitFor('diagnostics on asm_error.s', () => {
      const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.severity === vscode.DiagnosticSeverity.Error);
      return d.length > 0 && d;
    });
    assert.strictEqual(diags[0].range.start.line, lineOf(doc, 'frobnicate'));
    console.log(`    diagnostic: ${diags[0].range.start.line + 1}: ${diags[0].message}`);
  });

  it('gets the verifier diagnostic on the NULL dereference line', async function () {
    const server = bundle('server');
    if (server === undefined) skipWith(this, 'language server not built yet');
    // The verifier's own messages (like `R0 !read_ok`) are in the bundle once it is wired in.
    if (!server.includes('!read_ok')) skipWith(this, 'embedded verifier not wired into the language server yet (server/src/verifier.ts)');
    const doc = await openAsEbpf('null_deref.s');
    const diag = await waitFor('the verifier diagnostic on null_deref.s', () =>
      vscode.languages.getDiagnostics(doc.uri).find((d) => /R0 invalid mem access 'map_value_or_null'/.test(d.message)));
    assert.strictEqual(diag.range.start.line, lineOf(doc, 'r0 = *(u64 *)(r0 + 0)'));
    assert.strictEqual(diag.severity, vscode.DiagnosticSeverity.Error);
  });

  it('hovers the helper id of `call 1` with bpf_map_lookup_elem', async function () {
    if (bundle('server') === undefined) skipWith(this, 'language server not built yet');
    const doc = await openAsEbpf('xdp_counter.s');
    const line = lineOf(doc, 'call 1');
    const pos = new vscode.Position(line, doc.lineAt(line).text.indexOf('call 1') + 5);
    // The server may still be starting: ask again until a hover names the helper.
    let text = '';
    const deadline = Date.now() + 20000;
    while (!/bpf_map_lookup_elem/.test(text) && Date.now() < deadline) {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
      text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      if (!/bpf_map_lookup_elem/.test(text)) await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(text, /bpf_map_lookup_elem/);
  });

  it('stops at a breakpoint through the inline debug adapter and shows the registers', async function () {
    if (bundle('debugAdapter') === undefined) skipWith(this, 'debug adapter not built yet');
    const doc = await openAsEbpf('xdp_counter.s');
    const line = lineOf(doc, 'r0 = 2');
    const bp = new vscode.SourceBreakpoint(new vscode.Location(doc.uri, new vscode.Position(line, 0)));
    vscode.debug.addBreakpoints([bp]);
    const trackers: vscode.Disposable[] = [];
    try {
      const stopped = new Promise<{ reason: string }>((resolve) => {
        trackers.push(vscode.debug.registerDebugAdapterTrackerFactory('ebpf', {
          createDebugAdapterTracker: () => ({
            onDidSendMessage: (m: { type: string; event?: string; body?: { reason: string } }) => {
              if (m.type === 'event' && m.event === 'stopped' && m.body) resolve(m.body);
            },
          }),
        }));
      });
      const ended = new Promise<void>((resolve) => {
        trackers.push(vscode.debug.onDidTerminateDebugSession(() => resolve()));
      });
      const started = await vscode.debug.startDebugging(folder(), {
        type: 'ebpf', request: 'launch', name: 'exthost', program: doc.uri.fsPath,
        data: 'ffffffffffff02000000000108004500001c0001000040110000c0a80001c0a80002',
      });
      assert.ok(started, 'startDebugging returned false');
      assert.strictEqual((await stopped).reason, 'breakpoint');
      const session = vscode.debug.activeDebugSession!;
      const st = await session.customRequest('stackTrace', { threadId: 1 });
      assert.strictEqual(st.stackFrames[0].line, line + 1);
      const { scopes } = await session.customRequest('scopes', { frameId: st.stackFrames[0].id });
      const regs = scopes.find((s: { name: string }) => s.name === 'Registers');
      assert.ok(regs, `no Registers scope in ${JSON.stringify(scopes.map((s: { name: string }) => s.name))}`);
      const { variables } = await session.customRequest('variables', { variablesReference: regs.variablesReference });
      const names = variables.map((v: { name: string }) => v.name);
      assert.ok(names.includes('r0') && names.includes('r10'), `registers: ${names.join(', ')}`);
      await session.customRequest('continue', { threadId: 1 });
      await ended;
    } finally {
      trackers.forEach((t) => t.dispose());
      vscode.debug.removeBreakpoints([bp]);
    }
  });

  it('leaves .s files alone when ebpf.files.claimDotS is off', async function () {
    const config = vscode.workspace.getConfiguration('ebpf', folder().uri);
    await config.update('files.claimDotS', false, vscode.ConfigurationTarget.Workspace);
    try {
      // socket_filter.s has not been opened by any earlier test, so this is its first open.
      const uri = fileUri('socket_filter.s');
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      // The adoption would happen right after the open; give it time to (wrongly) happen.
      await new Promise((r) => setTimeout(r, 1500));
      assert.notStrictEqual(current(uri)?.languageId, 'ebpf');
    } finally {
      await config.update('files.claimDotS', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
