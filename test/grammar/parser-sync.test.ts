/**
 * Keeps the grammar's hand-written mnemonic keywords and the mnemonic parser in step, both ways.
 * Every keyword the grammar colours at the start of a statement must begin a one-line program that
 * the assembler accepts in the mnemonic dialect, with operands of some layout this dialect has; and
 * every name the parser accepts (the table's mnemonics and `MNEMONIC_ALIASES`), written with sample
 * operands, must have each of its words coloured as a keyword or a keyword's modifier. A keyword
 * the grammar colours but no assembler accepts fails the first half; a new alias fails the second
 * until the grammar learns it.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { IGrammar } from 'vscode-textmate';
import { assemble } from '../../core/src/asm/assembler';
import { mnemonicIndex } from '../../core/src/asm/mnemonicParser';
import { mnemonicSampleOf } from '../asm/util';
import { grammarCallKinds, grammarMnemonics, sharedKeywords } from './keywords';
import { fixturesDir, loadGrammar, tokenizeLines } from './textmate';

/** Operand layouts of the mnemonic dialect, one of which every instruction takes. */
const LAYOUTS = [
  '', 'r1', 'r1, r2', 'r1, -7', 'r1, r2, 1, 0', 'r1, [r2+12]', '[r1+12], r2', '[r1+12], -7',
  'r1, 0x123456789abcdef0', '-7', '+3', 'r1, r2, +3', 'r1, -7, +3', 'next\nnext:',
];

/** Errors of a program, as `line: message`. */
function errors(text: string): string[] {
  return assemble(text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.line}: ${d.message}`);
}

/** The first of the operand layouts after `head` that the assembler takes without errors, in the dialect asked for. */
function acceptedLayout(head: string, dialect?: 'mnemonic', layouts = LAYOUTS): string | undefined {
  return layouts.map((ops) => `${head} ${ops}`.trim()).find((text) => {
    const r = assemble(text);
    return !r.diagnostics.some((d) => d.severity === 'error') && (dialect === undefined || r.dialect === dialect);
  });
}

describe('grammar: in sync with the mnemonic parser', () => {
  let grammar: IGrammar;
  before(async () => { grammar = await loadGrammar(); });

  describe('every keyword the grammar colours is accepted', () => {
    const lists = grammarMnemonics();
    it('instruction keywords (alu, memory, jump) begin a mnemonic-dialect instruction', () => {
      const refused = [...lists.alu, ...lists.memory, ...lists.jump].filter((w) => acceptedLayout(w, 'mnemonic') === undefined);
      assert.deepStrictEqual(refused, []);
    });

    it('atomic operations, with and without fetch, follow lock', () => {
      const refused = lists.atomic.flatMap((w) => [`lock ${w}`, `lock fetch ${w}`]).filter((head) => acceptedLayout(head, 'mnemonic') === undefined);
      assert.deepStrictEqual(refused, []);
    });

    it('call kinds follow call, and the keywords both dialects share begin an instruction', () => {
      // `call kfunc 5` is the LLVM dialect's spelling, so these may be accepted in either dialect.
      // An operand must follow a call kind: `call helper` alone calls a function named `helper`.
      const kinds = grammarCallKinds().map((k) => `call ${k}`).filter((head) => acceptedLayout(head, undefined, LAYOUTS.slice(1)) === undefined);
      const shared = Object.keys(sharedKeywords).filter((w) => w !== 'lock' && acceptedLayout(w) === undefined);
      assert.deepStrictEqual([...kinds, ...shared], []);
    });

    it('a word the grammar does not list is refused, so the check can fail', () => {
      assert.strictEqual(acceptedLayout('ldabsdw', 'mnemonic'), undefined);
      assert.notDeepStrictEqual(errors('sdiv64 r1, 2'), []);
    });
  });

  it('the grammar\'s mnemonic-dialect fixture assembles without errors', () => {
    const r = assemble(fs.readFileSync(path.join(fixturesDir, 'mnemonic.s'), 'utf8'));
    assert.deepStrictEqual(r.diagnostics.map((d) => `${d.range.line}: ${d.message}`), []);
    assert.strictEqual(r.dialect, 'mnemonic');
  });

  it('every name the mnemonic parser accepts is coloured, word by word', () => {
    const misses: string[] = [];
    let names = 0;
    for (const entries of mnemonicIndex().values()) {
      for (const { words, form } of entries) {
        const text = mnemonicSampleOf(form, words.join(' '));
        if (text === undefined) continue;
        names++;
        const line = text.split('\n')[0]!;
        assert.deepStrictEqual(errors(text), [], line);
        const tokens = tokenizeLines(grammar, [line])[0]!;
        for (const word of words) {
          const tok = tokens.find((t) => t.text.trim() === word);
          const coloured = tok?.scopes.some((s) => s.startsWith('keyword') || s.startsWith('storage.modifier')) === true;
          if (!coloured || tok!.scopes.some((s) => s.startsWith('invalid'))) misses.push(`${form.id}: "${word}" in "${line}"`);
        }
      }
    }
    assert.ok(names > 100, `only ${names} names`);
    assert.deepStrictEqual(misses, []);
  });
});
