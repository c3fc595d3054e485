/**
 * Round trip of the disassembler through llvm-mc: objects that llvm-mc wrote (random programs, and
 * a hand-written file with several code sections, cross-section calls, relocations against
 * sections and symbols, jumps to global symbols, data with relocations, globals and weak symbols)
 * are disassembled by `ebpf disasm`; llvm-mc must assemble that text back to the same section bytes
 * and relocations.
 */
import * as assert from 'assert';
import { randomProgram } from '../gen/random';
import { runCli } from '../../core/src/cli/main';
import { readElf } from '../../core/src/elf/reader';
import { disassemble } from '../../core/src/asm/disassembler';
import { SHF_ALLOC, SHF_EXECINSTR, SHT_PROGBITS, type ObjectFile, type ObjSection } from '../../core/src/elf/types';
import { mixedBlob } from '../disasm/blobs';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { hasTool, run } from '../helpers/tools';
import { elfSections, LLVM_MC, LLVM_OBJDUMP, llvmAssemble, relocationLines, scratch, writeTemp } from './llvm';

const HANDWRITTEN = `
	.text
	r0 = 0
helper_local:
	r0 += 1
	exit
	.globl helper_global
	.type helper_global,@function
helper_global:
	w0 = 7
	exit
	.size helper_global, .-helper_global

	.section xdp,"ax",@progbits
	.globl prog
	.type prog,@function
prog:
	call helper_local
	call helper_global
	call bpf_map_lookup_elem
	r1 = helper_local ll
	r2 = counters ll
	r3 = counters + 16 ll
	r4 = .rodata.str + 4 ll
	r5 = 0x123456789abcdef0 ll
	if r1 == 0 goto out
	r0 = *(u32 *)(r1 + 0)
	goto prog_loop
prog_loop:
	may_goto out
	gotol prog_loop
	call inner
out:
	exit
inner:
	r0 = 1
	exit
	.size prog, .-prog

	.section socket,"ax",@progbits
	.globl sock
sock:
	r0 = 0
	if r0 > 2 goto sock
	gotol sock
	may_goto sock
	goto sock
	call sock
	exit

	.section .rodata.str,"aMS",@progbits,1
	.asciz "hello"
	.asciz "world"

	.data
	.globl counters
	.type counters,@object
counters:
	.quad 1
	.quad helper_global
	.long prog
	.quad counters + 8
	.size counters, 28

	.section license,"aw",@progbits
	.asciz "GPL"

	.bss
zeros:
	.zero 16
	.weak maybe
`;

interface Compared { sections: Map<string, string>; relocs: string[]; symbols: string[] }

/** `llvm-readelf -s` rows as `value size type bind name`, sorted; section symbols follow relocations, so they are left out. */
function symbolRows(path: string): string[] {
  const r = run('llvm-readelf-22', ['-s', path]);
  return r.stdout.split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => /^\d+:$/.test(f[0] ?? '') && f[3] !== 'SECTION' && f.length >= 8)
    .map((f) => `${f[1]} ${f[2]} ${f[3]} ${f[4]} ${f[7]}`)
    .sort();
}

function describeObject(dir: string, name: string, object: Uint8Array): Compared {
  const sections = new Map<string, string>();
  for (const [n, d] of elfSections(object)) {
    if (n === '' || n === '.strtab' || n === '.symtab' || n.startsWith('.rel') || n === '.llvm_addrsig') continue;
    sections.set(n, Buffer.from(d).toString('hex'));
  }
  const path = writeTemp(dir, name, object);
  return { sections, relocs: relocationLines(path), symbols: symbolRows(path) };
}

/** Differences between an object and its reassembled listing; synthesised `LBB` labels may be added. */
function compareObjects(label: string, a: Compared, b: Compared, ignoreReloc: (line: string) => boolean = () => false): string[] {
  const problems: string[] = [];
  for (const [n, bytes] of a.sections) {
    if (b.sections.get(n) !== bytes) problems.push(`${label}: section ${n} differs`);
  }
  for (const n of b.sections.keys()) if (!a.sections.has(n) && b.sections.get(n) !== '') problems.push(`${label}: extra section ${n}`);
  const want = a.relocs.filter((l) => !ignoreReloc(l));
  if (want.join('\n') !== b.relocs.join('\n')) {
    problems.push(`${label}: relocations differ:\n  ${want.join('\n  ')}\nvs\n  ${b.relocs.join('\n  ')}`);
  }
  const have = new Set(b.symbols);
  for (const sym of a.symbols) if (!have.has(sym)) problems.push(`${label}: symbol lost or changed: ${sym}`);
  const had = new Set(a.symbols);
  for (const sym of b.symbols) if (!had.has(sym) && !/ LBB\d+_\d+(_\d+)?$/.test(sym)) problems.push(`${label}: extra symbol: ${sym}`);
  return problems;
}

