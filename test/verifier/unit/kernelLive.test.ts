/**
 * Keeps the recorded cases honest: as root, replays a sample of them through the running kernel and
 * checks the recorded verdicts and messages still hold. Skips without root.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { kernelBatch, kernelUnavailable } from '../../kernel/kernel';
import type { KernelCase } from './caseProgram';

const FILE = path.join(__dirname, '..', '..', '..', '..', 'test', 'verifier', 'unit', 'kernelCases.json');

describe('verifier: recorded cases still match the running kernel', function () {
  before(function () {
    const why = kernelUnavailable();
    if (why) { (this.test!.parent as unknown as { skipReason: string }).skipReason = why; this.skip(); }
  });

  it('replays the hand-written cases', function () {
    const cases = (JSON.parse(fs.readFileSync(FILE, 'utf8')) as KernelCase[]).filter((c) => !c.name.startsWith('g') && c.processed !== null && c.processed < 100000);
    const res = kernelBatch(cases.map((c) => ({ insns: c.hex, progType: c.progType, maps: c.maps, mapRefs: c.mapRefs, logLevel: 1, logSize: 1 << 22 })));
    cases.forEach((c, i) => {
      const r = res[i]!;
      assert.strictEqual(r.loaded, c.accepted, `${c.name}: kernel verdict changed`);
      if (!c.accepted && c.message) assert.ok(r.log.includes(c.message), `${c.name}: kernel no longer says "${c.message}"`);
    });
  });
});
