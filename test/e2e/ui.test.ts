/**
 * End-to-end UI tests: the packaged .vsix installed into a real VS Code (code-server 4.139, Code
 * 1.139) and driven through headless Debian Chromium with playwright-core, the way a user would:
 * grammar colours and scopes, a verifier diagnostic in the Problems panel, hover on a helper call,
 * and a breakpoint hit in a debug session with the registers in the Variables view. Each step leaves
 * a screenshot in test/e2e/shots (and FAILED-<title>.png when it fails). code-server runs in its
 * own process group, which the after hook (or, failing that, process exit) kills as a whole.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import {
  hasBundle, installVsix, launchBrowser, makeDirs, makeWorkspace, missingTools, packageVsix, serverHasVerifier, shot, cleanUp, SHOTS, startCodeServer,
  type CodeServer,
} from './harness';

type Ctx = Mocha.Context;

/** Marks a test pending with a reason the closing reporter line prints. */
function pending(ctx: Ctx, reason: string): never {
  (ctx.test as Mocha.Test & { skipReason?: string }).skipReason = reason;
  ctx.skip();
}

const WAIT = 30000;

describe('e2e: the packaged extension in code-server (UI)', function () {
  this.timeout(150000);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let failed = false;
  const folders: string[] = [];

  before(async function () {
    const missing = missingTools();
    if (missing !== undefined) {
      (this.test!.parent as Mocha.Suite & { skipReason?: string }).skipReason = missing;
      this.skip();
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    for (const f of fs.readdirSync(SHOTS)) if (f.startsWith('FAILED-')) fs.rmSync(path.join(SHOTS, f));
    const t0 = Date.now();
    packageVsix();
    const dirs = makeDirs('cs-ui');
    installVsix(dirs);
    const ws = makeWorkspace('ws-ui');
    folders.push(dirs.root, ws);
    const t1 = Date.now();
    server = await startCodeServer(dirs, ws);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    console.log(`    package + install ${t1 - t0} ms, code-server + workbench ready ${Date.now() - t1} ms`);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') failed = true;
    if (this.currentTest?.state === 'failed' && browser !== undefined) {
      await shot(page, `FAILED-${this.currentTest.title.replace(/[^\w.-]+/g, '_')}.png`);
    }
  });

  after(async function () {
    await browser?.close().catch(() => undefined);
    server?.stop();
    cleanUp(failed, ...folders);
  });

  /**
   * Brings a workspace file into the active editor: a click on its tab when it is already open,
   * otherwise Quick Open (a click on the result row, which unlike Enter cannot pick a stale entry
   * while the list is still filling).
   */
  async function open(file: string): Promise<void> {
    const tab = page.locator('.tabs-container .tab', { hasText: file }).first();
    if (await tab.count() > 0) {
      await tab.click();
    } else {
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill(file);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first();
      await row.waitFor({ timeout: WAIT });
      await row.click();
    }
    await page.locator('.tab.active', { hasText: file }).first().waitFor({ timeout: WAIT });
  }

  /** Runs a command from the command palette by its title. */
  async function command(title: string): Promise<void> {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: WAIT });
    await page.keyboard.press('Enter');
  }

  /** The rendered editor line whose text contains `text`. */
  function line(text: string) {
    return page.locator('.monaco-editor .view-line', { hasText: text }).first();
  }

  /** The token span with exactly this text on the line containing `lineText`. */
  function token(lineText: string, text: string) {
    return line(lineText).locator('span > span').filter({ hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).first();
  }

  const colour = (e: unknown): string =>
    (globalThis as unknown as { getComputedStyle(x: unknown): { color: string } }).getComputedStyle(e).color;

  /** Clicks a token and reads the scopes the built-in token inspector shows for it. */
  async function inspect(lineText: string, text: string): Promise<string> {
    await token(lineText, text).click();
    await command('Developer: Inspect Editor Tokens and Scopes');
    const widget = page.locator('.token-inspect-widget');
    await widget.waitFor({ timeout: WAIT });
    // The widget first says "Loading..." while it asks the tokenizer; wait for the real content.
    const deadline = Date.now() + WAIT;
    let scopes = await widget.innerText();
    while (/Loading/.test(scopes) && Date.now() < deadline) {
      await page.waitForTimeout(100);
      scopes = await widget.innerText();
    }
    return scopes;
  }

  it('switches .s files to eBPF Assembly and colours them with the TextMate grammar', async function () {
    await open('xdp_counter.s');
    // The .s adoption (ebpf.files.claimDotS, on by default) shows in the status bar's language mode.
    await page.locator('.statusbar-item', { hasText: 'eBPF Assembly' }).first().waitFor({ timeout: WAIT });
    await line('exit').waitFor({ timeout: WAIT });
    await shot(page, 'colours.png');
    const exit = await inspect('exit', 'exit');
    assert.match(exit, /keyword\.control\.exit\.ebpf/);
    assert.match(exit, /source\.ebpf/);
    await page.keyboard.press('Escape');
    // A line near the top leaves room for the whole inspector in the screenshot.
    const r0 = await inspect('if r0 == 0', 'r0');
    assert.match(r0, /variable\.other\.register\.r64\.ebpf/);
    await shot(page, 'scopes.png');
    await page.keyboard.press('Escape');
    const colours = {
      exit: await token('exit', 'exit').evaluate(colour),
      r0: await token('r0 = 2', 'r0').evaluate(colour),
      comment: await line('r0 = 2').locator('span > span', { hasText: 'XDP_PASS' }).last().evaluate(colour),
    };
    console.log(`    colours: ${JSON.stringify(colours)}`);
    assert.notStrictEqual(colours.exit, colours.comment);
    assert.notStrictEqual(colours.r0, colours.comment);
  });

  it('shows the verifier diagnostic on the right line in the Problems panel', async function () {
    if (!hasBundle('server')) pending(this, 'language server not built yet');
    if (!serverHasVerifier()) pending(this, 'embedded verifier not wired into the language server yet (server/src/verifier.ts)');
    await open('null_deref.s');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: WAIT });
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: "invalid mem access 'map_value_or_null'" }).first();
    await row.waitFor({ timeout: WAIT });
    const text = await row.innerText();
    console.log(`    problems row: ${text.replace(/\s+/g, ' ')}`);
    assert.match(text, /R0 invalid mem access 'map_value_or_null'/);
    assert.match(text, /\[Ln 13, Col \d+\]/);
    await shot(page, 'diagnostic.png');
    await page.keyboard.press('Control+Shift+M'); // hide the panel again
  });

  it('hovering the helper id of `call 1` names bpf_map_lookup_elem', async function () {
    if (!hasBundle('server')) pending(this, 'language server not built yet');
    await open('xdp_counter.s');
    const id = token('call 1', '1');
    await id.waitFor({ timeout: WAIT });
    const box = (await id.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover', { hasText: 'bpf_map_lookup_elem' }).first();
    await hover.waitFor({ timeout: WAIT });
    console.log(`    hover: ${(await hover.innerText()).split('\n').slice(0, 3).join(' | ')}`);
    await shot(page, 'hover.png');
    await page.mouse.move(5, 5);
  });

  it('stops at a breakpoint (F9, F5 with launch.json) and lists the registers', async function () {
    if (!hasBundle('debugAdapter')) pending(this, 'debug adapter not built yet');
    await open('xdp_counter.s');
    await line('r0 = 2').click();
    await page.keyboard.press('F9');
    await page.locator('.monaco-editor .codicon-debug-breakpoint').first().waitFor({ timeout: WAIT });
    await page.keyboard.press('F5');
    await page.getByText('Paused on breakpoint').first().waitFor({ timeout: WAIT });
    await page.locator('.monaco-editor .debug-top-stack-frame-line').first().waitFor({ timeout: WAIT });
    const registers = page.locator('.debug-variables .monaco-list-row', { hasText: 'Registers' }).first();
    await registers.waitFor({ timeout: WAIT });
    if ((await registers.getAttribute('aria-expanded')) !== 'true') await registers.click();
    const r0 = page.locator('.debug-variables .monaco-list-row', { hasText: /^\s*r0\b/ }).first();
    await r0.waitFor({ timeout: WAIT });
    const r10 = page.locator('.debug-variables .monaco-list-row', { hasText: /^\s*r10\b/ }).first();
    await r10.waitFor({ timeout: WAIT });
    console.log(`    variables: ${(await r0.innerText()).replace(/\s+/g, ' ')}; ${(await r10.innerText()).replace(/\s+/g, ' ')}`);
    await shot(page, 'debug.png');
    await page.keyboard.press('F5'); // continue: the program runs to exit and the session ends
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: WAIT });
  });
});
