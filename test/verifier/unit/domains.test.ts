/**
 * The abstract domains against values worked out by hand from the kernel's tnum.c and the bounds
 * functions of verifier.c.
 */
import * as assert from 'assert';
import { tadd, trange, tand, tlshift, tconst, tmul, tstr, tnumUnknown, tsub } from '../../../core/src/verifier/tnum';
import { unknownBounds, knownBounds, aluScalar, syncBounds, coerceToSize, type Bounds } from '../../../core/src/verifier/scalar';

const t = (value: number, mask: number) => ({ value: BigInt(value), mask: BigInt(mask) });

describe('verifier: tnum', function () {
  const rows: { name: string; have: ReturnType<typeof tconst>; want: string }[] = [
    { name: 'range 0..255', have: trange(0n, 255n), want: '(0x0; 0xff)' },
    { name: 'range 16..31', have: trange(16n, 31n), want: '(0x10; 0xf)' },
    { name: 'add unknown nibble + 1', have: tadd(t(0, 0xf), tconst(1n)), want: '(0x0; 0x1f)' },
    { name: 'and with 0xf', have: tand(t(0, 0xff), tconst(0xfn)), want: '(0x0; 0xf)' },
    { name: 'lshift 4', have: tlshift(t(1, 2), 4), want: '(0x10; 0x20)' },
    { name: 'mul by 4', have: tmul(t(0, 3), tconst(4n)), want: '(0x0; 0xc)' },
    { name: 'sub const from const', have: tsub(tconst(10n), tconst(3n)), want: '(0x7; 0x0)' },
    { name: 'unknown', have: tnumUnknown, want: '(0x0; 0xffffffffffffffff)' },
  ];
  for (const r of rows) it(r.name, () => assert.strictEqual(tstr(r.have), r.want));
});

describe('verifier: scalar bounds', function () {
  function u32Unknown(): Bounds {
    const b = unknownBounds();
    coerceToSize(b, 4);
    return b;
  }

  it('a 32-bit load is [0, U32_MAX] with a 32-bit tnum', () => {
    const b = u32Unknown();
    assert.deepStrictEqual([b.smin, b.smax, b.umin, b.umax], [0n, 0xffffffffn, 0n, 0xffffffffn]);
    assert.strictEqual(tstr(b.var), '(0x0; 0xffffffff)');
  });

  it('& 63 then + 5 gives [5, 68] with var_off (0x0; 0x7f)', () => {
    const b = u32Unknown();
    aluScalar('and', b, knownBounds(63n), true);
    assert.deepStrictEqual([b.umin, b.umax], [0n, 63n]);
    aluScalar('add', b, knownBounds(5n), true);
    assert.deepStrictEqual([b.smin, b.smax, b.umin, b.umax], [5n, 68n, 5n, 68n]);
    assert.strictEqual(tstr(b.var), '(0x0; 0x7f)');
  });

  it('<< 32 of a non-negative 32-bit value keeps the sign (the compiler sign-extension pattern)', () => {
    const b = u32Unknown();
    aluScalar('and', b, knownBounds(0xffn), true);
    aluScalar('lsh', b, knownBounds(32n), true);
    assert.deepStrictEqual([b.smin, b.smax], [0n, 0xffn << 32n]);
    aluScalar('arsh', b, knownBounds(32n), true);
    assert.deepStrictEqual([b.smin, b.smax, b.umax], [0n, 0xffn, 0xffn]);
  });

  it('constants fold exactly, 32-bit results zero-extended', () => {
    const b = knownBounds(0xffffffffn);
    aluScalar('add', b, knownBounds(2n), false);
    assert.deepStrictEqual([b.umin, b.umax, b.var.mask], [1n, 1n, 0n]);
  });

  it('signed bounds learn from unsigned ones that do not cross the sign bit', () => {
    const b = unknownBounds();
    b.umax = 1000n;
    syncBounds(b);
    assert.deepStrictEqual([b.smin, b.smax, b.u32max, b.s32min], [0n, 1000n, 1000n, 0n]);
  });
});
