/**
 * Completion, signature help, navigation, rename, symbols, folding, semantic tokens, inlay hints,
 * code lenses and quick fixes of the language services, on the fixtures of test/fixtures/lang.
 */
import * as assert from 'assert';
import {
  analyze, codeActions, codeLenses, complete, definition, documentSymbols, foldingRanges, inlayHints, prepareRename,
  references, rename, semanticTokens, signatureHelp, verifierLogText,
} from '../../core/src/lang';
import { loadFixture } from './fixture';
import { fakeVerify } from './fakeVerifier';

const hoverText = loadFixture('features/hover.s').text;
const at = (text: string, line: number, needle: string, delta = 0): { line: number; column: number } =>
  ({ line, column: text.split('\n')[line - 1]!.indexOf(needle) + 1 + delta });

describe('lang: completion and signature help', () => {
  const labels = (text: string, line: number, column: number): string[] =>
    complete(analyze(text), { line, column }).items.map((i) => i.label);

  it('offers instruction snippets from the table, registers and directives at the start of a statement', () => {
    const r = complete(analyze('\t\n'), { line: 1, column: 2 });
    const add = r.items.find((i) => i.label === 'dst += imm')!;
    assert.strictEqual(add.insertText, '${1:r0} += ${2:0}');
    assert.ok(add.snippet);
    assert.ok(r.items.some((i) => i.label === 'r10'));
    assert.ok(r.items.some((i) => i.label === '.section'));
    assert.ok(r.items.some((i) => i.label === 'exit'));
  });

  it('offers helpers by name and local functions after call', () => {
    const items = labels('\tcall bpf_map_l\n', 1, 16);
    assert.ok(items.includes('bpf_map_lookup_elem'));
    assert.ok(items.includes('bpf_ringbuf_output'));
  });

  it('offers labels after goto and maps after =', () => {
    assert.deepStrictEqual(labels(hoverText, 19, 19).filter((l) => l === 'done'), ['done']);
    const r = complete(analyze('# @map m1 type=hash key_size=4 value_size=8 max_entries=4\n\tr1 = \n'), { line: 2, column: 7 });
    assert.strictEqual(r.items.find((i) => i.label === 'm1')!.insertText, 'm1 ll');
  });

  it('offers section names, annotation keys, map types, flags and program types', () => {
    assert.ok(labels('\t.section x\n', 1, 12).includes('xdp'));
    assert.ok(labels('# @\n', 1, 4).includes('@map'));
    assert.ok(labels('# @map m t\n', 1, 11).includes('type='));
    assert.ok(labels('# @map m type=\n', 1, 15).includes('percpu_array'));
    assert.ok(labels('# @map m type=hash flags=\n', 1, 26).includes('BPF_F_NO_PREALLOC'));
    assert.ok(labels('# @prog \n', 1, 9).includes('sched_cls'));
  });

  it('replaces the word being typed', () => {
    const r = complete(analyze('\tcall bpf_map_l\n'), { line: 1, column: 16 });
    assert.deepStrictEqual(r.replace, { line: 1, column: 7, endLine: 1, endColumn: 16 });
  });

  it('gives the C signature of the called helper', () => {
    const s = signatureHelp(analyze('\tcall 1\n'), { line: 1, column: 8 })!;
    assert.strictEqual(s.label, 'void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)');
    assert.deepStrictEqual(s.parameters, ['struct bpf_map *map', 'const void *key']);
    assert.strictEqual(signatureHelp(analyze('\tr0 = 1\n'), { line: 1, column: 3 }), undefined);
  });
});

describe('lang: navigation', () => {
  const a = analyze(hoverText);
  const syn = a.syntax;

  it('goes from a jump to its label and from a map use to its annotation', () => {
    assert.strictEqual(definition(syn, at(hoverText, 19, 'done'))!.line, 26);
    const m = definition(syn, at(hoverText, 15, 'counts'))!;
    assert.deepStrictEqual([m.line, m.column], [1, 8]);
  });

  it('finds references of labels and maps, with and without the declaration', () => {
    assert.deepStrictEqual(references(syn, at(hoverText, 26, 'done')).map((r) => r.line), [26, 19]);
    assert.deepStrictEqual(references(syn, at(hoverText, 1, 'counts'), false).map((r) => r.line), [15]);
    assert.deepStrictEqual(references(syn, at(hoverText, 7, 'prog')).map((r) => r.line), [7, 5, 6]);
  });

  it('renames a label everywhere and refuses bad or taken names', () => {
    const r = rename(syn, at(hoverText, 19, 'done'), 'finish');
    assert.ok('edits' in r);
    assert.deepStrictEqual(r.edits.map((e) => [e.range.line, e.newText]), [[26, 'finish'], [19, 'finish']]);
    assert.ok('error' in rename(syn, at(hoverText, 19, 'done'), 'prog'));
    assert.ok('error' in rename(syn, at(hoverText, 19, 'done'), 'r1'));
    assert.ok('error' in rename(syn, at(hoverText, 8, 'r1'), 'x'));
    assert.strictEqual(prepareRename(syn, at(hoverText, 19, 'done'))!.placeholder, 'done');
  });

  it('lists programs, functions, labels and maps as document symbols', () => {
    const s = documentSymbols(syn);
    assert.deepStrictEqual(s.map((x) => `${x.kind} ${x.name}`), ['map counts', 'program xdp']);
    assert.deepStrictEqual(s[1]!.children.map((x) => `${x.kind} ${x.name}`), ['function prog']);
    assert.deepStrictEqual(s[1]!.children[0]!.children.map((x) => `${x.kind} ${x.name}`), ['label done']);
  });

  it('folds sections, functions and comment blocks', () => {
    const f = foldingRanges(analyze('# one\n# two\n\t.section xdp\nf:\n\tr0 = 0\n\texit\n/* a\n b */\n').syntax);
    assert.deepStrictEqual(f.map((x) => `${x.startLine}-${x.endLine}${x.kind ? ` ${x.kind}` : ''}`), ['1-2 comment', '3-8 region', '4-8', '7-8 comment']);
  });
});

