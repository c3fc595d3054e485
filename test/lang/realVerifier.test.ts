/**
 * The services with the real embedded verifier, on caret fixtures in test/fixtures/lang/real: the
 * verifier's error lands on the marked range with the kernel's words, each `fix:` caret names a quick
 * fix that is offered, and applying that fix makes the verifier accept the program (the verifier is
 * the oracle of the fix). Register hovers and inlay hints show the verifier's own notation.
 */
import * as assert from 'assert';
import { analyze, codeActions, hover, inlayHints, type TextEdit } from '../../core/src/lang';
import { verifyProgram } from '../../core/src/verifier';
import { fixtureFiles, loadFixture } from './fixture';

/** Applies edits (non-overlapping, any order) to a text; positions are 1-based. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offsetOf = (line: number, column: number): number => {
    let o = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) o += lines[i]!.length + 1;
    return o + column - 1;
  };
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.line, b.range.column) - offsetOf(a.range.line, a.range.column));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetOf(e.range.line, e.range.column)) + e.newText + out.slice(offsetOf(e.range.endLine, e.range.endColumn));
  return out;
}

describe('lang: with the real verifier', () => {
  for (const file of fixtureFiles('real')) {
    it(file, () => {
      const fx = loadFixture(file);
      const a = analyze(fx.text, { fileName: file }, verifyProgram);
      const want = fx.expect.filter((e) => e.kind === 'error' || e.kind === 'warning').map((e) => `${e.line}:${e.column}-${e.endColumn} ${e.kind}: ${e.text}`);
      const got = a.diagnostics.map((d) => `${d.range.line}:${d.range.column}-${d.range.endColumn} ${d.severity}: ${d.message.split('\n')[0]}`);
      assert.deepStrictEqual(got, want);
      const related = a.diagnostics.flatMap((d) => d.related ?? []).map((r) => `${r.range.line}:${r.range.column}-${r.range.endColumn} ${r.message}`);
      assert.deepStrictEqual(related, fx.expect.filter((e) => e.kind === 'related').map((e) => `${e.line}:${e.column}-${e.endColumn} ${e.text}`));
      for (const e of fx.expect.filter((x) => x.kind === 'fix')) {
        const d = a.diagnostics.find((x) => x.range.line === e.line)!;
        const fix = codeActions(a, d).find((f) => f.title === e.text);
        assert.ok(fix, `no fix '${e.text}' among ${JSON.stringify(codeActions(a, d).map((f) => f.title))}`);
        const fixed = analyze(applyEdits(fx.text, fix.edits), {}, verifyProgram);
        assert.deepStrictEqual(fixed.diagnostics.map((x) => x.message), [], `after '${e.text}'`);
        assert.ok(fixed.programs.every((p) => p.result?.accepted));
      }
    });
  }

  it('shows the verifier state of a register on hover and the state changes as inlay hints', () => {
    const fx = loadFixture('features/hover.s');
    const a = analyze(fx.text, {}, verifyProgram);
    const h = hover(a, { line: 19, column: 5 })!;
    // A lookup in an array map with a constant, in-range key cannot fail (as in the kernel since 6.6).
    assert.match(h.markdown, /`R0=map_value\(map=counts,ks=4,vs=8\)` — a pointer into a value of map counts/);
    const hints = new Map(inlayHints(a).map((x) => [x.position.line, x.label]));
    assert.strictEqual(hints.get(8), '; R1_w=0');
    assert.strictEqual(hints.get(13), '; R2_w=fp-4');
    assert.match(hints.get(15)!, /^; R1_w=map_ptr\(map=counts,ks=4,vs=8\)/);
  });

  it('joins the states of every path in hovers and inlay hints, and says how many paths there were', () => {
    const text = ['\t.section\tsocket,"ax",@progbits', 'prog:', '\tr2 = *(u32 *)(r1 + 0)', '\tr0 = 1', '\tif r2 > 10 goto +1',
      '\tr0 = 3', '\tr0 += 1', '\texit', ''].join('\n');
    const a = analyze(text, {}, verifyProgram);
    const h = hover(a, { line: 7, column: 2 })!;
    assert.strictEqual(h.markdown,
      'before: `R0=scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=3,var_off=(0x1; 0x2))` — a number from 1 to 3\n\n' +
      'after: `R0=scalar(smin=umin=smin32=umin32=2,smax=umax=smax32=umax32=4,var_off=(0x0; 0x6))` — a number from 2 to 4\n\n' +
      '2 paths reach this instruction; the states above join them all.');
    const hint = inlayHints(a).find((x) => x.position.line === 7)!;
    assert.strictEqual(hint.tooltip, '2 paths reach this instruction; their states after it, joined: ' +
      'R0=scalar(smin=umin=smin32=umin32=2,smax=umax=smax32=umax32=4,var_off=(0x0; 0x6)) R1=ctx() ' +
      'R2=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R10=fp0');
  });

  it('stops a verification that outruns its time budget and says so instead of stalling', () => {
    const lines = ['\t.section\txdp,"ax",@progbits', 'prog:', '\tr0 = 0', '\tr1 = 0', '.Ltop:'];
    for (let i = 0; i < 60; i++) lines.push(`\tif r1 > ${i} goto .L${i}`, '\tr0 += 1', `.L${i}:`);
    lines.push('\tr1 += 1', '\tif r1 < 100000 goto .Ltop', '\tr0 = 2', '\texit');
    const t0 = Date.now();
    const a = analyze(`${lines.join('\n')}\n`, { timeBudgetMs: 30 }, verifyProgram);
    assert.ok(Date.now() - t0 < 2000);
    assert.deepStrictEqual(a.diagnostics.map((d) => `${d.code} ${d.severity}`), ['LNT103 info']);
    assert.strictEqual(a.programs[0]!.stopped, true);
  });
});
