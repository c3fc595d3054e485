/**
 * The start-up warm-up: its programs are what it means them to be (one accepted, one rejected with a
 * path), it finishes within its budget, it waits while the server is busy, and a server that is
 * warming up still answers and publishes correctly. Also: the workspace lets go of the analysis of
 * a superseded version at the edit.
 */
import * as assert from 'assert';
import { analyze } from '../../core/src/lang';
import { verifyProgram } from '../../core/src/verifier';
import { startWarmUp, warmUpProgram } from '../../server/src/warmup';
import { Workspace } from '../../server/src/documents';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { startWire } from './wire';

describe('server: start-up warm-up', function () {
  this.timeout(10000);

  it('warms up on one program the verifier accepts and one it rejects with a path', () => {
    const ok = analyze(warmUpProgram(24, false), {}, verifyProgram);
    assert.deepStrictEqual(ok.diagnostics, []);
    assert.strictEqual(ok.programs[0]!.result!.accepted, true);
    const bad = analyze(warmUpProgram(8, true), {}, verifyProgram);
    const d = bad.diagnostics.find((x) => x.code.startsWith('VER'));
    assert.ok(d && d.related && d.related.length > 0, JSON.stringify(bad.diagnostics));
  });

  it('finishes on its own and can be cancelled', async () => {
    const logs: string[] = [];
    const t0 = Date.now();
    await startWarmUp(verifyProgram, (m) => logs.push(m)).done;
    assert.ok(Date.now() - t0 < 5000);
    assert.strictEqual(logs.length, 0, logs.join("\n"));
    const w = startWarmUp(verifyProgram, (m) => logs.push(m));
    w.cancel();
    await w.done;
  });

  it('runs only while the server is idle', async () => {
    let verified = 0;
    let busy = true;
    const counting: typeof verifyProgram = (prog, maps, opts) => { verified++; return verifyProgram(prog, maps, opts); };
    let finished = false;
    const w = startWarmUp(counting, () => undefined, () => (busy ? 0 : Infinity));
    void w.done.then(() => { finished = true; });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.strictEqual(verified, 0, 'the warm-up analysed while the server was busy');
    assert.strictEqual(finished, false);
    busy = false;
    await w.done;
    assert.ok(verified > 0);
  });

  it('serves a document while it warms up', async () => {
    const w = await startWire({ warmUp: true, settings: { debounceMs: 0 } });
    try {
      const diags = await w.open('file:///w/a.s', '\t.section\txdp,"ax",@progbits\nprog:\n\tr0 = *(u64 *)(r1 + 0)\n\texit\n');
      assert.ok(diags.some((d) => String(d.code).startsWith('VER')), JSON.stringify(diags));
      await w.server.warmedUp();
    } finally {
      w.close();
    }
  });
});

describe('server: workspace versions', () => {
  it('drops the analysis of the previous text at the edit and analyses the new one on request', () => {
    const analysed: number[] = [];
    const ws = new Workspace({ settings: () => ({ ...DEFAULT_SETTINGS, debounceMs: 10_000 }), verify: verifyProgram, analysed: (doc) => analysed.push(doc.version), log: () => undefined });
    ws.open('file:///w/b.s', 'ebpf', 1, '\tr0 = 0\n\texit\n');
    const a1 = ws.analysis('file:///w/b.s')!;
    assert.strictEqual(a1.programs.length, 1);
    ws.change('file:///w/b.s', 2, [{ text: '\tr0 = 0\n\texit\n\tfoo\n' }]);
    const a2 = ws.analysis('file:///w/b.s')!;
    assert.notStrictEqual(a2, a1);
    assert.ok(a2.diagnostics.some((d) => d.severity === 'error'));
    assert.deepStrictEqual(analysed, [1, 2]);
    ws.close('file:///w/b.s');
  });
});
