/**
 * Programs with callbacks that the kernel accepts also run: `ebpf run` interprets them and must return
 * what the kernel's BPF_PROG_TEST_RUN returns for the same input (loaded with the recorded func_info).
 * Needs root for the kernel side; skips with the reason otherwise.
 */
import * as assert from 'assert';
import * as path from 'path';
import { runCommand } from '../../../core/src/cli/run';
import { kernelBatch, kernelUnavailable } from '../../kernel/kernel';
import { progTypeByName } from '../../../core/src/data/progTypes';
import { CALLBACK_DIR, loadCallbackExpected } from './fixtures';

/** Accepted callback programs and the packet they run on (64 zero bytes: a minimal frame). */
const RUNS = ['loop_sum_ctx.s', 'loop_early_stop.s', 'nested_loop.s', 'loop_in_subprog.s', 'callback_calls_subprog.s', 'ctx_write_ok.s'];
const DATA = '00'.repeat(64);

async function ours(file: string): Promise<bigint> {
  let out = '';
  let err = '';
  const code = await runCommand.run([path.join(CALLBACK_DIR, file), '--data', DATA, '--json'],
    { out: (t) => { out += t; }, err: (t) => { err += t; }, readStdin: async () => '' });
  assert.strictEqual(code, 0, `ebpf run ${file} failed: ${err}`);
  return BigInt((JSON.parse(out) as { retval: string }).retval);
}

describe('callbacks: ebpf run agrees with the kernel test run', function () {
  this.timeout(30000);

  before(function () {
    const why = kernelUnavailable();
    if (why) {
      (this.test!.parent as any).skipReason = why;
      this.skip();
    }
  });

  for (const file of RUNS) {
    it(`${file} returns the kernel's retval`, async function () {
      const entry = loadCallbackExpected()!.programs.find((p) => p.file === file)!;
      assert.ok(entry.accepted, `${file} must be a program the kernel accepts`);
      const [k] = kernelBatch([{
        insns: entry.insns, progType: progTypeByName(entry.progType)!.id, btfFuncs: entry.btfFuncs ?? undefined,
        run: true, dataIn: DATA, logLevel: 0,
      }]);
      assert.ok(k?.loaded, `kernel load: ${k?.error ?? k?.errno}`);
      assert.strictEqual(k.runErrno, 0);
      // The kernel's retval is 32 bits.
      assert.strictEqual(BigInt.asUintN(32, await ours(file)), BigInt(k.retval!));
    });
  }
});
