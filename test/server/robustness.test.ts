/**
 * A seeded robustness run over the wire: thousands of random edits (token insertions, deletions,
 * line duplications, binary junk, whole-document replacements with mutated programs) interleaved
 * with requests at random positions. The server must answer every request within a second, never
 * crash, and keep its memory bounded. The seed is printed on failure so a run can be replayed
 * (ROBUSTNESS_SEED=n).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startWire, type Wire } from './wire';
import { FIXTURES, fixtureFiles } from '../lang/fixture';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 0x100000000; };
}

const PIECES = [
  'r0', 'r1', 'r10', 'w3', ' = ', ' += ', '*(u32 *)(r1 + 76)', 'call 1', 'call bpf_map_lookup_elem', 'exit', 'goto ', 'if r1 > 5 goto ',
  'label:', '.section xdp,"ax",@progbits', '.text', '.globl f', '# @map m type=hash key_size=4 value_size=8 max_entries=1', '# @prog xdp',
  'r1 = m ll', '/*', '*/', '"', ';', '\n', '\t', '0x', '-', '99999999999999999999999', 'lock *(u64 *)(r0 + 0) += r1', '\u00e9', '\u0000\u0001', '\r\n',
];

describe('server: robustness under random edits', function () {
  this.timeout(60000);
  let w: Wire;
  before(async () => { w = await startWire({ settings: { debounceMs: 5, verifierBudgetMs: 150 } }); });
  after(() => w.close());

  it('survives thousands of random edits and answers every request within 1 s', async () => {
    const seed = Number(process.env['ROBUSTNESS_SEED'] ?? 20261122);
    const rand = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const exampleDir = path.join(FIXTURES, '..', '..', '..', 'examples');
    const bases = [
      ...fixtureFiles().map((f) => path.join(FIXTURES, f)), ...fixtureFiles('features').map((f) => path.join(FIXTURES, f)),
      ...fs.readdirSync(exampleDir).filter((f) => f.endsWith('.s')).map((f) => path.join(exampleDir, f)),
    ].map((f) => fs.readFileSync(f, 'utf8'));
    const uri = 'file:///tmp/fuzz.s';
    let doc = TextDocument.create(uri, 'ebpf', 1, pick(bases));
    await w.open(uri, doc.getText());
    const heapStart = process.memoryUsage().heapUsed;
    let slowest = 0;
    let requests = 0;
    const EDITS = 3000;
    const t0 = Date.now();
    for (let i = 0; i < EDITS; i++) {
      const text = doc.getText();
      const off = Math.floor(rand() * (text.length + 1));
      const start = doc.positionAt(off);
      const end = doc.positionAt(Math.min(text.length, off + Math.floor(rand() * 12)));
      const r = rand();
      let change: { range?: { start: typeof start; end: typeof end }; text: string };
      if (r < 0.03) change = { text: pick(bases) };
      else if (r < 0.05) change = { text: pick(bases).split('').map((c) => (rand() < 0.05 ? pick(PIECES) : c)).join('') };
      else if (r < 0.5) change = { range: { start, end: start }, text: pick(PIECES) };
      else if (r < 0.8) change = { range: { start, end }, text: '' };
      else if (r < 0.82) change = { range: { start: { line: 10_000, character: 0 }, end: { line: 10_001, character: 5 } }, text: 'exit\n' };
      else change = { range: { start, end }, text: pick(PIECES) + pick(PIECES) };
      if (doc.getText().length > 40_000 && !change.range) change = { text: pick(bases) };
      doc = TextDocument.update(doc, [change], doc.version + 1);
      void w.client.sendNotification('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [change] });
      if (i % 10 !== 0) continue;
      const lines = doc.lineCount;
      const position = { line: Math.floor(rand() * (lines + 2)), character: Math.floor(rand() * 40) };
      const p = { textDocument: { uri }, position };
      const calls: [string, unknown][] = [
        ['textDocument/hover', p], ['textDocument/completion', p], ['textDocument/definition', p],
        ['textDocument/references', { ...p, context: { includeDeclaration: true } }], ['textDocument/signatureHelp', p],
        ['textDocument/semanticTokens/full', { textDocument: { uri } }], ['textDocument/documentSymbol', { textDocument: { uri } }],
        ['textDocument/foldingRange', { textDocument: { uri } }], ['textDocument/formatting', { textDocument: { uri }, options: { tabSize: 8, insertSpaces: false } }],
        ['textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } }],
        ['textDocument/codeLens', { textDocument: { uri } }],
        ['textDocument/codeAction', { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [{ range: { start: position, end: position }, message: "R0 invalid mem access 'map_value_or_null'", code: 'VER', data: { insn: Math.floor(rand() * 20) } }] } }],
        ['ebpf/verifierLog', { uri }], ['ebpf/assemble', { uri }],
      ];
      const [method, params] = pick(calls);
      const s = Date.now();
      await w.client.sendRequest(method, params);
      const took = Date.now() - s;
      requests++;
      slowest = Math.max(slowest, took);
      assert.ok(took < 1000, `seed ${seed}: ${method} took ${took} ms after edit ${i}`);
    }
    // A rename may be refused with an error response; anything else would be a failure.
    await w.client.sendRequest('textDocument/rename', { textDocument: { uri }, position: { line: 0, character: 0 }, newName: 'x' }).catch(() => undefined);
    const final = await w.client.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(Array.isArray(final));
    (globalThis as { gc?: () => void }).gc?.();
    const grown = (process.memoryUsage().heapUsed - heapStart) / 1e6;
    assert.ok(grown < 300, `heap grew by ${grown.toFixed(0)} MB`);
    // A feature that threw was caught and logged by the server: that still is a bug to report.
    const failures = w.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { message: string }).message);
    assert.deepStrictEqual(failures.slice(0, 3), [], `seed ${seed}: ${failures.length} handler failures`);
    console.log(`    ${EDITS} edits, ${requests} requests in ${Date.now() - t0} ms; slowest answer ${slowest} ms; heap +${grown.toFixed(1)} MB (seed ${seed})`);
  });
});
