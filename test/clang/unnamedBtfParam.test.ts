/**
 * clang -O0 writes BTF prototypes whose parameters have no names; the kernel refuses such a `.BTF`
 * ("Invalid arg#N") and libbpf then loads the object without BTF, so the kernel sees no func_info and
 * verifies global functions as static ones. The builder must drop func_info the same way, or a
 * global function that the kernel verifies in its caller's context would be checked on its own.
 * The end-to-end check against the kernel is in clangObjects.test.ts (-O0 objects).
 */
import * as assert from 'assert';
import { readBtf } from '../../core/src/elf/btf';
import { unnamedFuncParam } from '../../core/src/elf/btfExt';
import { BTF_INT, BTF_LINKAGE, BtfBuilder } from '../../core/src/elf/btfWriter';

function btfWith(paramName: string) {
  const b = new BtfBuilder();
  const int = b.int('int', 4, BTF_INT.SIGNED);
  const ptr = b.ptr(int);
  b.func('prog', b.funcProto(int, [{ name: 'ctx', type: ptr }]), BTF_LINKAGE.GLOBAL);
  b.func('helper', b.funcProto(int, [{ name: 'a', type: int }, { name: paramName, type: ptr }]), BTF_LINKAGE.GLOBAL);
  return readBtf(b.bytes()).btf!;
}

describe('BTF the kernel refuses for unnamed function parameters', () => {
  it('finds the function and the parameter number the kernel names', () => {
    assert.deepStrictEqual(unnamedFuncParam(btfWith('')), { func: 'helper', arg: 2 });
  });

  it('accepts prototypes whose parameters all have names', () => {
    assert.strictEqual(unnamedFuncParam(btfWith('counter')), undefined);
  });
});
