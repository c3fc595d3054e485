/**
 * bpf_loop callbacks that work on packet pointers, map value pointers and counters kept in the
 * caller's stack: the walk must stop re-running the callback after as many rounds as the kernel's,
 * so the processed-instruction counts recorded from the kernel (expected.json) must match exactly.
 * A need for an exact value that starts and ends inside the callback (its loop index added to a
 * pointer) must not keep the caller's counters from being widened.
 */
import * as assert from 'assert';
import { runOurs } from '../corpus/compare';
import { buildCallbackProgram, loadCallbackExpected } from './fixtures';

const PROGRAMS = ['loop_pkt_ctx_sum.s', 'loop_pkt_checked_in_caller.s', 'loop_map_value_ctx.s', 'loop_ctx_counter_stop.s', 'loop_sum_ctx.s',
  'loop_precision_after_callback.s'];

describe('verifier: bpf_loop callbacks converge like the kernel', function () {
  this.timeout(30000);
  for (const file of PROGRAMS) {
    it(`${file}: the kernel's verdict and processed count`, function () {
      const entry = loadCallbackExpected()?.programs.find((p) => p.file === file);
      assert.ok(entry, `${file} has no recorded kernel verdict`);
      const ours = runOurs(entry, 5000, buildCallbackProgram(entry));
      assert.strictEqual(ours.accepted, entry.accepted, `verdict: ${ours.message}`);
      assert.strictEqual(ours.insnsProcessed, entry.insnsProcessed);
    });
  }
});
