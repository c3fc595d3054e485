/**
 * `ebpf lsp --stdio` as a process: the bundled CLI loads the bundled server, answers initialize over
 * its stdio, publishes diagnostics, and exits 0 after shutdown and exit. Skips when the bundles are
 * missing (node scripts/build.js makes them).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import * as rpc from 'vscode-jsonrpc/node';

const root = path.join(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'ebpf.js');

describe('server: ebpf lsp --stdio', function () {
  this.timeout(20000);
  before(function () {
    if (!fs.existsSync(cli) || !fs.existsSync(path.join(root, 'dist', 'server.js'))) {
      (this.test!.parent as any).skipReason = 'the bundles are missing (node scripts/build.js)'; this.skip();
    }
  });

  it('serves the protocol on stdio and exits cleanly', async () => {
    const child = spawn(process.execPath, [cli, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const c = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
    const diags = new Promise<{ diagnostics: { message: string }[] }>((resolve) => c.onNotification('textDocument/publishDiagnostics', resolve));
    c.listen();
    const init = await c.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} }) as { serverInfo: { name: string } };
    assert.strictEqual(init.serverInfo.name, 'ebpf-language-server');
    await c.sendNotification('initialized', {});
    await c.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///x.s', languageId: 'ebpf', version: 1, text: '\tr0 = \n' } });
    const d = await diags;
    assert.ok(d.diagnostics.length > 0);
    await c.sendRequest('shutdown');
    await c.sendNotification('exit');
    assert.strictEqual(await exited, 0);
    c.dispose();
  });

  it('refuses other transports with a usage error', () => {
    const r = spawnSync(process.execPath, [cli, 'lsp'], { encoding: 'utf8', timeout: 10000 });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /ebpf lsp --stdio/);
  });
});
