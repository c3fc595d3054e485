/**
 * Wire tests: the language server over in-memory streams, driven by a JSON-RPC client with real
 * protocol messages for every feature and the custom requests of protocol.ts.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { startWire, type Wire } from './wire';
import { fakeVerify } from '../lang/fakeVerifier';
import { loadFixture } from '../lang/fixture';
import { TOKEN_TYPES } from '../../core/src/lang';

const uri = 'file:///tmp/hover.s';
const nullUri = 'file:///tmp/null.s';
const hoverText = loadFixture('features/hover.s').text;
const nullText = loadFixture('verify-null.s').text;
const pos = (line: number, character: number) => ({ textDocument: { uri }, position: { line, character } });

describe('server: wire protocol', function () {
  let w: Wire;
  let nullDiags: Diagnostic[];
  before(async () => {
    w = await startWire({ verify: fakeVerify }, { inlayHints: true });
    await w.open(uri, hoverText);
    nullDiags = await w.open(nullUri, nullText);
  });
  after(() => w.close());

  it('announces its features in initialize', () => {
    const c = w.initializeResult.capabilities;
    for (const k of ['hoverProvider', 'completionProvider', 'signatureHelpProvider', 'definitionProvider', 'referencesProvider', 'renameProvider',
      'documentSymbolProvider', 'foldingRangeProvider', 'semanticTokensProvider', 'documentFormattingProvider', 'codeLensProvider',
      'codeActionProvider', 'inlayHintProvider']) assert.ok(c[k], k);
    assert.deepStrictEqual(c['textDocumentSync'], { openClose: true, change: 2 });
    assert.strictEqual(w.initializeResult.serverInfo?.name, 'ebpf-language-server');
  });

  it('publishes the verifier error at the blamed line with its code and source', () => {
    const d = nullDiags.find((x) => x.code === 'VER999')!;
    assert.deepStrictEqual(d.range, { start: { line: 11, character: 1 }, end: { line: 11, character: 22 } });
    assert.strictEqual(d.severity, 1);
    assert.strictEqual(d.source, 'ebpf verifier');
    assert.match(String(d.message), /^R0 invalid mem access 'map_value_or_null'/);
  });

  it('publishes assembler errors and clears them after an edit, with the status notification', async () => {
    const u = 'file:///tmp/bad.s';
    const d1 = await w.open(u, '\t.section xdp,"ax",@progbits\np:\n\tr0 = \n\texit\n');
    assert.ok(d1.some((d) => d.severity === 1 && String(d.code).startsWith('ASM')), JSON.stringify(d1));
    const next = w.nextDiagnostics(u, 2);
    await w.client.sendNotification('textDocument/didChange', {
      textDocument: { uri: u, version: 2 },
      contentChanges: [{ range: { start: { line: 2, character: 6 }, end: { line: 2, character: 6 } }, text: '0' }],
    });
    assert.deepStrictEqual(await next, []);
    const status = w.notifications.filter((n) => n.method === 'ebpf/status').map((n) => n.params as { uri: string; assembled: boolean; programs: { accepted?: boolean }[] })
      .filter((p) => p.uri === u);
    assert.deepStrictEqual(status.map((s) => s.assembled), [false, true]);
    assert.strictEqual(status[1]!.programs[0]!.accepted, true);
  });

  it('debounces a burst of edits into one analysis of the last version', async () => {
    const u = 'file:///tmp/burst.s';
    await w.open(u, '\t.section xdp,"ax",@progbits\np:\n\tr0 = 0\n\texit\n');
    const before = w.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics').length;
    const last = w.nextDiagnostics(u, 11);
    for (let v = 2; v <= 11; v++) {
      await w.client.sendNotification('textDocument/didChange', { textDocument: { uri: u, version: v }, contentChanges: [{ text: `\t.section xdp,"ax",@progbits\np:\n\tr0 = ${v}\n\texit\n` }] });
    }
    await last;
    const published = w.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics').length - before;
    assert.ok(published <= 3, `${published} publications for 10 edits`);
  });

  it('answers hover with markdown', async () => {
    const h = await w.client.sendRequest('textDocument/hover', pos(16, 6)) as { contents: { kind: string; value: string }; range: unknown };
    assert.strictEqual(h.contents.kind, 'markdown');
    assert.match(h.contents.value, /bpf_map_lookup_elem/);
    assert.deepStrictEqual(h.range, { start: { line: 16, character: 6 }, end: { line: 16, character: 7 } });
  });

  it('answers completion with snippets and text edits', async () => {
    const r = await w.client.sendRequest('textDocument/completion', pos(16, 6)) as { items: { label: string; textEdit: { newText: string } }[] };
    assert.ok(r.items.some((i) => i.label === 'bpf_map_lookup_elem'));
    const s = await w.client.sendRequest('textDocument/signatureHelp', pos(16, 7)) as { signatures: { label: string }[] };
    assert.match(s.signatures[0]!.label, /bpf_map_lookup_elem/);
  });

  it('answers definition, references and rename', async () => {
    const d = await w.client.sendRequest('textDocument/definition', pos(18, 17)) as { range: { start: { line: number } } };
    assert.strictEqual(d.range.start.line, 25);
    const refs = await w.client.sendRequest('textDocument/references', { ...pos(18, 17), context: { includeDeclaration: true } }) as unknown[];
    assert.strictEqual(refs.length, 2);
    const edit = await w.client.sendRequest('textDocument/rename', { ...pos(18, 17), newName: 'finish' }) as { changes: Record<string, { newText: string }[]> };
    assert.deepStrictEqual(edit.changes[uri]!.map((e) => e.newText), ['finish', 'finish']);
    await assert.rejects(w.client.sendRequest('textDocument/rename', { ...pos(18, 17), newName: 'prog' }), /already defined/);
  });

  it('answers inlay hints and turns them off through didChangeConfiguration', async () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } };
    const h = await w.client.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range }) as { label: string; position: { line: number } }[];
    assert.ok(h.some((x) => x.label === '; R1_w=0' && x.position.line === 7), JSON.stringify(h));
    await w.client.sendNotification('workspace/didChangeConfiguration', { settings: { ebpf: { inlayHints: { enabled: false } } } });
    assert.deepStrictEqual(await w.client.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range }), []);
    await w.client.sendNotification('workspace/didChangeConfiguration', { settings: { ebpf: { inlayHints: { enabled: true } } } });
  });

  it('answers code lenses, semantic tokens, folding, symbols and formatting', async () => {
    const lenses = await w.client.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as { command: { command: string; arguments: unknown[] } }[];
    assert.deepStrictEqual(lenses.map((l) => l.command.command), ['ebpf.showVerifierLog', 'ebpf.runProgram', 'ebpf.debugProgram']);
    assert.deepStrictEqual(lenses[2]!.command.arguments, [uri, 'xdp']);
    const t = await w.client.sendRequest('textDocument/semanticTokens/full', { textDocument: { uri } }) as { data: number[] };
    assert.strictEqual(t.data.length % 5, 0);
    assert.ok(t.data.length > 50);
    assert.strictEqual(t.data[3], TOKEN_TYPES.indexOf('comment'));
    const folds = await w.client.sendRequest('textDocument/foldingRange', { textDocument: { uri } }) as unknown[];
    assert.ok(folds.length >= 2);
    const edits = await w.client.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 8, insertSpaces: false } }) as { newText: string }[];
    assert.deepStrictEqual(edits.map((e) => e.newText), ['done:']);
  });

  it('offers a quick fix for the verifier error', async () => {
    const d = nullDiags.find((x) => x.code === 'VER999')!;
    const actions = await w.client.sendRequest('textDocument/codeAction', { textDocument: { uri: nullUri }, range: d.range, context: { diagnostics: [d] } }) as { title: string; kind: string; edit: { changes: Record<string, { newText: string }[]> } }[];
    assert.strictEqual(actions[0]!.kind, 'quickfix');
    assert.strictEqual(actions[0]!.edit.changes[nullUri]![0]!.newText, '\tif r0 == 0 goto .Lnull_12\n');
  });

  it('answers the custom requests: verifier log, assemble, disassemble', async () => {
    const log = await w.client.sendRequest('ebpf/verifierLog', { uri: nullUri }) as { text: string };
    assert.match(log.text, /R0 invalid mem access/);
    const asm = await w.client.sendRequest('ebpf/assemble', { uri }) as { ok: boolean; objectBase64: string; errors: string[] };
    assert.ok(asm.ok, asm.errors.join('\n'));
    const bytes = Buffer.from(asm.objectBase64, 'base64');
    assert.strictEqual(bytes.subarray(0, 4).toString('latin1'), '\x7fELF');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-lsp-')), 'o.o');
    fs.writeFileSync(file, bytes);
    const dis = await w.client.sendRequest('ebpf/disassemble', { path: file }) as { text: string };
    assert.match(dis.text, /call 0x1|call 1/);
    const missing = await w.client.sendRequest('ebpf/disassemble', { path: '/nonexistent.o' }) as { text: string };
    assert.match(missing.text, /cannot read/);
    const bad = await w.client.sendRequest('ebpf/assemble', { uri: 'file:///not-open.s' }) as { ok: boolean };
    assert.strictEqual(bad.ok, false);
  });

  it('answers requests about unknown documents and odd positions with empty results', async () => {
    const other = { textDocument: { uri: 'file:///nope.s' }, position: { line: 0, character: 0 } };
    assert.strictEqual(await w.client.sendRequest('textDocument/hover', other), null);
    assert.strictEqual(await w.client.sendRequest('textDocument/hover', pos(9999, 9999)), null);
    assert.deepStrictEqual(await w.client.sendRequest('textDocument/documentSymbol', { textDocument: { uri: 'file:///nope.s' } }), []);
  });
});

describe('server: wire protocol with the embedded verifier', () => {
  let w: Wire;
  before(async () => { w = await startWire(); });
  after(() => w.close());

  it('publishes the kernel-worded rejection, offers the fix and shows the log', async () => {
    const u = 'file:///tmp/real-null.s';
    const diags = await w.open(u, loadFixture('real/null.s').text);
    assert.deepStrictEqual(diags.map((d) => [d.range.start.line, String(d.message).split('\n')[0]]), [[11, "R0 invalid mem access 'map_value_or_null'"]]);
    const actions = await w.client.sendRequest('textDocument/codeAction', { textDocument: { uri: u }, range: diags[0]!.range, context: { diagnostics: diags } }) as { title: string }[];
    assert.strictEqual(actions[0]!.title, 'Add a NULL check of r0 before this access');
    const log = await w.client.sendRequest('ebpf/verifierLog', { uri: u }) as { text: string };
    assert.match(log.text, /R0 invalid mem access 'map_value_or_null'/);
    assert.match(log.text, /; rejected at insn 7/);
    const hover = await w.client.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line: 11, character: 16 } }) as { contents: { value: string } };
    assert.match(hover.contents.value, /R0=map_value_or_null/);
  });

  it('lists the branch decisions on the failing path as related information', async () => {
    const u = 'file:///tmp/real-path.s';
    const [d] = await w.open(u, loadFixture('real/path.s').text);
    assert.deepStrictEqual(d!.relatedInformation!.map((r) => [r.location.uri, r.location.range.start.line, r.message]),
      [[u, 8, 'branch not taken: if r4 > r3 goto out'], [u, 11, 'branch taken: if r0 == 5 goto bad']]);
  });
});
