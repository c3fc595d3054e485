/**
 * The program model built from assembled text and from objects read back from ELF: one program per
 * executable section, `.text` functions appended once each (transitively) with call offsets fixed
 * up, map and function references of 64-bit loads, helper calls by name, program types, labels and
 * source lines.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { assembleModule } from '../../core/src/program/assembleModule';
import { buildModule } from '../../core/src/program/build';
import { readElf } from '../../core/src/elf/reader';
import { writeElf } from '../../core/src/elf/writer';
import { jumpTarget, type Insn } from '../../core/src/isa/insn';
import { hasTool } from '../helpers/tools';
import { llvmMc } from './util';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/asm');

function kinds(insns: Insn[]): string[] {
  return insns.map((i) => (i.kind === 'call' ? `call:${i.src}:${i.imm}` : i.kind));
}

const MULTI = `
	.globl	p1
	.section	socket,"ax"
p1:	call f
	r1 = g ll
	exit
	.section	kprobe/x,"ax"
	.globl	p2
# @prog xdp
p2:	call g
	exit
	.text
f:	call g
	exit
	.globl	unused
unused:	exit
	.globl	g
g:	r0 = 1
	exit
`;

describe('program model', () => {
  it('appends called .text functions transitively, each once, and fixes call offsets', () => {
    const { module, diagnostics } = assembleModule(MULTI, 'multi.s');
    assert.deepStrictEqual(diagnostics, []);
    assert.deepStrictEqual(module.programs.map((p) => p.name), ['p1', 'p2']);
    const p1 = module.programs[0]!;
    assert.deepStrictEqual(p1.funcs.map((f) => [f.name, f.start, f.end, f.section]), [['p1', 0, 4, 'socket'], ['f', 4, 6, '.text'], ['g', 6, 8, '.text']]);
    assert.deepStrictEqual(kinds(p1.insns), ['call:1:3', 'ldImm64', 'ldImm64Hi', 'exit', 'call:1:1', 'exit', 'alu', 'exit']);
    assert.strictEqual(jumpTarget(p1.insns[0]!, 0), 4);
    assert.strictEqual(jumpTarget(p1.insns[4]!, 4), 6);
    // `r1 = g ll` takes the address of g: a function reference as libbpf hands it to the kernel.
    assert.deepStrictEqual([...p1.ldImm64Refs], [[1, { kind: 'func', func: 'g', slot: 6 }]]);
    assert.strictEqual(p1.insns[1]!.src, 4);
    assert.strictEqual(p1.insns[1]!.imm, 6 - 2);
    const p2 = module.programs[1]!;
    assert.deepStrictEqual(kinds(p2.insns), ['call:1:1', 'exit', 'alu', 'exit']);
    assert.deepStrictEqual(p2.funcs.map((f) => f.name), ['p2', 'g']);
  });

  it('takes program types from @prog, else from the section name', () => {
    const { module } = assembleModule(MULTI, 'multi.s');
    assert.deepStrictEqual(module.programs.map((p) => [p.progType, p.progTypeSource, p.attachType]), [
      ['socket_filter', 'section', undefined], ['xdp', 'annotation', undefined],
    ]);
  });

  it('keeps source lines and labels of appended functions', () => {
    const { module } = assembleModule(MULTI, 'multi.s');
    const p1 = module.programs[0]!;
    assert.deepStrictEqual(p1.lines.map((l) => l?.line), [4, 5, 5, 6, 13, 14, 18, 19]);
    assert.deepStrictEqual([...p1.labels], [[0, 'p1'], [4, 'f'], [6, 'g']]);
  });

  it('turns calls of helper names into helper calls, with an info diagnostic', () => {
    const { module, diagnostics } = assembleModule('call bpf_ktime_get_ns\nexit', 'h.s');
    const p = module.programs[0]!;
    assert.deepStrictEqual(kinds(p.insns), ['call:0:5', 'exit']);
    assert.deepStrictEqual([...p.externCalls], [[0, 'bpf_ktime_get_ns']]);
    assert.deepStrictEqual(diagnostics.map((d) => [d.severity, d.range.line, d.message]), [
      ['info', 1, 'call bpf_ktime_get_ns assembled as helper call 5 (llvm-mc would emit a relocation)'],
    ]);
  });

  it('reports calls to undefined functions', () => {
    const { diagnostics } = assembleModule('\tcall nosuch\n\texit', 'u.s');
    assert.deepStrictEqual(diagnostics.map((d) => [d.code, d.range.line, d.range.column, d.message]), [
      ['ASM602', 1, 2, 'call to undefined function nosuch'],
    ]);
  });

  it('resolves map references and reports unknown maps', () => {
    const src = '# @map m type=hash key_size=4 value_size=8 max_entries=16\n# @map n type=array key_size=4 value_size=4 max_entries=1\nr1 = n ll\nr2 = m ll\nr3 = zz ll\nexit';
    const { module, diagnostics } = assembleModule(src, 'm.s');
    const p = module.programs[0]!;
    assert.deepStrictEqual([...p.ldImm64Refs], [[0, { kind: 'map', map: 'n', offset: 0 }], [2, { kind: 'map', map: 'm', offset: 0 }]]);
    assert.deepStrictEqual([p.insns[0]!.src, p.insns[0]!.imm, p.insns[2]!.src, p.insns[2]!.imm], [1, 1, 1, 0]);
    assert.deepStrictEqual(diagnostics.map((d) => [d.code, d.range.line, d.range.column]), [['ASM601', 5, 1]]);
    assert.strictEqual(diagnostics[0]!.message, "'zz' is not a map: declare it with '# @map zz type=... key_size=... value_size=... max_entries=...'");
  });

  it('references data sections', () => {
    const src = '\t.section xdp,"ax"\n\tr1 = msg + 2 ll\n\texit\n\t.rodata\nmsg: .asciz "hello"\n\t.section license,"aw"\n\t.asciz "GPL"';
    const { module, diagnostics } = assembleModule(src, 'd.s');
    assert.deepStrictEqual(diagnostics, []);
    assert.deepStrictEqual([...module.programs[0]!.ldImm64Refs], [[0, { kind: 'data', section: '.rodata', offset: 2 }]]);
    assert.strictEqual(module.programs[0]!.insns[0]!.src, 2);
    assert.strictEqual(module.license, 'GPL');
    assert.deepStrictEqual([...module.dataSections.keys()], ['.rodata', 'license']);
  });

  it('treats a file without sections as one program in .text', () => {
    const { module, diagnostics } = assembleModule('r0 = 0\nexit\n', 'plain.s', 'xdp');
    assert.deepStrictEqual(diagnostics, []);
    assert.deepStrictEqual(module.programs.map((p) => [p.name, p.section, p.progType, p.progTypeSource]), [['.text', '.text', 'xdp', 'option']]);
  });

  it('splits subprograms written in the program\'s own section', () => {
    const { module } = assembleModule('\t.section socket,"ax"\n\t.globl p\np:\tcall sub\n\texit\nsub:\tr0 = 1\n\texit\n', 's.s');
    const p = module.programs[0]!;
    assert.deepStrictEqual(p.funcs.map((f) => [f.name, f.start, f.end, f.section]), [['p', 0, 2, 'socket'], ['sub', 2, 4, 'socket']]);
    assert.deepStrictEqual(kinds(p.insns), ['call:1:1', 'exit', 'alu', 'exit']);
  });

  it('calls within a .text-only program stay pc-relative', () => {
    const { module } = assembleModule('call f\nexit\nf: r0 = 2\nexit', 't.s');
    assert.deepStrictEqual(kinds(module.programs[0]!.insns), ['call:1:1', 'exit', 'alu', 'exit']);
  });

  it('builds the clang-style fixture', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'clang-style.s'), 'utf8');
    const { module, diagnostics } = assembleModule(text, 'clang-style.s');
    assert.deepStrictEqual(diagnostics.map((d) => d.severity), ['info']);
    const p = module.programs[0]!;
    assert.deepStrictEqual([p.name, p.section, p.progType, p.insns.length], ['xdp_prog', 'xdp', 'xdp', 18]);
    assert.deepStrictEqual(p.funcs.map((f) => [f.name, f.start, f.end]), [['xdp_prog', 0, 15], ['helper', 15, 18]]);
    assert.deepStrictEqual([...p.ldImm64Refs], [[5, { kind: 'map', map: 'counters', offset: 0 }]]);
    assert.strictEqual(p.labels.get(11), 'LBB0_2');
  });
});

describe('program model of compiler output', () => {
  it('reports a .maps symbol without an annotation', () => {
    const { diagnostics } = assembleModule('\t.section xdp,"ax"\n\tr1 = m ll\n\texit\n\t.section .maps,"aw"\n\t.globl m\nm: .zero 32\n', 'x.s');
    assert.deepStrictEqual(diagnostics.map((d) => [d.code, d.range.line]), [['ASM601', 2]]);
  });

  it('builds the llc fixture: program, subprogram, map, data and string references', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'llc-output.s'), 'utf8');
    const { module, diagnostics } = assembleModule(text, 'llc-output.s');
    assert.deepStrictEqual(diagnostics, []);
    assert.deepStrictEqual(module.maps.map((m) => m.name), ['counts']);
    const p = module.programs[0]!;
    assert.deepStrictEqual(p.funcs.map((f) => [f.name, f.start, f.end]), [['prog', 0, 24], ['sub', 24, 28]]);
    assert.deepStrictEqual([...p.ldImm64Refs], [
      [3, { kind: 'map', map: 'counts', offset: 0 }],
      [9, { kind: 'data', section: '.data', offset: 0 }],
      [17, { kind: 'data', section: '.rodata.str1.1', offset: 0 }],
    ]);
    assert.deepStrictEqual([...p.labels], [[0, 'prog'], [11, 'LBB1_2'], [17, 'LBB1_3'], [24, 'sub']]);
    // `call sub` (a relocation against .text) now lands on the appended copy.
    assert.strictEqual(jumpTarget(p.insns[12]!, 12), 24);
    assert.deepStrictEqual([...module.dataSections.keys()], ['.maps', 'license', '.rodata.str1.1', '.data']);
    assert.strictEqual(module.license, 'GPL');
  });
});

describe('program model from an ELF object', () => {
  before(function () { if (!hasTool('llvm-mc-22')) { (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); } });
  it('gives the same programs for llvm-mc\'s object as for our text', () => {
    const ref = llvmMc(MULTI, 'multi.s');
    assert.ok(ref.bytes, ref.stderr);
    const read = readElf(ref.bytes!);
    const fromElf = buildModule(read.object!, { fileName: 'multi.o', annotations: { maps: [], progTypeBySection: new Map([['kprobe/x', 'xdp']]) } });
    const fromText = assembleModule(MULTI, 'multi.s');
    assert.deepStrictEqual(fromElf.diagnostics, []);
    const strip = (m: typeof fromElf.module) => m.programs.map((p) => ({ name: p.name, insns: p.insns, funcs: p.funcs, refs: [...p.ldImm64Refs], labels: [...p.labels] }));
    assert.deepStrictEqual(strip(fromElf.module), strip(fromText.module));
    assert.ok(fromElf.module.programs[0]!.lines.every((l) => l === undefined));
    // And our own object round-trips through the ELF writer and reader the same way.
    const again = buildModule(readElf(writeElf(fromText.object)).object!, { fileName: 'x.o', annotations: { maps: [], progTypeBySection: new Map([['', 'xdp']]) } });
    assert.deepStrictEqual(strip(again.module), strip(fromText.module));
  });
});
