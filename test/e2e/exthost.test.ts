/**
 * Runs the extension-host suite (test/e2e/exthost/) inside a real code-server. The workbench is
 * opened with a payload naming the project folder as the extension under development and
 * out/test/e2e/exthost/index.js as the tests; code-server honours that payload only with the smoke
 * test driver enabled. Mocha's output inside the extension host reaches the page console, and the
 * workbench ends by calling `window.codeAutomationExit(code)`, which this test catches.
 */
import * as assert from 'assert';
import * as path from 'path';
import * as util from 'util';
import type { Browser } from 'playwright-core';
import { cleanUp, launchBrowser, makeDirs, makeWorkspace, missingTools, ROOT, startCodeServer, type CodeServer } from './harness';

describe('e2e: extension-host suite in code-server', function () {
  this.timeout(120000);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let workspace = '';
  let failed = false;
  const folders: string[] = [];

  before(async function () {
    const missing = missingTools();
    if (missing !== undefined) {
      (this.test!.parent as Mocha.Suite & { skipReason?: string }).skipReason = missing;
      this.skip();
    }
    const dirs = makeDirs('cs-exthost');
    workspace = makeWorkspace('ws-exthost');
    folders.push(dirs.root, workspace);
    server = await startCodeServer(dirs, workspace, ['--vscode-option', 'enable-smoke-test-driver']);
    browser = await launchBrowser();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });

  after(async function () {
    await browser?.close().catch(() => undefined);
    server?.stop();
    cleanUp(failed, ...folders);
  });

  it('passes the extension-host mocha suite (language id, diagnostics, hover, debugging, claimDotS)', async function () {
    const page = await browser!.newPage();
    const lines: string[] = [];
    let exited: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => { exited = resolve; });
    await page.exposeFunction('codeAutomationExit', (code: number) => exited(code));
    page.on('console', (msg) => {
      void Promise.all(msg.args().map((a) => a.jsonValue().catch(() => ''))).then((args: unknown[]) => {
        // The workbench logs as ['%c INFO', 'color: ...', format, ...values]: drop the styling.
        if (typeof args[0] === 'string' && args[0].startsWith('%c')) args.splice(0, 2);
        const text = util.format(...args);
        for (const l of text.split('\n')) {
          if (/^\s{2,}\S|passing|failing|pending/.test(l) && !/^\s+at /.test(l)) lines.push(l);
        }
      });
    });
    const authority = new URL(server!.url).host;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `vscode-remote://${authority}${ROOT}`],
      ['extensionTestsPath', `vscode-remote://${authority}${path.join(ROOT, 'out', 'test', 'e2e', 'exthost', 'index.js')}`],
    ]);
    await page.goto(`${server!.url}?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    const code = await Promise.race([exitCode, new Promise<string>((r) => setTimeout(() => r('timeout'), 100000))]);
    await new Promise((r) => setTimeout(r, 200)); // let the last console lines arrive
    for (const l of lines) console.log(`  ${l}`);
    const skipped = lines.filter((l) => /pending reason:/.test(l));
    assert.strictEqual(code, 0, `extension-host suite ended with ${code}`);
    assert.ok(lines.some((l) => /\d+ passing/.test(l)), 'the suite reported no passing tests');
    if (skipped.length > 0) console.log(`    (${skipped.length} extension-host tests pending, see above)`);
  });
});
