// Tests of language-configuration.json, the editor behaviour VS Code reads for eBPF files: comment
// tokens, bracket pairs, the word pattern (what double-click and word-based features treat as one
// word), folding markers and indentation rules. The regular expressions are compiled as VS Code
// compiles them, with JavaScript's RegExp.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from './textmate';

interface LanguageConfiguration {
  comments: { lineComment: string; blockComment: [string, string] };
  brackets: Array<[string, string]>;
  autoClosingPairs: Array<{ open: string; close: string }>;
  wordPattern: string;
  folding: { markers: { start: string; end: string } };
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
}

const config = JSON.parse(fs.readFileSync(path.join(repoRoot, 'language-configuration.json'), 'utf8')) as LanguageConfiguration;

/** The word the pattern finds around `offset`, the way the editor picks the word under the cursor. */
function wordAt(line: string, offset: number): string | undefined {
  const re = new RegExp(config.wordPattern, 'g');
  for (const m of line.matchAll(re)) {
    if (m.index !== undefined && m.index <= offset && offset < m.index + m[0].length) return m[0];
  }
  return undefined;
}

describe('language-configuration.json', () => {
  it('uses # for line comments (llvm-mc accepts it) and /* */ for blocks', () => {
    assert.strictEqual(config.comments.lineComment, '#');
    assert.deepStrictEqual(config.comments.blockComment, ['/*', '*/']);
  });

  it('pairs () and [] and auto-closes them', () => {
    assert.deepStrictEqual(config.brackets, [['(', ')'], ['[', ']']]);
    for (const [open, close] of config.brackets) {
      assert.ok(config.autoClosingPairs.some((p) => p.open === open && p.close === close), `${open}${close} not auto-closed`);
    }
  });

  describe('word pattern keeps tokens whole', () => {
    const rows: Array<[line: string, word: string]> = [
      ['\t*(u64 *)(r10 - 8) = r1', 'r10'],
      ['\tw10 = w10', 'w10'],
      ['\tif r0 == 0 goto LBB0_2', 'LBB0_2'],
      ['.Ltmp1:', '.Ltmp1'],
      ['\t.section\txdp,"ax",@progbits', '.section'],
      ['\tcall bpf_map_lookup_elem', 'bpf_map_lookup_elem'],
      ['\tr0 &= 0x1f', '0x1f'],
      ['\tr2 += -0x4', '-0x4'],
      ['\tr0 = *(u32 *)(r1 - 0x4)', '0x4'],
      ['\t.size\tfunc, .Lfunc_end0-func', '.Lfunc_end0'],
      ['\tldxdw %r0, [%r10-8]', 'r10'],
    ];
    for (const [line, word] of rows) {
      it(`${JSON.stringify(word)} in ${JSON.stringify(line)}`, () => {
        const at = line.indexOf(word);
        assert.ok(at >= 0);
        for (let i = at; i < at + word.length; i++) assert.strictEqual(wordAt(line, i), word, `at offset ${i}`);
      });
    }
    it('a subtraction is not a negative number', () => {
      assert.strictEqual(wordAt('(r10-8)', 5), '8');
      assert.strictEqual(wordAt('.Lfunc_end0-func', 13), 'func');
    });
  });

  describe('folding markers', () => {
    const start = new RegExp(config.folding.markers.start);
    const end = new RegExp(config.folding.markers.end);
    const starts = ['func:', 'func:                                   # @func', '# region maps', '// region', '\t.globl\tfunc   # -- Begin function func'];
    const notStarts = ['LBB0_2:', '.Ltmp1:', '\tr0 = 1', '# regional', '\texit'];
    const ends = ['\t.size\tfunc, .Lfunc_end0-func', '\t.size myfunc, .-myfunc', '# endregion', '                                        # -- End function'];
    const notEnds = ['\t.sizeof', '\texit', '# end'];
    for (const line of starts) it(`starts at ${JSON.stringify(line)}`, () => assert.ok(start.test(line)));
    for (const line of notStarts) it(`does not start at ${JSON.stringify(line)}`, () => assert.ok(!start.test(line)));
    for (const line of ends) it(`ends at ${JSON.stringify(line)}`, () => assert.ok(end.test(line)));
    for (const line of notEnds) it(`does not end at ${JSON.stringify(line)}`, () => assert.ok(!end.test(line)));
  });

  describe('indentation rules', () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    for (const line of ['func:', 'LBB0_2:', '.Ltmp1:  # loop head', 'loop: /* body */']) {
      it(`a label line ${JSON.stringify(line)} indents what follows and outdents itself`, () => {
        assert.ok(increase.test(line));
        assert.ok(decrease.test(line));
      });
    }
    for (const line of ['\tr0 = 1', 'loop: exit', '\t.section xdp,"ax",@progbits', '\t*(u64 *)(r10 - 8) = r1']) {
      it(`${JSON.stringify(line)} changes no indentation`, () => {
        assert.ok(!increase.test(line));
        assert.ok(!decrease.test(line));
      });
    }
  });
});
