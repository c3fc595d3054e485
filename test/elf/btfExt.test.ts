/**
 * Tests of BTF func_info (core/src/elf/btfExt.ts) and of its place in the program model
 * (`Program.btfFuncs`, filled by the program builder), starting with what llc-22 writes. Sources carry `.BTF` bytes from the core
 * BtfBuilder and a hand-written `.BTF.ext` whose offsets are `.long SYMBOL` relocations, as clang
 * writes them; each is assembled both by us and by llvm-mc-22, and both objects must give the same
 * records. The kernel is the oracle for the slots: it refuses func_info whose offsets do not match the
 * program's functions, so each program is loaded with the records we found. Malformed sections give
 * diagnostics, never exceptions.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readElf } from '../../core/src/elf';
import { readBtf } from '../../core/src/elf/btf';
import { encodeBtfExt, readBtfExt } from '../../core/src/elf/btfExt';
import { BTF_INT, BTF_LINKAGE, BtfBuilder } from '../../core/src/elf/btfWriter';
import { encodeProgram } from '../../core/src/isa';
import { buildModule } from '../../core/src/program/build';
import { assembleModule } from '../../core/src/program/assembleModule';
import type { BtfFuncInfo, Module } from '../../core/src/program/model';
import { toHex } from '../../core/src/vm';
import { kernelBatch, kernelUnavailable, type KernelRequest } from '../kernel/kernel';
import { hasTool, run } from '../helpers/tools';
import { byteDirectives } from './btfWriter';

const LLVM_MC = 'llvm-mc-22';

/**
 * A socket filter that hands the callback `cb` to bpf_loop; `.text` also holds `unused`, which no
 * program calls, before `cb`, so that cb's func_info offset is not 0 and `unused` must be left out.
 */
function callbackSource(): string {
  const b = new BtfBuilder();
  const int = b.int('int', 4, BTF_INT.SIGNED);
  const voidPtr = b.ptr(0);
  const prog = b.func('prog', b.funcProto(int, [{ name: 'ctx', type: voidPtr }]), BTF_LINKAGE.GLOBAL);
  const unused = b.func('unused', b.funcProto(int, []), BTF_LINKAGE.STATIC);
  const cb = b.func('cb', b.funcProto(int, [{ name: 'index', type: int }, { name: 'data', type: voidPtr }]), BTF_LINKAGE.STATIC);
  const socket = b.str('socket');
  const text = b.str('.text');
  return `\t.text
\t.type unused,@function
unused:
\tr0 = 0
\texit
\t.size unused, .-unused
\t.type cb,@function
cb:
\tr0 = 0
\texit
\t.size cb, .-cb

\t.section socket,"ax",@progbits
\t.globl prog
\t.type prog,@function
prog:
\tr1 = 4
\tr2 = cb ll
\tr3 = 0
\tr4 = 0
\tcall 181
\tr0 = 0
\texit
\t.size prog, .-prog

\t.section license,"aw",@progbits
\t.asciz "GPL"

\t.section .BTF,"",@progbits
${byteDirectives(b.bytes())}

\t.section .BTF.ext,"",@progbits
\t.short 0xeb9f
\t.byte 1, 0
\t.long 32, 0, 44, 44, 0, 0, 0
\t.long 8
\t.long ${socket}, 1
\t.long prog, ${prog}
\t.long ${text}, 2
\t.long unused, ${unused}
\t.long cb, ${cb}
`;
}

/** Records without their prototypes, which test/verifier/globalFuncs checks. */
function records(funcs: BtfFuncInfo[] | undefined): BtfFuncInfo[] | undefined {
  return funcs?.map((f) => ({ slot: f.slot, name: f.name, linkage: f.linkage, params: f.params }));
}

const CALLBACK_FUNCS: BtfFuncInfo[] = [
  { slot: 0, name: 'prog', linkage: 'global', params: 1 },
  { slot: 8, name: 'cb', linkage: 'static', params: 2 },
];

function ours(source: string): Module {
  const r = assembleModule(source, 't.s');
  assert.deepStrictEqual(r.diagnostics.filter((d) => d.severity !== 'info'), []);
  return r.module;
}

