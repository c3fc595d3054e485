/** The server reads settings in both shapes the client sends: flat initializationOptions and the nested `ebpf` section. */
import * as assert from 'assert';
import { DEFAULT_SETTINGS, readSettings } from '../../server/src/settings';
import { SETTINGS } from '../../client/src/settings';

describe('server: settings', () => {
  it('reads the flat initializationOptions of client/src/ctx.ts', () => {
    const s = readSettings({ defaultProgramType: 'xdp', verifierEnabled: false, unprivileged: true, maxInstructions: 5000, inlayHints: false });
    assert.deepStrictEqual(s, { ...DEFAULT_SETTINGS, defaultProgramType: 'xdp', verifierEnabled: false, unprivileged: true, maxInstructions: 5000, inlayHints: false });
  });

  it('reads the nested section of workspace/didChangeConfiguration and keeps what is missing', () => {
    const base = { ...DEFAULT_SETTINGS, defaultProgramType: 'xdp' };
    const s = readSettings({ ebpf: { verifier: { enabled: false, maxInstructions: 2000 }, inlayHints: { enabled: false } } }, base);
    assert.deepStrictEqual(s, { ...base, verifierEnabled: false, maxInstructions: 2000, inlayHints: false });
  });

  it('reads the debounce in both shapes and keeps it within 0..2000 ms', () => {
    assert.strictEqual(readSettings({ debounceMs: 40 }).debounceMs, 40);
    assert.strictEqual(readSettings({ ebpf: { diagnostics: { debounceMs: 300 } } }).debounceMs, 300);
    assert.strictEqual(readSettings({ debounceMs: -5 }).debounceMs, 0);
    assert.strictEqual(readSettings({ debounceMs: 1e9 }).debounceMs, 2000);
  });

  it('ignores junk and wrong types', () => {
    assert.deepStrictEqual(readSettings(null), DEFAULT_SETTINGS);
    assert.deepStrictEqual(readSettings({ ebpf: { verifier: { enabled: 'yes' }, maxInstructions: -5 } }), { ...DEFAULT_SETTINGS, maxInstructions: 1 });
  });

  it('has a default for every setting the extension declares that the server uses', () => {
    const keys = SETTINGS.map((s) => s.key);
    for (const k of ['ebpf.defaultProgramType', 'ebpf.verifier.enabled', 'ebpf.verifier.unprivileged', 'ebpf.verifier.maxInstructions', 'ebpf.inlayHints.enabled', 'ebpf.diagnostics.debounceMs']) {
      assert.ok(keys.includes(k as (typeof keys)[number]), k);
    }
    assert.strictEqual(DEFAULT_SETTINGS.maxInstructions, SETTINGS.find((s) => s.key === 'ebpf.verifier.maxInstructions')!.default);
    assert.strictEqual(DEFAULT_SETTINGS.debounceMs, SETTINGS.find((s) => s.key === 'ebpf.diagnostics.debounceMs')!.default);
  });
});
