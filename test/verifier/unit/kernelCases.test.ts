/**
 * Recorded kernel verdicts: 706 small programs (hand-written cases for the common verifier errors,
 * bpf-to-bpf calls, may_goto loops, seeded random programs, and raw slots the decoder refuses: unknown
 * opcodes, reserved fields, malformed 64-bit loads) with the Linux 6.18 verdict, error message, blamed
 * instruction and processed-instruction count, recorded as root through bpf(2). Every program must get
 * the kernel's verdict; messages and instructions must agree, and the agreement figures are printed.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { verifyProgram } from '../../../core/src/verifier/index';
import { caseProgram, type KernelCase } from './caseProgram';

const FILE = path.join(__dirname, '..', '..', '..', '..', 'test', 'verifier', 'unit', 'kernelCases.json');
const CASES = JSON.parse(fs.readFileSync(FILE, 'utf8')) as KernelCase[];

describe('verifier: recorded kernel verdicts', function () {
  const stats = { n: 0, verdict: 0, rejected: 0, insn: 0, insnKnown: 0, message: 0, processed: 0 };

  for (const c of CASES) {
    it(`${c.name}: ${c.accepted ? 'accepted' : c.message}`, function () {
      const { prog, maps } = caseProgram(c);
      const r = verifyProgram(prog, maps);
      stats.n++;
      if (r.accepted === c.accepted) stats.verdict++;
      if (r.insnsProcessed === c.processed) stats.processed++;
      if (!c.accepted) {
        stats.rejected++;
        if (r.error?.message === c.message) stats.message++;
        if (c.insn !== null) { stats.insnKnown++; if (r.error?.insn === c.insn) stats.insn++; }
      }
      assert.strictEqual(r.accepted, c.accepted, `verdict (ours: ${r.error?.message ?? 'accepted'})\n${c.asm.join('\n')}`);
      if (!c.accepted) {
        assert.strictEqual(r.error?.message, c.message, 'message');
        if (c.insn !== null) assert.strictEqual(r.error?.insn, c.insn, 'blamed instruction');
      }
    });
  }

  after(function () {
    const pct = (a: number, b: number): string => `${a}/${b} (${b ? ((100 * a) / b).toFixed(1) : '100'}%)`;
    console.log(`      verdict ${pct(stats.verdict, stats.n)}, message ${pct(stats.message, stats.rejected)}, ` +
      `insn ${pct(stats.insn, stats.insnKnown)}, processed count ${pct(stats.processed, stats.n)}`);
  });
});
