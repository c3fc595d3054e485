/**
 * When the server analyses an edit, over the wire with the embedded verifier: an edit after a pause
 * is published at once rather than after the debounce; a burst of keystrokes becomes one publication
 * of its last version and none of an older one; typing that goes on longer than the debounce still
 * sees its diagnostics every window; and a document that is quick to analyse gets a publication for
 * each keystroke of unhurried typing. Each version's text is either broken (an assembler error) or
 * clean, by its parity, so a publication whose diagnostics do not match its version would be a
 * stale result.
 *
 * The window after an analysis scales with the analysis's duration (server/src/documents.ts); the
 * first tests slow the verifier down to 40 ms so that their window is a predictable ~170 ms.
 */
import * as assert from 'assert';
import type { PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { verifyProgram } from '../../core/src/verifier';
import type { VerifyFn } from '../../core/src/lang';
import { startWire, type Wire } from './wire';

const sleep = (msecs: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, msecs));

/** The embedded verifier, made to take at least 40 ms, as on a large program. */
const slowVerify: VerifyFn = (prog, maps, opts) => {
  const until = performance.now() + 40;
  while (performance.now() < until) { /* the cost of a large program */ }
  return verifyProgram(prog, maps, opts);
};

/** Odd versions assemble and verify cleanly; even versions lack an operand. */
const textOf = (version: number): string =>
  `\t.section xdp,"ax",@progbits\nprog:\n\tr0 = ${version % 2 ? String(version) : ''}\n\texit\n`;

function publications(w: Wire, uri: string): { version: number; errors: number; at: number }[] {
  return w.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics')
    .map((n) => ({ p: n.params as PublishDiagnosticsParams, at: n.at }))
    .filter(({ p }) => p.uri === uri)
    .map(({ p, at }) => ({ version: p.version!, errors: p.diagnostics.filter((d) => d.severity === 1).length, at }));
}

function change(w: Wire, uri: string, version: number): Promise<void> {
  return w.client.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: textOf(version) }] });
}

/** Every publication shows its own version's text, and versions only go up. */
function assertNoStale(pubs: { version: number; errors: number }[]): void {
  for (let i = 0; i < pubs.length; i++) {
    assert.strictEqual(pubs[i]!.errors > 0, pubs[i]!.version % 2 === 0, `version ${pubs[i]!.version} published the diagnostics of another text`);
    if (i > 0) assert.ok(pubs[i]!.version > pubs[i - 1]!.version, `version ${pubs[i]!.version} published after ${pubs[i - 1]!.version}`);
  }
}

describe('server: when edits are analysed', function () {
  this.timeout(20000);
  const DEBOUNCE = 400;
  let w: Wire;
  before(async () => { w = await startWire({ verify: slowVerify, settings: { debounceMs: DEBOUNCE } }); });
  after(() => w.close());

  it('publishes an edit after a pause at once, without waiting for the debounce', async () => {
    const uri = 'file:///t/isolated.s';
    const t0 = performance.now();
    assert.strictEqual((await w.open(uri, textOf(1))).length, 0);
    assert.ok(performance.now() - t0 < DEBOUNCE / 2, 'didOpen waited for the debounce');
    await sleep(DEBOUNCE + 50);
    const next = w.nextDiagnostics(uri, 2);
    const t1 = performance.now();
    await change(w, uri, 2);
    const diags = await next;
    const took = performance.now() - t1;
    assert.ok(diags.some((d) => d.severity === 1), JSON.stringify(diags));
    assert.ok(took < DEBOUNCE / 2, `an isolated edit waited ${took.toFixed(0)} ms with a ${DEBOUNCE} ms debounce`);
    assertNoStale(publications(w, uri));
  });

  it('gathers a burst into one publication of its last version and publishes nothing older after it', async () => {
    const uri = 'file:///t/burst.s';
    await w.open(uri, textOf(1));
    await sleep(DEBOUNCE + 50);
    const last = 11;
    const done = w.nextDiagnostics(uri, last);
    // The first keystroke after the pause is published at once; the other nine come within the
    // window that its analysis opens (~170 ms), so they share one analysis at the window's end.
    for (let v = 2; v <= last; v++) await change(w, uri, v);
    await done;
    await sleep(DEBOUNCE + 50);
    const pubs = publications(w, uri);
    assertNoStale(pubs);
    assert.deepStrictEqual(pubs.map((p) => p.version), [1, 2, last]);
  });

  it('publishes every window while typing goes on longer than the window', async () => {
    const uri = 'file:///t/typing.s';
    await w.open(uri, textOf(1));
    const sent: { version: number; at: number }[] = [];
    // Keystrokes every 40 ms for three times the debounce: a debounce that waited for typing to
    // stop would publish nothing until the end.
    for (let v = 2; performance.now() - (sent[0]?.at ?? performance.now()) < 3 * DEBOUNCE; v++) {
      sent.push({ version: v, at: performance.now() });
      await change(w, uri, v);
      await sleep(40);
    }
    const lastVersion = sent[sent.length - 1]!.version;
    // Its publication may have come already, so the notifications are watched rather than awaited.
    for (let i = 0; i < 100 && !publications(w, uri).some((p) => p.version === lastVersion); i++) await sleep(20);
    const pubs = publications(w, uri);
    assertNoStale(pubs);
    // The machine may be busy with other work, so the bound has room to spare; it is still well
    // under the three windows that a trailing-only debounce would make the first keystroke wait.
    const slack = DEBOUNCE;
    for (const s of sent) {
      const seen = pubs.find((p) => p.version >= s.version);
      assert.ok(seen, `version ${s.version} was never published`);
      assert.ok(seen.at - s.at <= DEBOUNCE + slack, `version ${s.version} waited ${(seen.at - s.at).toFixed(0)} ms for a publication`);
    }
    assert.ok(pubs.length >= 3, `${pubs.length} publications while typing for ${3 * DEBOUNCE} ms`);
    assert.ok(pubs.length < sent.length / 2, `${pubs.length} publications for ${sent.length} keystrokes: the burst was not gathered`);
  });

  it('publishes each keystroke of unhurried typing when the document is quick to analyse', async () => {
    const quick = await startWire({ settings: { debounceMs: DEBOUNCE } });
    try {
      const uri = 'file:///t/quick.s';
      await quick.open(uri, textOf(1));
      await sleep(200);
      // 150 ms apart: well under the debounce, well over the 50 ms shortest window.
      for (let v = 2; v <= 6; v++) {
        await change(quick, uri, v);
        await sleep(150);
      }
      await sleep(100);
      const pubs = publications(quick, uri);
      assertNoStale(pubs);
      assert.deepStrictEqual(pubs.map((p) => p.version), [1, 2, 3, 4, 5, 6]);
    } finally {
      quick.close();
    }
  });
});
