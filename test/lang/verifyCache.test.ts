/**
 * The per-document verification cache and the shared token list: an edit that leaves a program's
 * instructions alone skips the verifier, an edit that changes them (or the maps, or the options) does
 * not, incomplete verifications are never remembered, and the syntax index built from the
 * assembler's tokens is the one built by lexing again.
 */
import * as assert from 'assert';
import { analyze, buildSyntax, ensureStates, verifierLogOf, VerifyCache, type VerifyFn } from '../../core/src/lang';
import { assemble } from '../../core/src/asm/assembler';
import { verifyProgram } from '../../core/src/verifier';
import { fakeVerify } from './fakeVerifier';
import { fixtureFiles, loadFixture } from './fixture';

function counting(inner: VerifyFn): { verify: VerifyFn; calls: { level: number; states: boolean }[] } {
  const calls: { level: number; states: boolean }[] = [];
  return { calls, verify: (p, m, o) => { calls.push({ level: o.logLevel ?? 0, states: o.collectStates === true }); return inner(p, m, o); } };
}

const PROG = [
  '# @map counts type=array key_size=4 value_size=8 max_entries=4',
  '\t.section\txdp,"ax",@progbits', '\t.globl\tprog', 'prog:',
  '\tr1 = 0', '\t*(u32 *)(r10 - 4) = r1', '\tr2 = r10', '\tr2 += -4', '\tr1 = counts ll', '\tcall 1',
  '\tif r0 == 0 goto .Lout', '\tr1 = *(u64 *)(r0 + 0)', '.Lout:', '\tr0 = 2', '\texit', '',
].join('\n');

describe('lang: verification cache', () => {
  it('skips the verifier when only comments and blank lines change, and keeps the verdict at the moved lines', () => {
    const cache = new VerifyCache();
    const c = counting(verifyProgram);
    const a1 = analyze(PROG, { cache }, c.verify);
    assert.strictEqual(c.calls.length, 1);
    const moved = `# a comment\n\n${PROG.replace('\tr2 = r10', '\tr2 = r10   # the key on the stack')}`;
    const a2 = analyze(moved, { cache }, c.verify);
    assert.strictEqual(c.calls.length, 1, 'no second verification');
    assert.strictEqual(a2.programs[0]!.result!.accepted, true);
    assert.strictEqual(a2.programs[0]!.result, a1.programs[0]!.result);
    // Source ranges come from the new text, not from the cached result.
    assert.strictEqual(a2.programs[0]!.program.lines[0]!.line, a1.programs[0]!.program.lines[0]!.line + 2);
  });

  it('verifies again when an instruction, a map or an option changes', () => {
    const cache = new VerifyCache();
    const c = counting(verifyProgram);
    analyze(PROG, { cache }, c.verify);
    analyze(PROG.replace('\tr0 = 2', '\tr0 = 1'), { cache }, c.verify);
    analyze(PROG.replace('max_entries=4', 'max_entries=8'), { cache }, c.verify);
    analyze(PROG, { cache, unprivileged: true }, c.verify);
    analyze(PROG, { cache, maxInstructions: 500 }, c.verify);
    assert.strictEqual(c.calls.length, 5);
    // And going back to an earlier text (undo) is free.
    analyze(PROG, { cache }, c.verify);
    assert.strictEqual(c.calls.length, 5);
  });

  it('places a cached rejection at the blamed line of the new text, with its path, without a level-2 run', () => {
    const cache = new VerifyCache();
    const c = counting(verifyProgram);
    const bad = PROG.replace('\tif r0 == 0 goto .Lout\n', '\tif r1 == 0 goto .Lout\n');
    const a1 = analyze(bad, { cache }, c.verify);
    const levels1 = c.calls.map((x) => x.level);
    assert.deepStrictEqual(levels1, [0, 2], 'a rejection reads its path from a level-2 run once');
    const a2 = analyze(`\n\n${bad}`, { cache }, c.verify);
    assert.strictEqual(c.calls.length, 2);
    const d1 = a1.diagnostics.find((d) => d.code.startsWith('VER'))!;
    const d2 = a2.diagnostics.find((d) => d.code.startsWith('VER'))!;
    assert.strictEqual(d2.range.line, d1.range.line + 2);
    assert.strictEqual(d2.message, d1.message);
    assert.deepStrictEqual(d2.related?.map((r) => r.range.line), d1.related?.map((r) => r.range.line + 2));
    // The log request reuses the level-2 log too.
    assert.ok(verifierLogOf(a2, a2.programs[0]!).length > 0);
    assert.strictEqual(c.calls.length, 2);
  });

  it('remembers the register states once asked for, so later analyses have them at once', () => {
    const cache = new VerifyCache();
    const c = counting(verifyProgram);
    const a1 = analyze(PROG, { cache, collectStates: false }, c.verify);
    assert.strictEqual(a1.programs[0]!.result!.states, undefined);
    assert.strictEqual(ensureStates(a1), true);
    const a2 = analyze(`${PROG}# trailing comment\n`, { cache, collectStates: false }, c.verify);
    assert.ok(a2.programs[0]!.result!.states);
    assert.deepStrictEqual(c.calls.map((x) => x.states), [false, true]);
  });

  it('never remembers a verification the time budget stopped or an edit cancelled', () => {
    const cache = new VerifyCache();
    const slow: VerifyFn = (p, m, o) => {
      const deadline = Date.now() + 40;
      while (Date.now() < deadline) if (o.signal?.cancelled) break;
      return verifyProgram(p, m, o);
    };
    const a = analyze(PROG, { cache, timeBudgetMs: 5 }, slow);
    assert.strictEqual(a.programs[0]!.stopped, true);
    assert.strictEqual(cache.size, 0);
    const signal = { cancelled: false };
    const cancelling: VerifyFn = (p, m, o) => { signal.cancelled = true; return verifyProgram(p, m, o); };
    analyze(PROG, { cache, signal }, cancelling);
    assert.strictEqual(cache.size, 0);
  });

  it('keeps a bounded number of entries', () => {
    const cache = new VerifyCache();
    for (let i = 0; i < 100; i++) analyze(PROG.replace('\tr0 = 2', `\tr0 = ${i}`), { cache }, fakeVerify);
    assert.ok(cache.size <= 16);
  });
});

describe('lang: syntax index from the assembler tokens', () => {
  it('equals the one built by lexing again, on every fixture', () => {
    const files = [...fixtureFiles(), ...fixtureFiles('features'), ...fixtureFiles('real')];
    assert.ok(files.length > 5);
    for (const file of files) {
      const text = loadFixture(file).text;
      const tokens = assemble(text, { keepTokens: true }).tokens;
      const a = buildSyntax(text);
      const b = buildSyntax(text, tokens);
      assert.deepStrictEqual(b.annotations, a.annotations, file);
      assert.deepStrictEqual(b.tokens, a.tokens, file);
      assert.deepStrictEqual([...b.defs], [...a.defs], file);
      assert.deepStrictEqual([...b.uses], [...a.uses], file);
    }
  });

  it('lexes again when the token list stops short of the end of input', () => {
    const text = '# @map m type=array key_size=4 value_size=4 max_entries=1\n\tr0 = 0\n\texit\n';
    const tokens = assemble(text, { keepTokens: true }).tokens!;
    const b = buildSyntax(text, tokens.slice(0, 2));
    assert.deepStrictEqual(b.tokens, buildSyntax(text).tokens);
  });
});
