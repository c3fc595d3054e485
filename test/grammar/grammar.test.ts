// Tests of syntaxes/ebpf.tmLanguage.json and the Markdown injection, run through vscode-textmate
// and Oniguruma as VS Code runs them. Most checks are rows of `{line, token, scope}` kept in the
// cases-*.ts tables; this file runs them, then covers what a single line cannot show: comments
// spanning lines, fenced blocks in Markdown, the mnemonic keyword lists, and whole fixture files
// that must tokenize without any `invalid` scope.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { IGrammar } from 'vscode-textmate';
import { describeTokens, findToken, fixturesDir, grammarPath, invalidTokens, loadGrammar, ScopeCase, Token, tokenizeLines } from './textmate';
import { pseudoCCases } from './cases-pseudo-c';
import { sourceCases } from './cases-source';
import { mnemonicCases } from './cases-mnemonic';
import { listingCases } from './cases-listing';
import { grammarMnemonics, mnemonicRules, MnemonicGroup, sharedKeywords } from './keywords';
import { S } from './scopes';

function tokenOf(tokens: readonly Token[], text: string, nth = 0): Token {
  const token = findToken(tokens, text, nth);
  assert.ok(token, `no token ${JSON.stringify(text)} (#${nth}) among:\n${describeTokens(tokens)}`);
  return token;
}

function checkCase(grammar: IGrammar, c: ScopeCase): void {
  const [tokens = []] = tokenizeLines(grammar, [c.line]);
  const token = tokenOf(tokens, c.token, c.nth);
  assert.ok(token.scopes.includes(c.scope), `${JSON.stringify(c.token)} in ${JSON.stringify(c.line)} lacks ${c.scope}:\n${describeTokens(tokens)}`);
}

function scopeTable(title: string, cases: readonly ScopeCase[]): void {
  describe(title, () => {
    for (const c of cases) {
      const which = c.nth ? ` #${c.nth}` : '';
      it(`${JSON.stringify(c.line)}: ${JSON.stringify(c.token)}${which} is ${c.scope}`, async () => {
        checkCase(await loadGrammar(), c);
      });
    }
  });
}

describe('grammar: source.ebpf', () => {
  scopeTable('pseudo-C instructions', pseudoCCases);
  scopeTable('labels, directives, comments, annotations', sourceCases);
  scopeTable('mnemonic dialect', mnemonicCases);
  scopeTable('pasted listings', listingCases);

  describe('multi-line constructs', () => {
    it('a block comment keeps its scope across lines and ends mid-line', async () => {
      const lines = ['r0 = 0 /* starts here', '  r1 = 1 still comment', '  ends */ exit'];
      const [first = [], middle = [], last = []] = tokenizeLines(await loadGrammar(), lines);
      assert.ok(tokenOf(first, ' starts here').scopes.includes(S.block));
      assert.deepStrictEqual(
        middle.map((t) => t.scopes.includes(S.block)),
        middle.map(() => true),
        describeTokens(middle),
      );
      assert.ok(tokenOf(last, '*/').scopes.includes(S.block));
      const exit = tokenOf(last, 'exit');
      assert.ok(exit.scopes.includes(S.kExit) && !exit.scopes.includes(S.block), describeTokens(last));
    });

    it('an unterminated string stops at the end of its line', async () => {
      const [, next = []] = tokenizeLines(await loadGrammar(), ['\t.ascii "open', '\tr0 = 1']);
      assert.ok(tokenOf(next, 'r0').scopes.includes(S.r64), describeTokens(next));
    });

    it('a comment line does not leak into the next line', async () => {
      const [, next = []] = tokenizeLines(await loadGrammar(), ['# @map m type=hash', 'r0 = 1']);
      assert.deepStrictEqual(next[0]?.scopes, ['source.ebpf', S.r64]);
    });
  });

  it('every #include names a rule of the repository', () => {
    const raw = JSON.parse(fs.readFileSync(grammarPath, 'utf8')) as { repository: Record<string, unknown> };
    const includes = JSON.stringify(raw).match(/"include":"#[^"]+"/g) ?? [];
    const missing = includes.map((i) => i.slice('"include":"#'.length, -1)).filter((name) => !(name in raw.repository));
    assert.deepStrictEqual(missing, []);
  });

  describe('mnemonic keyword lists', () => {
    const lists = grammarMnemonics();
    for (const group of Object.keys(mnemonicRules) as MnemonicGroup[]) {
      it(`${group}: every keyword is unique and tokenizes at the start of a statement`, async () => {
        const words = lists[group];
        assert.ok(words.length > 0);
        assert.strictEqual(new Set(words).size, words.length, `duplicates in ${group}`);
        const grammar = await loadGrammar();
        for (const word of words) {
          const line = group === 'atomic' ? `lock ${word} [r1+0], r2` : `${word} r1, r2`;
          checkCase(grammar, { line, token: word, scope: mnemonicRules[group].scope });
        }
      });
    }
    it('keywords shared with pseudo-C keep their pseudo-C scopes', async () => {
      const grammar = await loadGrammar();
      for (const [word, scope] of Object.entries(sharedKeywords)) checkCase(grammar, { line: `${word} r1`, token: word, scope });
    });
  });

  describe('fixture files tokenize without invalid scopes', () => {
    for (const name of ['all-forms.s', 'llc-debug.s', 'mnemonic.s', 'objdump.txt', 'bpftool-xlated.txt']) {
      it(name, async () => {
        const lines = fs.readFileSync(path.join(fixturesDir, name), 'utf8').split('\n');
        const tokens = tokenizeLines(await loadGrammar(), lines);
        const bad = tokens.flatMap((line, i) => invalidTokens(line).map((text) => `${name}:${i + 1}: ${JSON.stringify(text)} in ${lines[i]}`));
        assert.deepStrictEqual(bad, []);
      });
    }
  });
});

