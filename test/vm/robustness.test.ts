/**
 * Seeded robustness: random bytes decoded as programs, and structured random programs (any
 * instruction form with random operands, jumps anywhere, loads and stores through random pointers,
 * calls, atomics), run in both tiers with an instruction limit. Nothing may throw, and the two tiers
 * must agree on r0, the instruction count, the fault and the memory. The bench runs the full count.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { encodeProgram, type Insn } from '../../core/src/isa';
import { Vm } from '../../core/src/vm';
import { rng, structuredProgram } from './gen';
import { assembleModule } from '../../core/src/program/assembleModule';
import { rawFromBytes, summary, asmBytes } from './harness';

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

/*
 * Regressions found by the bench's 100,000-program sweep. Program 45149 (seed 20261122) made the fast
 * tier read the stack through a plain number: a load cached the stack region, a helper call emptied
 * the region cache by resetting only its tags to -1, and `r1 = (s32)r1` then produced a value whose
 * high half is 0xffffffff (-1), which matched the stale tag, so the fast tier read stack bytes where
 * the interpreter (rightly, RFC 9669 leaves no such access defined) faulted.
 */
describe('vm tier agreement regressions', () => {
  const FIXTURE = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'vm', 'sweep-20261122-45149.json');

  it('sweep seed 20261122 program 45149: both tiers fault on the same read', () => {
    const f = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { progType: 'xdp'; insns: Insn[] };
    const mem = new Uint8Array(64).map((_, i) => i * 7);
    const load = (): Vm | { error: string } => Vm.load({ insns: f.insns, progType: f.progType }, { data: new Uint8Array(mem), limit: 2000 });
    bothTiers(load);
    const vm = load();
    if ('error' in vm) throw new Error(vm.error);
    const r = vm.run('fast');
    assert.strictEqual(r.insns, 7);
    assert.strictEqual(r.fault?.message, 'invalid read of 4 bytes at 0xffffffff80000004 (not a pointer into any memory region) at insn 6');
  });

  it('reduced: a scalar with high half 0xffffffff after a helper call is not a stack pointer', () => {
    // Cache the stack, empty the cache with a helper call, then load through 0xffffffff80000008.
    const prog = rawFromBytes(asmBytes('r2 = *(u64 *)(r10 - 8)\ncall 5\nr1 = -2147483640\nr0 = *(u32 *)(r1 + 0)\nexit\n'));
    bothTiers(() => Vm.load(prog, {}));
    const vm = Vm.load(prog, {});
    if ('error' in vm) throw new Error(vm.error);
    assert.strictEqual(vm.run('fast').fault?.message, 'invalid read of 4 bytes at 0xffffffff80000008 (not a pointer into any memory region) at insn 3');
  });
});

/*
 * The fast tier compiles a loop whose back edge returns to a jump target into one JavaScript loop,
 * with labelled blocks for forward jumps inside it. Packet loops of each shape, stopped by the
 * instruction limit at every point of their first iterations, must count and fault as the
 * interpreter does.
 */
describe('vm loop regions of the fast tier', () => {
  const XDP = '\t.section xdp,"ax",@progbits\n';
  const head = `${XDP}r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr0 = 0\nr6 = 0\nloop:\nif r6 >= 60 goto done\nr4 = r2\nr4 += r6\nr5 = r4\nr5 += 4\nif r5 > r3 goto done\n`;
  const programs: Record<string, string> = {
    'back edge by goto': `${head}r5 = *(u8 *)(r4 + 0)\nr0 += r5\nr6 += 1\ngoto loop\ndone:\nexit\n`,
    'back edge by a conditional jump': `${head}r5 = *(u8 *)(r4 + 0)\nr0 += r5\nr6 += 1\nif r6 < 50 goto loop\ndone:\nexit\n`,
    'forward jump inside the loop': `${head}r5 = *(u32 *)(r4 + 0)\nif r5 != 0x15 goto next\nr0 += 1\nnext:\nr6 += 1\ngoto loop\ndone:\nexit\n`,
    'nested forward jumps': `${head}r5 = *(u8 *)(r4 + 0)\nif r5 > 100 goto b\nif r5 > 50 goto a\nr0 += 1\na:\nr0 += 2\nb:\nr6 += 1\ngoto loop\ndone:\nexit\n`,
  };
  const data = new Uint8Array(64).map((_, i) => (i * 37) & 0xff);
  for (const [name, text] of Object.entries(programs)) {
    it(name, () => {
      const r = assembleModule(text, 't.s');
      assert.ok(!r.diagnostics.some((d) => d.severity === 'error'), JSON.stringify(r.diagnostics));
      for (const limit of [1, 5, 6, 7, 9, 12, 13, 17, 20, 25, 40, 100, 1000000]) {
        bothTiers(() => Vm.load(r.module, { data, limit }));
      }
      const full = Vm.load(r.module, { data });
      if ('error' in full) throw new Error(full.error);
      assert.strictEqual(full.run('fast').fault, undefined);
    });
  }
});
