/**
 * Keeps the grammar in step with the one instruction table: every form of core/src/isa/table.ts,
 * printed in both dialects by the project's own printers, must colour every keyword it uses. A row
 * added to the table with a word the grammar does not know fails here.
 */
import * as assert from 'assert';
import type { IGrammar } from 'vscode-textmate';
import { FORMS, makeInsn, usedFields, type Form } from '../../core/src/isa';
import { printInsn } from '../../core/src/asm/printer';
import { printMnemonic } from '../../core/src/asm/mnemonicPrinter';
import { loadGrammar, tokenizeLines, type Token } from './textmate';

/** A valid instruction of the form, with operands in every field it uses. */
function sample(form: Form) {
  const u = usedFields(form);
  return makeInsn(form, {
    dst: u.dst ? 1 : 0,
    src: u.src && form.srcSel === undefined ? 2 : 0,
    off: u.off ? 4 : 0,
    imm: u.imm ? 8 : 0,
    imm64: 0x12345678n,
  });
}

/** Word tokens that the grammar left without a scope of their own, or marked invalid. */
function uncoloured(tokens: readonly Token[]): string[] {
  return tokens
    .filter((t) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(t.text.trim()))
    .filter((t) => t.scopes.length < 2 || t.scopes.some((s) => s.startsWith('invalid')))
    .map((t) => t.text.trim());
}

describe('grammar: in sync with the instruction table', () => {
  let grammar: IGrammar;
  before(async () => { grammar = await loadGrammar(); });

  it('colours every word of every LLVM-dialect form', () => {
    const misses: string[] = [];
    for (const form of FORMS) {
      const line = `\t${printInsn(sample(form))}`;
      const bad = uncoloured(tokenizeLines(grammar, [line])[0]!);
      if (bad.length) misses.push(`${form.id}: "${line.trim()}" leaves ${bad.join(', ')}`);
    }
    assert.deepStrictEqual(misses, []);
  });

  it('colours the mnemonic of every form in the mnemonic dialect as a keyword or its modifier', () => {
    const misses: string[] = [];
    for (const form of FORMS) {
      const line = `\t${printMnemonic(sample(form))}`;
      const tokens = tokenizeLines(grammar, [line])[0]!;
      for (const word of form.mnemonic.split(' ')) {
        const tok = tokens.find((t) => t.text.trim() === word);
        // The call kind of `call local` / `call runtime` is a modifier of the keyword, scoped as such.
        if (!tok || !tok.scopes.some((s) => s.startsWith('keyword') || s.startsWith('storage.modifier'))) misses.push(`${form.id}: "${word}" in "${line.trim()}"`);
      }
    }
    assert.deepStrictEqual(misses, []);
  });
});
