/**
 * Seeded robustness: random bytes decoded as programs, and structured random programs (any
 * instruction form with random operands, jumps anywhere, loads and stores through random pointers,
 * calls, atomics), run in both tiers with an instruction limit. Nothing may throw, and the two tiers
 * must agree on r0, the instruction count, the fault and the memory. The bench runs the full count.
 */
import * as assert from 'assert';
import { encodeProgram } from '../../core/src/isa';
import { Vm } from '../../core/src/vm';
import { rng, structuredProgram } from './gen';
import { rawFromBytes, summary } from './harness';

function bothTiers(load: () => Vm | { error: string }): void {
  const a = load(), b = load();
  if ('error' in a || 'error' in b) return;
  const ra = a.run('interp'), rb = b.run('fast');
  assert.deepStrictEqual(summary(rb), summary(ra));
  assert.deepStrictEqual(b.registers(), a.registers());
}

describe('vm robustness (seeded random programs, both tiers)', function () {
  this.timeout(60000);
  const mem = new Uint8Array(64).map((_, i) => i * 7);

  it('random bytes: no exceptions, tiers agree', () => {
    const r = rng(1234);
    for (let i = 0; i < 1000; i++) {
      const bytes = new Uint8Array(8 * (1 + Math.floor(r() * 16))).map(() => Math.floor(r() * 256));
      // Bias the opcode bytes towards valid classes so that more programs get past the first slot.
      for (let s = 0; s < bytes.length; s += 8) if (r() < 0.5) bytes[s + 1] = bytes[s + 1]! & 0x99;
      const prog = rawFromBytes(bytes);
      bothTiers(() => Vm.load(prog, { data: mem, limit: 2000 }));
    }
  });

  it('structured random programs: no exceptions, tiers agree', () => {
    const r = rng(98765);
    for (let i = 0; i < 1500; i++) {
      const insns = structuredProgram(r);
      const progType = (['raw', 'socket_filter', 'xdp', 'sched_cls'] as const)[i % 4];
      bothTiers(() => Vm.load({ insns, progType }, { data: new Uint8Array(mem), limit: 2000 }));
      // The same program through the encoder and decoder must run the same way.
      if (i % 10 === 0) {
        const prog = rawFromBytes(encodeProgram(insns.filter((x) => x.kind !== 'ldImm64Hi')));
        bothTiers(() => Vm.load({ ...prog, progType }, { data: new Uint8Array(mem), limit: 2000 }));
      }
    }
  });
});
