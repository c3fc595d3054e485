/**
 * Callbacks against the kernel: every program of the callback corpus (bpf_loop and
 * bpf_for_each_map_elem callbacks, func_info checks) goes through our verifier with the func_info the
 * kernel was given, and must get the kernel's verdict, error message and blamed instruction. The
 * expectations were recorded as root by record.ts, so the test needs neither root nor llvm-mc.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { computeFigures, formatReport, runOurs, disagreement, type Outcome } from '../corpus/compare';
import { CALLBACK_DIR, CALLBACK_EXPECTED, buildCallbackProgram, callbackFiles, loadCallbackExpected } from './fixtures';

/** Rejections where we give our own reason on purpose, with why. */
const KNOWN_DIFFERENCES: { [file: string]: string } = {
  'ld_abs_in_callback_ctx.s': 'the kernel fails its own precision walk here ("verifier bug: callback unexpected regs 1", EFAULT)',
};

describe('verifier: callbacks against the kernel', function () {
  this.timeout(60000);
  let outcomes: Outcome[] = [];

  before(function () {
    const expected = loadCallbackExpected();
    assert.ok(expected, `${CALLBACK_EXPECTED} is missing: record it with node out/test/verifier/callbacks/record.js (root)`);
    outcomes = expected.programs.map((entry) => ({ entry, ours: runOurs(entry, 5000, buildCallbackProgram(entry)) }));
    console.log(formatReport(`kernel ${expected.kernel} callback corpus`, outcomes, computeFigures(outcomes)));
  });

  it('has a recorded verdict for every program, accepted and rejected ones', function () {
    const expected = loadCallbackExpected()!;
    const recorded = new Set(expected.programs.map((p) => p.file));
    assert.deepStrictEqual(callbackFiles().filter((f) => !recorded.has(f)), [], 're-run the recording script');
    for (const p of expected.programs) assert.ok(fs.existsSync(path.join(CALLBACK_DIR, p.file)), `${p.file} is recorded but gone`);
    assert.ok(expected.programs.some((p) => p.accepted) && expected.programs.some((p) => !p.accepted));
  });

  it("gives the kernel's verdict for every program", function () {
    const bad = outcomes.filter((o) => o.entry.accepted !== o.ours.accepted || o.ours.crash).map((o) => `${o.entry.file}: ${disagreement(o)}`);
    assert.deepStrictEqual(bad, []);
  });

  it("words every rejection like the kernel and blames the kernel's instruction", function () {
    const bad = outcomes.filter((o) => !KNOWN_DIFFERENCES[o.entry.file]).map((o) => [o.entry.file, disagreement(o)] as const)
      .filter((x) => x[1] !== undefined);
    assert.deepStrictEqual(bad, []);
  });

  it("counts the kernel's processed instructions for most programs", function () {
    const f = computeFigures(outcomes);
    assert.ok(f.processed.agree >= 0.8 * f.processed.total, `processed-count agreement ${f.processed.agree}/${f.processed.total}`);
  });
});
