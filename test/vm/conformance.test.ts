/**
 * Our conformance cases in the bpf_conformance `.data` format (test/fixtures/vm/conformance): every
 * instruction form and the edge cases of RFC 9669. Each runs in the raw-memory mode in both tiers,
 * which must agree, and r0 (or the fault message) must be the expected one.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseData, asmBytes, rawFromBytes, runBoth } from './harness';

const DIR = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'vm', 'conformance');

describe('vm conformance cases (.data)', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.data')).sort();
  it('has cases', () => assert.ok(files.length >= 150, `only ${files.length} cases`));
  for (const f of files) {
    it(f.replace(/\.data$/, ''), () => {
      const c = parseData(fs.readFileSync(path.join(DIR, f), 'utf8'));
      const prog = rawFromBytes(asmBytes(c.asm));
      const { interp } = runBoth(prog, c.mem ? { data: c.mem } : {});
      if (c.error !== undefined) {
        assert.strictEqual(interp.fault?.message, c.error);
      } else {
        assert.strictEqual(interp.fault, undefined, interp.fault?.message);
        const r0 = (BigInt(interp.r0[1] >>> 0) << 32n) | BigInt(interp.r0[0] >>> 0);
        assert.strictEqual('0x' + r0.toString(16), '0x' + c.result!.toString(16));
      }
    });
  }
});