function llvms(source: string): Module {
  const r = run(LLVM_MC, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', '-o', '-'], source);
  assert.strictEqual(r.status, 0, r.stderr);
  const read = readElf(r.bytes);
  const built = buildModule(read.object!, { fileName: 't.o' });
  assert.deepStrictEqual(built.diagnostics.filter((d) => d.severity !== 'info'), []);
  return built.module;
}

describe('BTF func_info', () => {
  it('maps records to program slots, with the callback appended from .text', () => {
    const m = ours(callbackSource());
    assert.strictEqual(m.programs.length, 1);
    assert.deepStrictEqual(m.programs[0]!.funcs.map((f) => [f.name, f.start]), [['prog', 0], ['cb', 8]]);
    assert.deepStrictEqual(records(m.programs[0]!.btfFuncs), CALLBACK_FUNCS);
  });

  it('reads the same records from the example, for every program slot', () => {
    const m = ours(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'bpf_loop.s'), 'utf8'));
    assert.deepStrictEqual(records(m.programs[0]!.btfFuncs), [
      { slot: 0, name: 'xdp_sum', linkage: 'global', params: 1 },
      { slot: 18, name: 'sum_byte', linkage: 'static', params: 2 },
    ]);
  });

  it('reads the func_info llc-22 writes (test/fixtures/grammar/llc-debug.s)', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'grammar', 'llc-debug.s'), 'utf8');
    const m = assembleModule(text, 'llc-debug.s').module;
    assert.deepStrictEqual(records(m.programs[0]!.btfFuncs), [{ slot: 0, name: 'prog', linkage: 'global', params: 0 }]);
  });

  it('leaves btfFuncs undefined without .BTF.ext, and when the entry has no record', () => {
    const plain = ours('\t.section socket,"ax",@progbits\nprog:\n\tr0 = 0\n\texit\n');
    assert.strictEqual(plain.programs[0]!.btfFuncs, undefined);
    assert.ok(!('btfFuncs' in plain.programs[0]!));
    // Only the callback has a record: libbpf then drops the program's func_info altogether.
    const noEntry = callbackSource().replace(/\t\.long \d+, 1\n\t\.long prog, \d+\n/, '').replace('.long 32, 0, 44, 44', '.long 32, 0, 28, 28');
    assert.strictEqual(ours(noEntry).programs[0]!.btfFuncs, undefined);
  });

  describe('objects assembled by llvm-mc-22', function () {
    before(function () {
      if (!hasTool(LLVM_MC)) { (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); }
    });

    it('gives the same records as our assembly', () => {
      assert.deepStrictEqual(records(llvms(callbackSource()).programs[0]!.btfFuncs), CALLBACK_FUNCS);
    });
  });

  describe('the kernel', function () {
    this.timeout(20000);
    before(function () {
      const why = kernelUnavailable();
      if (why) { (this.test!.parent as any).skipReason = why; this.skip(); }
    });

    it('accepts the callback program with our records and refuses it with a shifted one', () => {
      const p = ours(callbackSource()).programs[0]!;
      const req = (btfFuncs: BtfFuncInfo[] | undefined): KernelRequest =>
        ({ insns: toHex(encodeProgram(p.insns)), progType: 1, logLevel: 1, ...(btfFuncs ? { btfFuncs } : {}) }) as KernelRequest;
      const shifted = p.btfFuncs!.map((f) => (f.slot === 0 ? f : { ...f, slot: f.slot - 1 }));
      const [good, bad, none] = kernelBatch([req(p.btfFuncs), req(shifted), req(undefined)]);
      assert.ok(good!.loaded, good!.log || good!.error);
      assert.ok(!bad!.loaded);
      assert.ok(!none!.loaded);
      assert.match(none!.log, /missing btf func_info/);
    });
  });

  describe('malformed .BTF.ext', () => {
    const btf = readBtf(new BtfBuilder().bytes()).btf!;
    const ext = (words: number[], hdr = 32): Uint8Array => {
      const out = new Uint8Array(hdr + 4 * words.length);
      const v = new DataView(out.buffer);
      v.setUint16(0, 0xeb9f, true);
      out[2] = 1;
      v.setUint32(4, hdr, true);
      v.setUint32(12, 4 * words.length, true);
      words.forEach((w, i) => v.setUint32(hdr + 4 * i, w, true));
      return out;
    };

    const cases: { name: string; have: Uint8Array; want: string[] }[] = [
      { name: 'a short section', have: new Uint8Array(10), want: ['ELF620'] },
      { name: 'a bad magic', have: (() => { const b = ext([8]); b[0] = 0x12; return b; })(), want: ['ELF621'] },
      { name: 'a small record size', have: ext([4]), want: ['ELF625'] },
      { name: 'a section name outside the strings', have: ext([8, 999, 0]), want: ['ELF627'] },
      { name: 'more records than bytes', have: ext([8, 0, 5, 0, 1]), want: ['ELF628'] },
      { name: 'func_info past the end', have: (() => { const b = ext([8]); new DataView(b.buffer).setUint32(12, 400, true); return b; })(), want: ['ELF624'] },
    ];
    for (const c of cases) {
      it(`reports ${c.name}`, () => {
        const r = readBtfExt(c.have, btf);
        assert.deepStrictEqual(r.diagnostics.map((d) => d.code), c.want);
      });
    }

    it('reports a missing .BTF and a record whose type is not a FUNC, as warnings', () => {
      const noBtf = assembleModule(callbackSource().replace(/\t\.section \.BTF,"",@progbits\n[^]*?\n\n/, ''), 't.s');
      assert.deepStrictEqual(noBtf.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code), ['ELF630']);
      assert.strictEqual(noBtf.module.programs[0]!.btfFuncs, undefined);
      const notFunc = assembleModule(callbackSource().replace(/\.long cb, \d+/, '.long cb, 1'), 't.s');
      const warnings = notFunc.diagnostics.filter((d) => d.severity === 'warning');
      assert.deepStrictEqual(warnings.map((d) => d.message), ['.BTF.ext: func_info of section .text at insn_off 0x10: type [1] is not a FUNC']);
      assert.deepStrictEqual(records(notFunc.module.programs[0]!.btfFuncs), [CALLBACK_FUNCS[0]]);
    });

    it('round-trips what encodeBtfExt writes', () => {
      const b = new BtfBuilder();
      const xdp = b.str('xdp');
      const text = b.str('.text');
      const bytes = encodeBtfExt([{ nameOff: xdp, records: [{ insnOff: 0, typeId: 3 }] }, { nameOff: text, records: [{ insnOff: 16, typeId: 5 }, { insnOff: 64, typeId: 6 }] }]);
      const r = readBtfExt(bytes, readBtf(b.bytes()).btf!);
      assert.deepStrictEqual(r.diagnostics, []);
      assert.deepStrictEqual(r.funcInfo, [
        { section: 'xdp', records: [{ insnOff: 0, typeId: 3 }] },
        { section: '.text', records: [{ insnOff: 16, typeId: 5 }, { insnOff: 64, typeId: 6 }] },
      ]);
    });
  });
});
