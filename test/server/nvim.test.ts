/**
 * Neovim as a second, real LSP client: it starts `node dist/ebpf.js lsp --stdio` (the bundled CLI
 * loading the bundled server), and must see the same diagnostic and hover as the wire tests, then see
 * the diagnostic go away after an edit. Skips when nvim or the bundle is missing.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { hasTool } from '../helpers/tools';

const root = path.join(__dirname, '..', '..', '..');

describe('server: Neovim as a real client', function () {
  this.timeout(30000);
  before(function () {
    if (!hasTool('nvim')) { (this.test!.parent as any).skipReason = 'nvim is not installed (apt-get install neovim)'; this.skip(); }
    if (!fs.existsSync(path.join(root, 'dist', 'server.js')) || !fs.existsSync(path.join(root, 'dist', 'ebpf.js'))) {
      (this.test!.parent as any).skipReason = 'the bundles are missing (node scripts/build.js)'; this.skip();
    }
  });

  const smoke = (fixture: string, env: Record<string, string>) => spawnSync('nvim', ['--headless', '--clean', '-c', `luafile ${path.join(root, 'test', 'clients', 'nvim-lsp-smoke.lua')}`, fixture], {
    cwd: root, env: { ...process.env, SERVER: `node ${path.join(root, 'dist', 'ebpf.js')} lsp --stdio`, ...env }, encoding: 'utf8', timeout: 25000,
  });

  it('gets the verifier diagnostic and the register hover, and a fix clears it', () => {
    const r = smoke(path.join(root, 'test', 'fixtures', 'lang', 'real', 'null.s'), { HOVER_LINE: '11', HOVER_COL: '16', FIX_LINE: '12', FIX_TEXT: '\tr0 = 2' });
    assert.strictEqual(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^DIAG 12:2-23 severity=1 R0 invalid mem access 'map_value_or_null'/m);
    assert.match(r.stdout, /^HOVER .*`R0=map_value_or_null\(id=\d+,map=m,ks=4,vs=8\)`/m);
    assert.match(r.stdout, /^CLEARED$/m);
  });

  it('gets the assembler diagnostic and the instruction hover over `ebpf lsp --stdio`, and the fix clears it', () => {
    const fixture = path.join(root, 'test', 'fixtures', 'lang', 'asm-errors.s');
    const r = spawnSync('nvim', ['--headless', '--clean', '-c', `luafile ${path.join(root, 'test', 'clients', 'nvim-lsp-smoke.lua')}`, fixture], {
      cwd: root,
      env: { ...process.env, SERVER: `node ${path.join(root, 'dist', 'ebpf.js')} lsp --stdio`, HOVER_LINE: '4', HOVER_COL: '1', FIX_LINE: '5', FIX_TEXT: '\tif r0 > 5 goto +0' },
      encoding: 'utf8', timeout: 25000,
    });
    const outText = `${r.stdout}\n${r.stderr}`;
    assert.strictEqual(r.status, 0, outText);
    assert.match(r.stdout, /^DIAG 5:17-24 severity=1 undefined label 'nowhere'$/m);
    assert.match(r.stdout, /^HOVER .*if dst > src \(unsigned\), comparing 64 bits/m);
    assert.match(r.stdout, /^CLEARED$/m);
    assert.match(r.stdout, /^OK$/m);
  });
});
