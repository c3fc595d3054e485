/**
 * A real DAP client other than VS Code: Emacs dap-mode, headless, drives the bundled adapter through
 * launch, a breakpoint, stopped, variables, continue and terminated (test/clients/dap-mode-smoke.el).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { hasTool } from '../helpers/tools';
import { fixture, lineOf } from './harness';

const ROOT = path.join(__dirname, '..', '..', '..');

function hasDapMode(): boolean {
  const r = spawnSync('emacs', ['--batch', '--eval', '(progn (require (quote package)) (package-initialize) (kill-emacs (if (locate-library "dap-mode") 0 1)))'], { stdio: 'ignore', timeout: 20000 });
  return r.status === 0;
}

describe('Emacs dap-mode as a DAP client', () => {
  before(function () {
    if (!hasTool('emacs')) { (this.test!.parent as any).skipReason = 'emacs is not installed (apt-get install emacs-nox elpa-dap-mode)'; this.skip(); }
    if (!hasDapMode()) { (this.test!.parent as any).skipReason = 'dap-mode is not installed (apt-get install elpa-dap-mode)'; this.skip(); }
    if (!fs.existsSync(path.join(ROOT, 'dist', 'debugAdapter.js'))) { (this.test!.parent as any).skipReason = 'dist/ is not built (run node scripts/build.js)'; this.skip(); }
  });

  it('launches, stops at a breakpoint, lists variables, continues and terminates', function () {
    this.timeout(60000);
    const prog = fixture('xdp_basic.s');
    const line = lineOf(prog, 'aftercall');
    const r = spawnSync('emacs', ['--batch', '-l', path.join(ROOT, 'test', 'clients', 'dap-mode-smoke.el')], {
      cwd: ROOT, encoding: 'utf8', timeout: 50000,
      env: { ...process.env, ADAPTER_JS: path.join(ROOT, 'dist', 'debugAdapter.js'), PROGRAM: prog, LINE: String(line) },
    });
    const out = `${r.stdout}${r.stderr}`;
    assert.strictEqual(r.status, 0, out);
    assert.match(out, new RegExp(`STOPPED at xdp_basic\\.s:${line}\\n`));
    assert.match(out, /VAR r0 = 0x9 \(9\)/);
    assert.match(out, /VAR r6 = ctx\+0/);
    assert.match(out, /\nOK\n/);
  });
});
