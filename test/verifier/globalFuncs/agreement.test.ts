/**
 * Global functions against the kernel: every program of the global-function corpus goes through our
 * verifier with func_info read from BTF built from the prototypes the kernel was given, and must get
 * the kernel's verdict, error message and blamed instruction. The expectations were recorded as root
 * by record.ts, so the test needs neither root nor llvm-mc.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { computeFigures, formatReport, runOurs, disagreement, type Outcome } from '../corpus/compare';
import { verifyProgram } from '../../../core/src/verifier';
import { globalLines } from './record';
import { GLOBAL_DIR, GLOBAL_EXPECTED, buildGlobalProgram, funcsOf, globalFiles, loadGlobalExpected, type GlobalEntry } from './fixtures';

describe('verifier: global functions against the kernel', function () {
  this.timeout(60000);
  let outcomes: Outcome[] = [];

  before(function () {
    const expected = loadGlobalExpected();
    assert.ok(expected, `${GLOBAL_EXPECTED} is missing: record it with node out/test/verifier/globalFuncs/record.js (root)`);
    outcomes = expected.programs.map((entry) => ({ entry, ours: runOurs(entry, 5000, buildGlobalProgram(entry)) }));
    console.log(formatReport(`kernel ${expected.kernel} global-function corpus`, outcomes, computeFigures(outcomes)));
  });

  it('has a recorded verdict for every program, with the prototypes its source declares', function () {
    const expected = loadGlobalExpected()!;
    const recorded = new Set(expected.programs.map((p) => p.file));
    assert.deepStrictEqual(globalFiles().filter((f) => !recorded.has(f)), [], 're-run the recording script');
    for (const p of expected.programs) {
      const file = path.join(GLOBAL_DIR, p.file);
      assert.ok(fs.existsSync(file), `${p.file} is recorded but gone`);
      assert.deepStrictEqual(funcsOf(fs.readFileSync(file, 'utf8'), p.insns), p.funcs, `${p.file}: prototypes changed since recording`);
    }
    assert.ok(expected.programs.some((p) => p.accepted) && expected.programs.some((p) => !p.accepted));
  });

  it("gives the kernel's verdict for every program", function () {
    const bad = outcomes.filter((o) => o.entry.accepted !== o.ours.accepted || o.ours.crash).map((o) => `${o.entry.file}: ${disagreement(o)}`);
    assert.deepStrictEqual(bad, []);
  });

  it("words every rejection like the kernel and blames the kernel's instruction", function () {
    const bad = outcomes.map((o) => [o.entry.file, disagreement(o)] as const).filter((x) => x[1] !== undefined);
    assert.deepStrictEqual(bad, []);
  });

  it("logs the kernel's lines about global functions, in the kernel's order", function () {
    const bad: string[] = [];
    for (const o of outcomes) {
      const entry = o.entry as GlobalEntry;
      const built = buildGlobalProgram(entry);
      if (!('program' in built)) continue;
      const log = verifyProgram(built.program, built.maps, { logLevel: 2 }).log;
      const ours = globalLines(log);
      if (JSON.stringify(ours) !== JSON.stringify(entry.globalLines)) bad.push(`${entry.file}: kernel ${JSON.stringify(entry.globalLines)} ours ${JSON.stringify(ours)}`);
    }
    assert.deepStrictEqual(bad, []);
  });

  it("counts the kernel's processed instructions, which run on across the global functions' walks", function () {
    const f = computeFigures(outcomes);
    assert.ok(f.processed.agree >= 0.8 * f.processed.total, `processed-count agreement ${f.processed.agree}/${f.processed.total}`);
  });
});