describe('lang: semantic tokens', () => {
  it('classifies registers, keywords, numbers, labels, maps, helpers, directives and comments', () => {
    const text = '# @map m type=hash key_size=4 value_size=8 max_entries=4\n\t.text\nf:\n\tr1 = m ll\n\tcall bpf_ktime_get_ns\n\tif r10 > 5 goto f\n\texit\n';
    const t = semanticTokens(analyze(text).syntax).map((x) => `${x.line}:${x.column} ${text.split('\n')[x.line - 1]!.substr(x.column - 1, x.length)} ${x.type}${x.modifiers.length ? `.${x.modifiers.join('.')}` : ''}`);
    for (const want of ['1:1 # @map m type=hash key_size=4 value_size=8 max_entries=4 comment', '2:2 .text macro', '3:1 f label.declaration', '4:2 r1 variable',
      '4:7 m property', '4:9 ll keyword', '5:2 call keyword', '5:7 bpf_ktime_get_ns function.defaultLibrary', '6:5 r10 variable.readonly', '6:11 5 number', '6:18 f label', '7:2 exit keyword']) {
      assert.ok(t.includes(want), `${want} not in\n${t.join('\n')}`);
    }
  });
});

describe('lang: verifier views (inlay hints, code lenses, quick fixes, log)', () => {
  it('writes the state change after each instruction like the kernel log', () => {
    const a = analyze(hoverText, {}, fakeVerify);
    const h = inlayHints(a);
    const byLine = new Map(h.map((x) => [x.position.line, x.label]));
    assert.strictEqual(byLine.get(8), '; R1_w=0');
    assert.strictEqual(byLine.get(12), '; R2_w=fp0');
    assert.strictEqual(h.find((x) => x.position.line === 8)!.position.column, '\tr1 = 0'.length + 1);
    assert.deepStrictEqual(inlayHints(a, 1, 7), []);
    assert.deepStrictEqual(inlayHints(analyze(hoverText)), []);
  });

  it('puts Verify, Run and Debug over each program', () => {
    const lenses = codeLenses(analyze(hoverText, {}, fakeVerify));
    assert.deepStrictEqual(lenses.map((l) => [l.range.line, l.command]), [[3, 'ebpf.showVerifierLog'], [3, 'ebpf.runProgram'], [3, 'ebpf.debugProgram']]);
    assert.match(lenses[0]!.title, /verified: \d+ insns processed \(xdp\)/);
    assert.deepStrictEqual(lenses[2]!.args, ['xdp']);
  });

  it('offers a NULL check before a load through a pointer that may be NULL', () => {
    const fx = loadFixture('verify-null.s');
    const a = analyze(fx.text, {}, fakeVerify);
    const d = a.diagnostics.find((x) => x.code === 'VER999')!;
    const [fix] = codeActions(a, d);
    assert.strictEqual(fix!.title, 'Add a NULL check of r0 before this access');
    assert.deepStrictEqual(fix!.edits.map((e) => [e.range.line, e.newText]), [[12, '\tif r0 == 0 goto .Lnull_12\n'], [14, '\n.Lnull_12:\n\tr0 = 0\n\texit']]);
  });

  it('offers the other quick fixes from the kernel wording', () => {
    const a = analyze('\t.section xdp,"ax",@progbits\np:\n\tr0 = r5\n\tr2 = r0\n\tr1 += r2\n\tr0 = *(u64 *)(r10 - 8)\n\texit\n');
    const fixes = (message: string, insn: number, line: number) =>
      codeActions(a, { code: 'VER', severity: 'error', message, range: { line, column: 2, endLine: line, endColumn: 3 }, insn, program: 'p' });
    assert.deepStrictEqual(fixes('R5 !read_ok', 0, 3).map((f) => f.edits[0]!.newText), ['\tr5 = 0\n']);
    assert.deepStrictEqual(fixes('invalid read from stack off -8+0 size 8', 3, 6).map((f) => [f.edits[0]!.range.line, f.edits[0]!.newText]), [[3, '\t*(u64 *)(r10 - 8) = 0\n']]);
    assert.deepStrictEqual(fixes('math between ctx pointer and register with unbounded min value is not allowed', 2, 5).map((f) => f.edits[0]!.newText), ['\tr2 &= 0xff\n']);
    assert.deepStrictEqual(fixes('something else', 2, 5), []);
  });

  it('renders the verifier log with links to source lines', () => {
    const text = verifierLogText(analyze(loadFixture('verify-null.s').text, {}, fakeVerify), 'v.s');
    assert.match(text, /; program prog \(section xdp, type xdp, 9 insns\)/);
    assert.match(text, /7: R0 invalid mem access 'map_value_or_null'  ; v\.s:12/);
  });
});
