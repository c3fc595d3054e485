/** Hover on caret fixtures: every `hover:` caret marks the range a hover must cover and text it must contain. */
import * as assert from 'assert';
import { analyze, complete, hover, describeRegister } from '../../core/src/lang';
import { loadFixture } from './fixture';
import { fakeVerify } from './fakeVerifier';

describe('lang: hover', () => {
  const fx = loadFixture('features/hover.s');
  const a = analyze(fx.text, { fileName: 'hover.s' }, fakeVerify);
  for (const e of fx.expect.filter((x) => x.kind === 'hover')) {
    it(`line ${e.line}: ${e.text}`, () => {
      const h = hover(a, { line: e.line, column: e.column });
      assert.ok(h, 'no hover');
      assert.ok(h.markdown.includes(e.text), h.markdown);
      assert.deepStrictEqual([h.range.line, h.range.column, h.range.endColumn], [e.line, e.column, e.endColumn]);
    });
  }

  const ctx = loadFixture('features/ctx.s');
  const ca = analyze(ctx.text, { fileName: 'ctx.s' }, fakeVerify);
  for (const e of ctx.expect.filter((x) => x.kind === 'hover')) {
    it(`context field, line ${e.line}: ${e.text}`, () => {
      const h = hover(ca, { line: e.line, column: e.column });
      assert.ok(h && h.markdown.startsWith(e.text), h?.markdown);
      assert.deepStrictEqual([h.range.column, h.range.endColumn], [e.column, e.endColumn]);
    });
  }

  it('completes context fields by name inside (r1 + ...), inserting the offset', () => {
    const r = complete(analyze('\t.section\tsocket,"ax",@progbits\np:\n\tr0 = *(u32 *)(r1 + da\n\texit\n'), { line: 3, column: 23 });
    const data = r.items.find((i) => i.label === '__sk_buff.data')!;
    assert.strictEqual(data.insertText, '76');
    assert.deepStrictEqual([r.replace.column, r.replace.endColumn], [21, 23]);
  });

  it('shows the encoding bytes of an instruction', () => {
    const h = hover(a, { line: 8, column: 5 })!;
    assert.ok(h.markdown.includes('b7 01 00 00 00 00 00 00'), h.markdown);
  });

  it('answers nothing on blank lines and comments, and never throws on odd positions', () => {
    assert.strictEqual(hover(a, { line: 2, column: 3 }), undefined);
    for (let line = 0; line < 30; line++) for (const column of [0, 1, 5, 200]) hover(a, { line, column });
  });

  it('puts the verifier state into plain words', () => {
    assert.strictEqual(describeRegister('42'), 'the number 42');
    assert.match(describeRegister('map_value_or_null(id=1,map=m,ks=4,vs=8)'), /or NULL/);
    assert.match(describeRegister('scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))'), /from 0 to 255/);
    assert.match(describeRegister('pkt(off=14,r=14)'), /14 bytes/);
    assert.match(describeRegister('fp-8'), /stack, -8 bytes/);
    // Joined states of several paths: alternatives and registers some path left uninitialised.
    assert.strictEqual(describeRegister('7|?'), 'the number 7, but not initialised on some paths');
    assert.strictEqual(describeRegister('5|fp0'), 'depending on the path: the number 5; or a pointer into the stack, 0 bytes from the frame pointer r10');
  });
});
