/**
 * The expression language of conditions, logpoints and the console, against a fake machine: a table
 * of {name, have, want} rows.
 */
import * as assert from 'assert';
import { evaluate, numeric, type ExprEnv } from '../../debugger/src/expr';
import { parseHitCondition } from '../../debugger/src/breakpoints';

const mem = new Map<bigint, number>([[0x1000n, 0x45], [0x1001n, 0x00], [0x1002n, 0xff], [0x1003n, 0xff]]);
const env: ExprEnv = {
  reg: (n) => [0n, 5n, 0x1000n, 0xffffffffffffffffn, 0x100000002n][n] ?? 0n,
  load: (addr, size) => {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) {
      const b = mem.get(addr + BigInt(i));
      if (b === undefined) return `invalid read of ${size} bytes at 0x${addr.toString(16)}`;
      v = (v << 8n) | BigInt(b);
    }
    return v;
  },
  isMap: (name) => name === 'm',
  mapLookup: (_name, key) => (key === 1n ? Uint8Array.of(7, 0, 0, 0) : undefined),
  name: (name) => (name === 'pkt' ? 0x1000n : undefined),
};

describe('debugger expressions', () => {
  const rows: { name: string; have: string; want: bigint | RegExp }[] = [
    { name: 'register compare', have: 'r1 == 5', want: 1n },
    { name: 'the example of the issue', have: 'r1 == 5 && *(u8 *)(r2 + 0) == 0x45', want: 1n },
    { name: 'short-circuit keeps a bad load unevaluated', have: 'r1 == 4 && *(u8 *)(r0 + 0) == 1', want: 0n },
    { name: 'u64 is unsigned', have: 'r3 > 0', want: 1n },
    { name: 'signed cast', have: '(s64)r3 < 0', want: 1n },
    { name: 'w register', have: 'w4', want: 2n },
    { name: 'signed load', have: '*(s16 *)(r2 + 2)', want: -1n },
    { name: 'precedence', have: '1 + 2 * 3 << 1', want: 14n },
    { name: 'bit ops', have: '(r1 | 8) & ~1 ^ 2', want: 14n },
    { name: 'unary not', have: '!r0 && !!r1', want: 1n },
    { name: 'division', have: 'r1 / 2 + r1 % 2', want: 3n },
    { name: 'map lookup', have: 'm[1] == 7', want: 1n },
    { name: 'named pointer', have: '*(u8 *)(pkt + 0)', want: 0x45n },
    { name: 'fp alias', have: 'fp == r10', want: 1n },
    { name: 'bad load', have: '*(u32 *)(r2 + 2)', want: /invalid read of 4 bytes at 0x1002/ },
    { name: 'division by zero', have: 'r1 / r0', want: /division by zero/ },
    { name: 'unknown name', have: 'r11 + 1', want: /unknown name 'r11'/ },
    { name: 'syntax error', have: 'r1 == )', want: /unexpected '\)'/ },
    { name: 'trailing junk', have: 'r1 r2', want: /unexpected 'r2'/ },
    { name: 'bad character', have: 'r1 @ 2', want: /unexpected character '@'/ },
    { name: 'empty', have: '  ', want: /empty/ },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const v = evaluate(r.have, env);
      if (r.want instanceof RegExp) {
        assert.ok('error' in v, `expected an error, got ${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))}`);
        assert.match(v.error, r.want);
      } else {
        assert.ok(!('error' in v), 'error' in v ? v.error : '');
        assert.strictEqual(numeric(v), r.want);
      }
    });
  }

  it('parses hit conditions', () => {
    const five = parseHitCondition('5') as (n: number) => boolean;
    assert.deepStrictEqual([4, 5, 6].map(five), [false, true, false]);
    const ge = parseHitCondition('>= 2') as (n: number) => boolean;
    assert.deepStrictEqual([1, 2, 3].map(ge), [false, true, true]);
    const every = parseHitCondition('% 3') as (n: number) => boolean;
    assert.deepStrictEqual([1, 3, 6].map(every), [false, true, true]);
    assert.strictEqual(typeof parseHitCondition('often'), 'string');
  });
});
