/**
 * Differential test on generated programs (the seeded generator of test/gen): for several seeds,
 * with subprograms, helper calls by name, map loads and both number styles, our object must be
 * byte-identical to llvm-mc's, and the program section must hold the generator's own encoding.
 */
import * as assert from 'assert';
import { randomProgram } from '../gen/random';
import { writeElf } from '../../core/src/elf/writer';
import { assembleModule } from '../../core/src/program/assembleModule';
import { jumpTarget } from '../../core/src/isa/insn';
import { hasTool } from '../helpers/tools';
import { asm, hex, listing, llvmMc, sectionBytes } from './util';

const SEEDS = [1, 2, 3, 42, 1234, 99991];

describe('asm: generated programs', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: section bytes equal the generator's`, () => {
      const p = randomProgram(seed, { length: 400, subprograms: 2, section: seed % 2 ? 'xdp' : 'tc' });
      const r = asm(p.text);
      assert.deepStrictEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
      assert.strictEqual(hex(sectionBytes(r, seed % 2 ? 'xdp' : 'tc')), hex(p.bytes));
    });
  }

  for (const seed of SEEDS) {
    it(`seed ${seed}: the program model calls land on function starts and jumps stay inside`, () => {
      const p = randomProgram(seed, { length: 400, subprograms: 3, section: 'xdp' });
      const { module } = assembleModule(p.text, 'random.s');
      assert.strictEqual(module.programs.length, 1);
      const prog = module.programs[0]!;
      const starts = new Set(prog.funcs.map((f) => f.start));
      prog.insns.forEach((insn, pc) => {
        const t = jumpTarget(insn, pc);
        if (t === undefined) return;
        if (insn.kind === 'call') assert.ok(starts.has(t), `call at ${pc} lands on ${t}`);
        else assert.ok(t >= 0 && t < prog.insns.length, `jump at ${pc} leaves the program`);
      });
    });
  }

  describe('against llvm-mc', () => {
    before(function () { if (!hasTool('llvm-mc-22')) { (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); } });
    for (const seed of SEEDS) {
      it(`seed ${seed}: the object equals llvm-mc's`, () => {
        const p = randomProgram(seed, { length: 400, subprograms: 2, section: seed % 2 ? 'xdp' : 'tc' });
        const ref = llvmMc(p.text, `random-${seed}.s`);
        assert.ok(ref.bytes, ref.stderr);
        const mine = writeElf(asm(p.text).object);
        if (Buffer.compare(Buffer.from(mine), Buffer.from(ref.bytes!)) !== 0) {
          assert.strictEqual(listing(mine, `mine-${seed}.o`), listing(ref.bytes!, `ref-${seed}.o`));
          assert.fail('listings agree but the bytes differ');
        }
      });
    }
  });
});