describe('grammar: Markdown injection', () => {
  const markdown = fs.readFileSync(path.join(fixturesDir, 'fenced.md'), 'utf8').split('\n');
  const lineOf = (text: string): number => {
    const i = markdown.indexOf(text);
    assert.ok(i >= 0, `fenced.md has no line ${JSON.stringify(text)}`);
    return i;
  };

  it('```ebpf and ~~~bpf fences embed source.ebpf, other fences do not', async () => {
    const tokens = tokenizeLines(await loadGrammar('text.html.markdown'), markdown);
    const at = (text: string, token: string): Token => tokenOf(tokens[lineOf(text)] ?? [], token);
    const embedded = ['source.ebpf', 'meta.embedded.block.ebpf'];
    for (const [line, token, scope] of [
      ['r0 = 1 # @prog xdp', 'r0', S.r64],
      ['r0 = 1 # @prog xdp', '@prog', 'keyword.other.annotation.prog.ebpf'],
      ['mov r0, 1', 'mov', S.mAlu],
    ] as const) {
      const t = at(line, token);
      for (const s of [...embedded, scope]) assert.ok(t.scopes.includes(s), `${token} lacks ${s}: ${t.scopes.join(' ')}`);
    }
    assert.ok(at('```ebpf', 'ebpf').scopes.includes('fenced_code.block.language.markdown'));
    assert.ok(!at('int r0 = 1;', 'int r0 = 1;').scopes.includes('source.ebpf'));
    assert.ok(!at('After the fences.', 'After the fences.').scopes.includes('source.ebpf'));
  });

  it('a block comment inside a fence spans lines and ends before the closing fence', async () => {
    const tokens = tokenizeLines(await loadGrammar('text.html.markdown'), markdown);
    const second = tokens[lineOf('   over two lines */ exit')] ?? [];
    assert.ok(tokenOf(second, '*/').scopes.includes(S.block), describeTokens(second));
    assert.ok(tokenOf(second, 'exit').scopes.includes(S.kExit), describeTokens(second));
    const closing = tokens[lineOf('```ebpf') + 4] ?? [];
    assert.ok(closing.every((t) => !t.scopes.includes('source.ebpf')), describeTokens(closing));
  });
});
