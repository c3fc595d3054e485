/**
 * The objects `ebpf asm` writes load into the real kernel through libbpf: bpftool loads a map-less
 * socket filter and pins it in bpffs; the test then reads it back and removes the pin. The object
 * comes from our assembler and ELF writer, and the same source goes through llvm-mc too when it is
 * installed, so a failure can be told apart from a host that cannot load programs at all.
 */
import * as assert from 'assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../core/src/cli/main';
import { hasTool, run } from '../helpers/tools';

const SOURCE = [
  '\t.section socket,"ax",@progbits',
  '\t.globl prog',
  '\t.type prog,@function',
  'prog:',
  '\tr0 = 0',
  '\texit',
  '\t.size prog, .-prog',
  '',
  '\t.section license,"aw",@progbits',
  '\t.asciz "GPL"',
  '',
].join('\n');

function bpftool(): string | undefined {
  for (const name of ['bpftool', '/usr/sbin/bpftool']) if (hasTool(name)) return name;
  return undefined;
}

describe('bpftool loads the objects ebpf asm writes', function () {
  let dir: string;
  const pins: string[] = [];
  before(function () {
    if (process.getuid?.() !== 0) {
      (this.test!.parent as any).skipReason = 'needs root for the bpf() syscall';
      this.skip();
    }
    if (bpftool() === undefined) {
      (this.test!.parent as any).skipReason = 'bpftool is not installed (apt-get install linux-tools-common or bpftool)';
      this.skip();
    }
    if (!existsSync('/sys/fs/bpf')) {
      (this.test!.parent as any).skipReason = 'bpffs is not mounted at /sys/fs/bpf';
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'ebpf-bpftool-'));
  });
  after(() => {
    for (const p of pins) rmSync(p, { force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function load(object: Uint8Array, label: string): void {
    const path = join(dir, `${label}-load.o`);
    writeFileSync(path, object);
    const pin = `/sys/fs/bpf/ebpf_test_${label}_${process.pid}`;
    pins.push(pin);
    const r = run(bpftool()!, ['prog', 'load', path, pin]);
    assert.strictEqual(r.status, 0, `bpftool prog load failed:\n${r.stderr}`);
    const show = run(bpftool()!, ['prog', 'show', 'pinned', pin]);
    assert.strictEqual(show.status, 0, show.stderr);
    assert.match(show.stdout, /socket_filter\s+name prog\b/);
    assert.match(show.stdout, /\bgpl\b/);
    rmSync(pin, { force: true });
    assert.ok(!existsSync(pin));
  }

  it('a map-less socket filter from llvm-mc (control)', function () {
    if (!hasTool('llvm-mc-22')) { (this.test as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); }
    const r = run('llvm-mc-22', ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', '-o', '-'], SOURCE);
    assert.strictEqual(r.status, 0, r.stderr);
    load(r.bytes, 'llvm');
  });

  it('a map-less socket filter from ebpf asm', async () => {
    const src = join(dir, 'ours.s');
    const obj = join(dir, 'ours.o');
    writeFileSync(src, SOURCE);
    let err = '';
    const code = await runCli(['asm', src, '-o', obj], { out: () => undefined, err: (t) => { err += t; }, readStdin: async () => '' });
    assert.strictEqual(code, 0, err);
    const b = readFileSync(obj);
    load(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), 'ours');
  });
});
