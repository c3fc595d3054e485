/**
 * The kernel-differential agreement test of issue 4: every program of the verifier corpus
 * (test/fixtures/verifier) goes through our verifier, and the result is compared with the verdict the
 * Linux kernel gave when the corpus was recorded (expected.json, written by record.ts). It needs no
 * root and no llvm-mc: each program is built from its source by our assembler (`assembleModule`), or,
 * where that does not reproduce the recorded llvm-mc bytes, from the recorded bytes with the ISA codec.
 *
 * It prints the figures and the per-category disagreement table, then asserts the acceptance
 * thresholds: 100 % verdict agreement on kernel-accepted programs, >= 98 % overall, >= 95 % on the
 * blamed instruction, >= 90 % on the message, and no program the kernel rejects for memory safety
 * accepted.
 */
import * as assert from 'assert';
import { itMeetsAcceptance } from './acceptance';
import * as fs from 'fs';
import * as path from 'path';
import { computeFigures, formatReport, runOurs, type Figures, type Outcome } from './compare';
import { EXPECTED_PATH, FIXTURE_DIR, loadExpected } from './fixtures';
import { corpusFiles } from './record';
import { buildFromSource } from './fromSource';

describe('verifier: kernel-differential corpus', function () {
  this.timeout(120000);
  let outcomes: Outcome[] = [];
  let figures: Figures;
  /** Programs not built from source, with the reason. */
  let fallbacks: string[] = [];

  before(function () {
    const expected = loadExpected();
    assert.ok(expected, `${EXPECTED_PATH} is missing: record it with node out/test/verifier/corpus/record.js (root)`);
    fallbacks = [];
    outcomes = expected.programs.map((entry) => {
      const text = fs.readFileSync(path.join(FIXTURE_DIR, entry.file), 'utf8');
      const src = buildFromSource(entry, text);
      if ('why' in src) fallbacks.push(`${entry.file}: ${src.why}`);
      return { entry, ours: runOurs(entry, 5000, 'built' in src ? src.built : undefined) };
    });
    figures = computeFigures(outcomes);
    console.log(formatReport(`kernel ${expected.kernel} corpus`, outcomes, figures));
    console.log(`  built from source by assembleModule: ${outcomes.length - fallbacks.length}; from the recorded llvm-mc bytes: ${fallbacks.length}`);
    for (const f of fallbacks) console.log(`    ${f}`);
  });

  it('has at least 400 recorded programs, and every corpus file is recorded', function () {
    const expected = loadExpected()!;
    assert.ok(expected.programs.length >= 400, `only ${expected.programs.length} programs`);
    const recorded = new Set(expected.programs.map((p) => p.file));
    const missing = corpusFiles().filter((f) => !recorded.has(f));
    assert.deepStrictEqual(missing, [], 'corpus files without a recorded verdict: re-run the recording script');
    for (const p of expected.programs) assert.ok(fs.existsSync(path.join(FIXTURE_DIR, p.file)), `${p.file} is recorded but gone`);
  });

  it("builds every program from source that our assembler assembles without errors (same bytes as llvm-mc)", function () {
    const wrong = fallbacks.filter((f) => !f.includes(': our assembler: line '));
    assert.deepStrictEqual(wrong, []);
  });

  itMeetsAcceptance(() => ({ outcomes, figures }), 40);
});
