/**
 * examples/bpf_loop.s against its oracles: llvm-mc-22 assembles it to the same bytes as we do, the
 * kernel (through bpftool, so through libbpf's reading of `.BTF` and `.BTF.ext`) loads both objects,
 * `ebpf run` gives the same retval and output packet as BPF_PROG_TEST_RUN for packets that exercise
 * both verdicts and the early stop at the end of a short packet, and `ebpf verify` accepts it (with
 * `--kernel`, also the kernel, and also in a file that holds a second program with its own func_info).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../core/src/cli/main';
import type { CliIo } from '../../core/src/cli/command';
import { kernelCheckUnavailable } from '../../core/src/cli/kernelCheck';
import { writeElf } from '../../core/src/elf/writer';
import { encodeProgram } from '../../core/src/isa';
import { analyze } from '../../core/src/lang/analysis';
import { assembleModule } from '../../core/src/program/assembleModule';
import { toHex } from '../../core/src/vm';
import { kernelBatch, kernelUnavailable, type KernelRequest } from '../kernel/kernel';
import { hasTool, run } from '../helpers/tools';

const EXAMPLE = path.join(__dirname, '..', '..', '..', 'examples', 'bpf_loop.s');
const LLVM_MC = 'llvm-mc-22';
const XDP = 6;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io: CliIo = { out: (t) => { out += t; }, err: (t) => { err += t; }, readStdin: async () => '' };
  const code = await runCli(args, io);
  return { code, out, err };
}

/** Packets: 16 summed bytes, all zero (dropped); one non-zero byte past them (dropped); header bytes (passed). */
const PACKETS = [
  '00'.repeat(20),
  `${'00'.repeat(16)}ff${'00'.repeat(3)}`,
  '0102030405060708090a0b0c0d0e0f1011121314',
  `${'00'.repeat(13)}01`,
  `${'00'.repeat(15)}80${'00'.repeat(48)}`,
];

describe('examples/bpf_loop.s', function () {
  this.timeout(30000);
  const source = fs.readFileSync(EXAMPLE, 'utf8');

  it('is accepted by ebpf verify', async () => {
    const r = await cli(['verify', EXAMPLE]);
    assert.strictEqual(r.code, 0, r.out + r.err);
  });

  it('shows no diagnostics in the editor (the callback is reached through its address)', () => {
    assert.deepStrictEqual(analyze(source, { fileName: EXAMPLE }).diagnostics, []);
  });

  describe('assembled by llvm-mc-22', function () {
    let llvm: Uint8Array;
    before(function () {
      if (!hasTool(LLVM_MC)) { (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); }
      const r = run(LLVM_MC, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', '-o', '-', EXAMPLE]);
      assert.strictEqual(r.status, 0, r.stderr);
      llvm = r.bytes;
    });

    it('gives the bytes of our object', () => {
      assert.deepStrictEqual(Buffer.from(writeElf(assembleModule(source, EXAMPLE).object)), Buffer.from(llvm));
    });

    describe('loaded by bpftool', function () {
      before(function () {
        const why = kernelCheckUnavailable();
        if (why) { (this.test!.parent as any).skipReason = why; this.skip(); }
      });

      for (const who of ['llvm-mc', 'ebpf asm']) {
        it(`loads ${who}'s object`, () => {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-bpf-loop-'));
          const obj = path.join(dir, 'bpf_loop.o');
          const pin = `/sys/fs/bpf/ebpf-example-${process.pid}`;
          try {
            fs.writeFileSync(obj, who === 'llvm-mc' ? llvm : writeElf(assembleModule(source, EXAMPLE).object));
            const r = spawnSync('bpftool', ['prog', 'load', obj, pin], { encoding: 'utf8' });
            assert.strictEqual(r.status, 0, r.stderr);
          } finally {
            fs.rmSync(pin, { force: true });
            fs.rmSync(dir, { recursive: true, force: true });
          }
        });
      }
    });
  });

  describe('ebpf verify --kernel', function () {
    let dir = '';
    before(function () {
      const why = kernelCheckUnavailable();
      if (why) { (this.test!.parent as any).skipReason = why; this.skip(); }
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-bpf-loop-'));
    });
    after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    it('shows both verdicts accepted', async () => {
      const r = await cli(['verify', EXAMPLE, '--kernel']);
      assert.strictEqual(r.code, 0, r.out + r.err);
      assert.match(r.out, /ours: +accepted\n {2}kernel: accepted\n/);
      assert.strictEqual(r.err, '');
    });

    it('loads each of two programs whose func_info records share .BTF.ext', async () => {
      // A copy of the program in section xdp.frags, described by FUNC [5] as well, with its own record.
      const body = source.slice(source.indexOf('\t.section\txdp,'), source.indexOf('\t.section\tlicense'));
      const two = body.replace('xdp,"ax"', 'xdp.frags,"ax"').replace(/xdp_sum/g, 'xdp_two').replace(/\.Ldone/g, '.Ldone2');
      const text = source.replace('\t.section\tlicense', `${two}\t.section\tlicense`)
        .replace('.Ls_text:\n', '.Ls_two:\n\t.asciz\t"xdp.frags"\n.Ls_text:\n')
        .replace('.Lfunc_info_end:\n', '\t.long\t.Ls_two-.Lstrings\n\t.long\t1\n\t.long\txdp_two\n\t.long\t5\n.Lfunc_info_end:\n');
      const file = path.join(dir, 'two.s');
      fs.writeFileSync(file, text);
      const r = await cli(['verify', file, '--kernel']);
      assert.strictEqual(r.code, 0, r.out + r.err);
      assert.strictEqual(r.out.match(/ours: +accepted\n {2}kernel: accepted\n/g)?.length, 2, r.out);
    });
  });

  describe('ebpf run against BPF_PROG_TEST_RUN', function () {
    before(function () {
      const why = kernelUnavailable();
      if (why) { (this.test!.parent as any).skipReason = why; this.skip(); }
    });

    it('gives the same retval and packet for every input', async () => {
      const p = assembleModule(source, EXAMPLE).module.programs[0]!;
      assert.ok(p.btfFuncs);
      const requests = PACKETS.map((dataIn) => ({ insns: toHex(encodeProgram(p.insns)), progType: XDP, run: true, dataIn, license: 'GPL', btfFuncs: p.btfFuncs }) as KernelRequest);
      const kernel = kernelBatch(requests);
      const retvals: number[] = [];
      for (const [i, data] of PACKETS.entries()) {
        const k = kernel[i]!;
        assert.ok(k.loaded, k.log || k.error);
        const r = await cli(['run', EXAMPLE, '--data', data, '--json']);
        assert.strictEqual(r.code, 0, r.err);
        const ours = JSON.parse(r.out) as { retval: string; dataOut: string };
        assert.strictEqual(Number(ours.retval), k.retval, `packet ${data}`);
        assert.strictEqual(ours.dataOut, k.dataOut, `packet ${data}`);
        retvals.push(k.retval!);
      }
      // Both verdicts occur, so the comparison covers the loop's sum and not a constant.
      assert.deepStrictEqual(retvals, [1, 1, 2, 2, 2]);
    });
  });
});
