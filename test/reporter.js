// Mocha reporter: mocha's own "spec" output, then one plain closing line that CI reads for the
// totals ("N passed, N failed" and ", N skipped" when tests were skipped). Skipped tests print their
// reason, which a test gives with `this.skip()` after calling `skipReason(this, "...")`.
'use strict';
const Mocha = require('mocha');
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class ClosingLineReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0, failed = 0, skipped = 0;
    const reasons = new Map();
    runner.on(EVENT_TEST_PASS, () => { passed++; });
    runner.on(EVENT_TEST_FAIL, () => { failed++; });
    runner.on(EVENT_TEST_PENDING, (test) => {
      skipped++;
      const why = test.skipReason || (test.parent && test.parent.skipReason) || 'no reason given';
      reasons.set(why, (reasons.get(why) || 0) + 1);
    });
    runner.once(EVENT_RUN_END, () => {
      for (const [why, n] of reasons) process.stdout.write(`skipped ${n}: ${why}\n`);
      process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    });
  }
}
module.exports = ClosingLineReporter;
