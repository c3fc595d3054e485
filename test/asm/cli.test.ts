/**
 * `ebpf asm` run in-process: the object it writes equals llvm-mc's, errors come out as
 * `FILE:LINE:COL: error: MESSAGE` with exit code 2, and usage mistakes are reported.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { asmCommand } from '../../core/src/cli/asm';
import type { CliIo } from '../../core/src/cli/command';
import { hasTool } from '../helpers/tools';
import { llvmMc, tmpDir } from './util';

async function runAsm(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => { out += t; }, err: (t) => { err += t; }, readStdin: async () => '' };
  const code = await asmCommand.run(args, io);
  return { code, out, err };
}

function write(name: string, text: string): string {
  const file = path.join(tmpDir(), name);
  fs.writeFileSync(file, text);
  return file;
}

const GOOD = '\t.section xdp,"ax",@progbits\n\t.globl prog\nprog:\n\tr0 = 2\n\texit\n';

describe('ebpf asm', () => {
  it('writes FILE.o by default and exits 0', async () => {
    const file = write('good.s', GOOD);
    const r = await runAsm([file]);
    assert.deepStrictEqual([r.code, r.err], [0, '']);
    assert.ok(fs.existsSync(file.replace(/\.s$/, '.o')));
  });

  it('prints errors and warnings as FILE:LINE:COL and exits 2', async () => {
    const file = write('bad.s', 'r0 = 0x100000000\nr1 = *(u32 *)(r2 + 40000)\nfoo\n');
    const r = await runAsm([file, '-o', path.join(tmpDir(), 'bad.o')]);
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.err, [
      `${file}:1:1: warning: immediate out of range, shall fit in 32 bits`,
      `${file}:2:18: error: operand is not a 16-bit signed integer`,
      `${file}:3:1: error: invalid register/token name`,
      '',
    ].join('\n'));
    assert.ok(!fs.existsSync(path.join(tmpDir(), 'bad.o')));
  });

  it('reports usage mistakes with exit 2', async () => {
    assert.strictEqual((await runAsm([])).code, 2);
    assert.strictEqual((await runAsm(['a.s', '-o'])).code, 2);
    assert.strictEqual((await runAsm(['a.s', 'b.s'])).code, 2);
    assert.strictEqual((await runAsm(['--frob', 'a.s'])).code, 2);
    const missing = await runAsm([path.join(tmpDir(), 'missing.s')]);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.err, /^ebpf asm: cannot read /);
  });

  describe('against llvm-mc', () => {
    before(function () { if (!hasTool('llvm-mc-22')) { (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); } });
    it('writes the same object as llvm-mc', async () => {
      const file = write('same.s', GOOD);
      const out = path.join(tmpDir(), 'same-ours.o');
      const r = await runAsm([file, '-o', out]);
      assert.strictEqual(r.code, 0);
      const ref = llvmMc(GOOD, 'same-ref.s');
      assert.deepStrictEqual(new Uint8Array(fs.readFileSync(out)), ref.bytes);
    });
  });
});
