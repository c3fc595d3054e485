/**
 * The `ebpf` tool writes to pipes that readers may close early (`ebpf disasm x.o | head`); it must
 * end quietly with its own exit code instead of dying on EPIPE with a stack trace.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const cli = path.join(__dirname, '..', '..', '..', 'dist', 'ebpf.js');

describe('cli: output into a closed pipe', () => {
  before(function () {
    if (!fs.existsSync(cli)) { (this.test!.parent as any).skipReason = 'dist/ebpf.js is not built (node scripts/build.js)'; this.skip(); }
  });

  it('ends with exit code 0 and no EPIPE trace when the reader goes away', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-pipe-'));
    const src = path.join(dir, 'big.s');
    fs.writeFileSync(src, Array.from({ length: 30000 }, (_, i) => `r0 = ${i}`).join('\n') + '\nexit\n');
    const obj = path.join(dir, 'big.o');
    const asm = spawn(process.execPath, [cli, 'asm', src, '-o', obj]);
    assert.strictEqual(await new Promise((r) => asm.on('close', r)), 0);

    const p = spawn(process.execPath, [cli, 'disasm', obj]);
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.stdout.once('data', () => p.stdout.destroy());
    const code = await new Promise((r) => p.on('close', r));
    fs.rmSync(dir, { recursive: true, force: true });
    assert.strictEqual(stderr, '');
    assert.strictEqual(code, 0);
  });
});
