/**
 * The acceptance thresholds of issue 4, stated once and shared by the corpus test and the live random
 * test: both call `itMeetsAcceptance` inside their describe block after computing their outcomes.
 */
import * as assert from 'assert';
import { percent, type Figures, type Outcome } from './compare';

export interface Results { outcomes: Outcome[]; figures: Figures }

/** Declares the acceptance tests; `results` is read when they run, after the suite's `before`. */
export function itMeetsAcceptance(results: () => Results, listLimit: number): void {
  it('accepts every program the kernel accepts (100 %)', function () {
    const bad = results().outcomes.filter((o) => o.entry.accepted && !o.ours.accepted).map((o) => `${o.entry.file}: ${o.ours.crash ?? o.ours.message}`);
    assert.strictEqual(bad.length, 0, `rejected although the kernel accepts:\n${bad.slice(0, listLimit).join('\n')}`);
  });

  it('agrees with the kernel on >= 98 % of verdicts', function () {
    const { figures } = results();
    assert.ok(percent(figures.verdict) >= 98, `verdict agreement ${percent(figures.verdict).toFixed(1)} %`);
  });

  it('blames the same instruction as the kernel in >= 95 % of rejections', function () {
    const { figures } = results();
    assert.ok(percent(figures.errorInsn) >= 95, `error instruction agreement ${percent(figures.errorInsn).toFixed(1)} %`);
  });

  it("words >= 90 % of rejections exactly like the kernel's log", function () {
    const { figures } = results();
    assert.ok(percent(figures.message) >= 90, `message agreement ${percent(figures.message).toFixed(1)} %`);
  });

  it('never accepts a program the kernel rejects for memory safety', function () {
    const list = results().figures.safetyOffenders.map((o) => `${o.entry.file}: kernel "${o.entry.message}" at insn ${o.entry.errorInsn}`);
    assert.strictEqual(list.length, 0, `RELEASE BLOCKER, accepted although unsafe:\n${list.join('\n')}`);
  });
}
