/**
 * `ebpf verify --kernel` in-process against the running kernel through bpftool: an example both
 * verifiers accept, a program both reject with the kernel's own error line, the JSON addition, and a
 * program whose map comes from an annotation. Needs root and bpftool.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { verifyCommand } from '../../../core/src/cli/verify';
import { kernelCheckUnavailable, kernelErrorLine } from '../../../core/src/cli/kernelCheck';

const ROOT = path.join(__dirname, '..', '..', '..', '..');

async function runVerify(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await verifyCommand.run(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, readStdin: async () => '' });
  return { code, out, err };
}

/** Reads r0 before anything writes it; no `.size`, so the object needs its symbol size filled in. */
const UNINIT_R0 = `\t.section socket,"ax",@progbits
\t.globl bad
\t.type bad,@function
bad:
\tr0 += 1
\texit
\t.section license,"aw",@progbits
_license:
\t.asciz "GPL"
`;

describe('ebpf verify --kernel', function () {
  this.timeout(20000);
  let dir = '';
  before(function () {
    const why = kernelCheckUnavailable();
    if (why) { (this.test!.parent as any).skipReason = why; this.skip(); }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-kernel-flag-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('shows both verdicts accepted for examples/socket_filter.s', async () => {
    const r = await runVerify([path.join(ROOT, 'examples', 'socket_filter.s'), '--kernel']);
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /ours: +accepted\n/);
    assert.match(r.out, /kernel: accepted\n/);
    assert.strictEqual(r.err, '');
  });

  it('shows both verdicts rejected with the kernel\'s R0 !read_ok', async () => {
    const file = path.join(dir, 'bad.s');
    fs.writeFileSync(file, UNINIT_R0);
    const r = await runVerify([file, '--kernel']);
    assert.strictEqual(r.code, 1, r.out + r.err);
    assert.match(r.out, /ours: +rejected: R0 !read_ok\n/);
    assert.match(r.out, /kernel: rejected: R0 !read_ok\n/);
    assert.deepStrictEqual(fs.readdirSync('/sys/fs/bpf').filter((n) => n.startsWith('ebpf-verify-')), []);
  });

  it('adds the kernel verdict to the JSON of each program', async () => {
    const file = path.join(dir, 'bad.s');
    fs.writeFileSync(file, UNINIT_R0);
    const r = await runVerify([file, '--kernel', '--json']);
    const j = JSON.parse(r.out) as { programs: { accepted: boolean; kernel: { accepted: boolean; message: string } }[] };
    assert.strictEqual(j.programs[0]!.accepted, false);
    assert.deepStrictEqual(j.programs[0]!.kernel, { accepted: false, message: 'R0 !read_ok' });
  });

  it('loads a program whose subprogram is in .text', async () => {
    const file = path.join(dir, 'text.s');
    fs.writeFileSync(file, '\t.text\nsub:\n\tr0 = r1\n\texit\n\t.section socket,"ax",@progbits\n\t.globl good\ngood:\n\tr1 = 3\n\tcall sub\n\texit\n');
    const r = await runVerify([file, '--kernel']);
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /ours: +accepted\n {2}kernel: accepted\n/);
  });

  it('shows the kernel\'s line for a program that loops forever', async () => {
    const file = path.join(dir, 'loop.s');
    fs.writeFileSync(file, '\t.section socket,"ax",@progbits\nprog:\n\tr0 = 0\nloop:\n\tgoto loop\n');
    const r = await runVerify([file, '--kernel']);
    assert.strictEqual(r.code, 1, r.out + r.err);
    assert.match(r.out, /kernel: rejected: infinite loop detected at insn 1\n/);
  });

  it('loads a program whose map comes from a `# @map` annotation (examples/xdp_counter.s)', async () => {
    const r = await runVerify([path.join(ROOT, 'examples', 'xdp_counter.s'), '--kernel']);
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /ours: +accepted\n {2}kernel: accepted\n/);
    assert.strictEqual(r.err, '');
  });
});

describe('kernelErrorLine', () => {
  it('takes the last line before the statistics', () => {
    const log = 'func#0 @0\n0: R1=ctx() R10=fp0\n0: (07) r0 += 1\nR0 !read_ok\nverification time 25 usec\nstack depth 0\nprocessed 1 insns (limit 1000000)\n';
    assert.strictEqual(kernelErrorLine(log), 'R0 !read_ok');
  });

  it('skips the states the kernel prints after its error', () => {
    const log = '0: R1=ctx() R10=fp0\n0: (b7) r0 = 0                        ; R0_w=0\n1: (05) goto pc-1\ninfinite loop detected at insn 1\ncur state: R0_w=0 R1=ctx() R10=fp0\nold state: R0_w=0 R1=ctx() R10=fp0\nverification time 9 usec\n';
    assert.strictEqual(kernelErrorLine(log), 'infinite loop detected at insn 1');
  });
});
