/**
 * What the verifier learns from a global function's BTF prototype: our BTF reader's reading of
 * parameter types (through typedefs and modifiers, sizes of pointees), the prototypes a program built
 * from an object gets, and the conservative answer when a global function's record has no types.
 */
import * as assert from 'assert';
import { BtfBuilder, BTF_INT } from '../../../core/src/elf/btfWriter';
import { readBtf, paramType } from '../../../core/src/elf/btf';
import { assembleModule } from '../../../core/src/program/assembleModule';
import { btfStub } from '../../../core/src/asm/btfStub';
import { verifyProgram } from '../../../core/src/verifier';
import type { BtfFuncInfo } from '../../../core/src/program/model';

describe('global functions: prototypes', function () {
  it('reads parameter types the way the kernel types arguments', function () {
    const b = new BtfBuilder();
    const int = b.int('int', 4, BTF_INT.SIGNED);
    const u32 = b.typedef('__u32', b.int('unsigned int', 4));
    const xdp = b.struct('xdp_md', 24, []);
    const pair = b.struct('pair', 16, []);
    const fwd = b.fwd('opaque');
    const rows: { name: string; have: number; want: unknown }[] = [
      { name: 'int', have: int, want: { kind: 'scalar' } },
      { name: 'typedef of an unsigned int', have: u32, want: { kind: 'scalar' } },
      { name: 'const struct xdp_md *', have: b.ptr(b.const(xdp)), want: { kind: 'ptr', toKind: 'STRUCT', toName: 'xdp_md', size: 24 } },
      { name: 'typedef of struct pair *', have: b.typedef('pair_p', b.ptr(pair)), want: { kind: 'ptr', toKind: 'STRUCT', toName: 'pair', size: 16 } },
      { name: 'int (*)[4]', have: b.ptr(b.array(int, int, 4)), want: { kind: 'ptr', toKind: 'ARRAY', toName: '', size: 16 } },
      { name: 'void *', have: b.ptr(0), want: { kind: 'ptr', toKind: 'UNKNOWN', toName: '' } },
      { name: 'pointer to a forward declaration', have: b.ptr(fwd), want: { kind: 'ptr', toKind: 'FWD', toName: 'opaque' } },
      { name: 'struct by value', have: pair, want: { kind: 'other', what: 'STRUCT' } },
      { name: 'void', have: 0, want: { kind: 'other', what: 'UNKNOWN' } },
    ];
    const btf = readBtf(b.bytes()).btf!;
    for (const r of rows) assert.deepStrictEqual(paramType(btf, r.have), r.want, r.name);
  });

  it('gives a program built from an object the prototypes of its functions', function () {
    const source = '\t.section xdp,"ax",@progbits\nprog:\n\tcall f\n\texit\nf:\n\tr0 = 2\n\texit\n';
    const a = assembleModule(source, 't.s');
    const built = assembleModule(`${source}\n${btfStub(a.module, a.object)}`, 't.s');
    const funcs = built.module.programs[0]!.btfFuncs!;
    assert.deepStrictEqual(funcs.map((f) => [f.slot, f.linkage, f.proto]), [
      [0, 'global', { ret: { kind: 'scalar' }, params: [{ kind: 'ptr', toKind: 'UNKNOWN', toName: '' }] }],
      [2, 'static', { ret: { kind: 'scalar' }, params: [] }],
    ]);
    assert.strictEqual(verifyProgram(built.module.programs[0]!, built.module.maps).accepted, true);
  });

  it('refuses a call to a global function whose record carries no types, and walks a static one inline', function () {
    const source = '\t.section xdp,"ax",@progbits\nprog:\n\tr1 = r10\n\tr1 += -8\n\tr2 = 0\n\t*(u64 *)(r10 - 8) = r2\n\tcall f\n\texit\nf:\n\tr0 = *(u32 *)(r1 + 0)\n\texit\n';
    const prog = assembleModule(source, 't.s').module.programs[0]!;
    const records = (linkage: BtfFuncInfo['linkage']): BtfFuncInfo[] =>
      [{ slot: 0, name: 'prog', linkage: 'global', params: 1 }, { slot: 6, name: 'f', linkage, params: 1 }];
    const global = verifyProgram({ ...prog, btfFuncs: records('global') }, []);
    assert.strictEqual(global.accepted, false);
    assert.match(global.error!.message, /global function f\(\) has no parameter types/);
    assert.strictEqual(global.error!.insn, 4);
    assert.strictEqual(verifyProgram({ ...prog, btfFuncs: records('static') }, []).accepted, true);
  });
});
