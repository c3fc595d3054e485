/** Diagnostics of the analysis on caret-annotated fixtures: assembler errors, lint warnings, verifier errors. */
import * as assert from 'assert';
import { analyze } from '../../core/src/lang';
import * as path from 'path';
import { FIXTURES, fixtureFiles, loadFixture, parseFixture } from './fixture';
import { hasTool, run } from '../helpers/tools';
import { fakeVerify } from './fakeVerifier';

function check(name: string, text: string, withVerifier: boolean): void {
  const fx = parseFixture(text, name);
  const a = analyze(text, { fileName: name }, withVerifier ? fakeVerify : undefined);
  const want = fx.expect.filter((e) => e.kind === 'error' || e.kind === 'warning')
    .map((e) => `${e.line}:${e.column}-${e.endColumn} ${e.kind}: ${e.text}`);
  const got = a.diagnostics.map((d) => `${d.range.line}:${d.range.column}-${d.range.endColumn} ${d.severity}: ${d.message.split('\n')[0]}`);
  assert.deepStrictEqual(got, want, `${name}\n${a.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
}

describe('lang: diagnostics on caret fixtures', () => {
  for (const file of fixtureFiles()) {
    it(file, () => { const fx = loadFixture(file); check(file, fx.text, file.startsWith('verify')); });
  }

  it('the fixture parser reads caret columns as character columns', () => {
    const fx = parseFixture('\tr0 = 1\n#^^^^^^ warning: x\n');
    assert.deepStrictEqual(fx.expect, [{ line: 1, column: 2, endColumn: 8, kind: 'warning', text: 'x' }]);
  });

  it('puts the verifier error at the blamed instruction with the kernel words first', () => {
    const fx = loadFixture('verify-null.s');
    const a = analyze(fx.text, {}, fakeVerify);
    const d = a.diagnostics.find((x) => x.code === 'VER999')!;
    assert.strictEqual(d.message, "R0 invalid mem access 'map_value_or_null'\nthe pointer may be NULL");
    assert.strictEqual(d.insn, 7);
    assert.strictEqual(a.programs[0]!.result!.accepted, false);
  });

  it('does not run the verifier when the file has assembler errors or it is turned off', () => {
    let calls = 0;
    const counting = (...args: Parameters<typeof fakeVerify>) => { calls++; return fakeVerify(...args); };
    analyze(loadFixture('asm-errors.s').text, {}, counting);
    analyze(loadFixture('verify-null.s').text, { verifierEnabled: false }, counting);
    assert.strictEqual(calls, 0);
  });

  it('turns an exception in the verifier into a diagnostic', () => {
    const a = analyze(loadFixture('verify-null.s').text, {}, () => { throw new Error('boom'); });
    assert.ok(a.diagnostics.some((d) => d.code === 'LSP001' && d.message.includes('boom')));
  });
});

describe('lang: fixtures are valid programs for llvm-mc', () => {
  before(function () { if (!hasTool('llvm-mc-22')) { (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); } });
  it('every fixture assembles with llvm-mc (caret lines are comments)', () => {
    for (const file of [...fixtureFiles(), ...fixtureFiles('features'), ...fixtureFiles('real')]) {
      const r = run('llvm-mc-22', ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', '-o', '/dev/null', path.join(FIXTURES, file)]);
      assert.strictEqual(r.status, 0, `${file}: ${r.stderr}`);
    }
  });
});