describe('ebpf disasm output reassembles with llvm-mc-22 to the same object', function () {
  before(function () {
    if (!hasTool(LLVM_MC) || !hasTool(LLVM_OBJDUMP)) {
      (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)';
      this.skip();
    }
  });

  /** Assemble with llvm-mc, disassemble, reassemble; returns the differences found. */
  function roundTrip(source: string, label: string, allowWarnings = false, ignoreReloc?: (line: string) => boolean): string[] {
    const s = scratch();
    try {
      const first = llvmAssemble(source);
      assert.ok(first.ok, first.stderr.slice(0, 2000));
      const read = readElf(first.object);
      assert.ok(read.object, read.diagnostics.map((d) => d.message).join('; '));
      const d = disassemble(read.object);
      const warnings = d.diagnostics.map((x) => `${x.section}+${x.offset}: ${x.message}`).join('\n');
      const again = llvmAssemble(d.text);
      if (!again.ok) return [`${label}: llvm-mc rejected the listing: ${again.stderr.slice(0, 500)}\n${warnings}`];
      const a = describeObject(s.dir, `${label}-a.o`, first.object);
      const b = describeObject(s.dir, `${label}-b.o`, again.object);
      const problems = compareObjects(label, a, b, ignoreReloc);
      if (warnings !== '' && !allowWarnings) problems.unshift(`${label}: disassembler warnings:\n${warnings}`);
      return problems;
    } finally {
      s.done();
    }
  }

  it('a hand-written object with every kind of relocation', () => {
    assert.deepStrictEqual(roundTrip(HANDWRITTEN, 'handwritten'), []);
  });

  it('200 random programs, with local calls, helper calls by name and map loads', () => {
    let source = '';
    for (let seed = 5001; seed <= 5200; seed++) source += randomProgram(seed, { section: `p${seed}`, subprograms: 2 }).text;
    assert.deepStrictEqual(roundTrip(source, 'random'), []);
  });

  it('400 blobs of instructions mixed with garbage, one section each', () => {
    const sections: ObjSection[] = [];
    for (let seed = 1; seed <= 400; seed++) {
      sections.push({ name: `blob${seed}`, type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, align: 8, data: mixedBlob(seed) });
    }
    const obj: ObjectFile = { sections, symbols: [], relocations: [] };
    const again = llvmAssemble(disassemble(obj).text);
    assert.ok(again.ok, again.stderr.slice(0, 1000));
    const secs = elfSections(again.object);
    const bad = sections.filter((s) => Buffer.from(secs.get(s.name) ?? []).toString('hex') !== Buffer.from(s.data).toString('hex'));
    assert.deepStrictEqual(bad.map((s) => s.name), []);
  });

  it('the ELF fixtures of test/fixtures/elf', function () {
    const dir = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'elf');
    if (!existsSync(dir)) { (this.test as any).skipReason = 'the ELF fixtures folder is missing'; this.skip(); }
    const files = readdirSync(dir).filter((f) => f.endsWith('.s'));
    assert.ok(files.length > 0);
    const problems: string[] = [];
    for (const f of files) {
      // llvm-mc writes R_BPF_64_NODYLD32 only for compiler-generated debug sections; from text it
      // cannot be asked for, so the disassembler reports those relocations instead of printing them.
      problems.push(...roundTrip(readFileSync(join(dir, f), 'utf8'), f, true, (l) => l.includes('R_BPF_64_NODYLD32')));
    }
    assert.deepStrictEqual(problems, []);
  });

  it('through the command line: ebpf disasm FILE.o', async () => {
    const s = scratch();
    try {
      const first = llvmAssemble(HANDWRITTEN);
      assert.ok(first.ok, first.stderr);
      const path = writeTemp(s.dir, 'h.o', first.object);
      let out = '';
      let err = '';
      const code = await runCli(['disasm', path], { out: (t) => { out += t; }, err: (t) => { err += t; }, readStdin: async () => '' });
      assert.strictEqual(code, 0, err);
      assert.strictEqual(err, '');
      const again = llvmAssemble(out);
      assert.ok(again.ok, again.stderr);
      const a = describeObject(s.dir, 'a.o', first.object);
      const b = describeObject(s.dir, 'b.o', again.object);
      assert.deepStrictEqual(compareObjects('cli', a, b), []);
    } finally {
      s.done();
    }
  });
});
