/**
 * The live callback differential test (root and llvm-mc-22 only): seeded random callback programs
 * (generator.ts) go to the running kernel with func_info and to our verifier, which must give the
 * kernel's verdict and message for every one. Set CALLBACK_LIVE_SEED to explore other programs; a
 * failure lists the disagreeing seeds, whose programs can be added to the callback corpus.
 */
import * as assert from 'assert';
import { hasTool } from '../../helpers/tools';
import { kernelUnavailable, type KernelRequest } from '../../kernel/kernel';
import { prepare, kernelVerdicts, applyVerdict } from '../corpus/record';
import { hexToBytes } from '../corpus/fixtures';
import { runOurs, disagreement, computeFigures, formatReport, type Outcome } from '../corpus/compare';
import { buildProgram } from '../corpus/fixtures';
import { generateCallbackProgram } from './generator';
import { funcInfoFor } from './funcInfo';
import { withoutNoise } from './record';
import type { CallbackEntry } from './fixtures';

const COUNT = 60;
const SEED = Number(process.env.CALLBACK_LIVE_SEED ?? 1);

describe('verifier: live random callback programs against the kernel', function () {
  this.timeout(300000);
  let outcomes: Outcome[] = [];

  before(function () {
    if (process.getuid?.() !== 0) { (this.test!.parent as any).skipReason = 'needs root for the bpf() syscall'; this.skip(); }
    if (!hasTool('llvm-mc-22')) { (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); }
    const why = kernelUnavailable();
    if (why) { (this.test!.parent as any).skipReason = why; this.skip(); }
    const entries: CallbackEntry[] = [];
    const requests: KernelRequest[] = [];
    for (let i = 0; i < COUNT; i++) {
      const text = generateCallbackProgram(SEED + i);
      const p = prepare(`seed_${SEED + i}.s`, text);
      if ('error' in p) throw new Error(`seed ${SEED + i}: ${p.error}`);
      const funcs = funcInfoFor(text, hexToBytes(p.entry.insns))!;
      entries.push({ ...p.entry, category: 'random', btfFuncs: funcs });
      requests.push({ ...p.request, btfFuncs: funcs });
    }
    const results = kernelVerdicts(requests);
    outcomes = entries.map((entry, i) => {
      const r = results[i]!;
      if (r.error) throw new Error(`${entry.file}: ${r.error}`);
      applyVerdict(entry, r.loaded, r.errno, withoutNoise(r.log));
      const built = buildProgram('prog', entry);
      if ('program' in built) built.program.btfFuncs = entry.btfFuncs!;
      return { entry, ours: runOurs(entry, 20000, built) };
    });
    console.log(formatReport(`live callback programs, seeds ${SEED}..${SEED + COUNT - 1}`, outcomes, computeFigures(outcomes)));
  });

  it("gives the kernel's verdict and message for every program", function () {
    const bad = outcomes.map((o) => [o.entry.file, disagreement(o)] as const).filter((x) => x[1] !== undefined);
    assert.deepStrictEqual(bad, []);
  });
});
