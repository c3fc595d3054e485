/**
 * `# @map` and `# @prog` annotations: what they declare, and the diagnostic (code, message,
 * position) for each kind of mistake.
 */
import * as assert from 'assert';
import { asm } from './util';

function problems(text: string): [number, number, string][] {
  return asm(text).diagnostics.map((d) => [d.range.line, d.range.column, d.message]);
}

describe('asm: annotations', () => {
  it('declares a map with every key', () => {
    const r = asm('# @map inner_t type=array key_size=4 value_size=4 max_entries=1\n# @map outer type=array_of_maps key_size=4 value_size=4 max_entries=8 flags=BPF_F_RDONLY_PROG|BPF_F_NO_PREALLOC inner=inner_t\nexit');
    assert.deepStrictEqual(r.diagnostics, []);
    const m = r.annotations.maps[1]!;
    assert.deepStrictEqual(
      { name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags, flagNames: m.flagNames, inner: m.inner },
      { name: 'outer', type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 8, flags: 0x81, flagNames: ['BPF_F_RDONLY_PROG', 'BPF_F_NO_PREALLOC'], inner: 'inner_t' },
    );
    assert.deepStrictEqual(m.range, { line: 2, column: 3, endLine: 2, endColumn: 126 });
  });

  it('accepts hex numbers and spaces after #', () => {
    const r = asm('#    @map m type=hash key_size=0x4 value_size=8 max_entries=1024\n');
    assert.deepStrictEqual(r.diagnostics, []);
    assert.strictEqual(r.annotations.maps[0]!.keySize, 4);
    assert.strictEqual(r.annotations.maps[0]!.range!.column, 6);
  });

  it('reports an unknown key', () => {
    assert.deepStrictEqual(problems('# @map m type=hash key_size=4 value_size=8 max_entries=1 colour=red'), [
      [1, 58, "unknown @map key 'colour' (expected type, key_size, value_size, max_entries, flags, inner)"],
    ]);
  });

  it('reports an unknown map type', () => {
    assert.deepStrictEqual(problems('# @map m type=hashtable key_size=4 value_size=8 max_entries=1'), [[1, 10, "unknown map type 'hashtable'"]]);
  });

  it('reports an unknown flag', () => {
    assert.deepStrictEqual(problems('# @map m type=hash key_size=4 value_size=8 max_entries=1 flags=BPF_F_FAST'), [[1, 58, "unknown map flag 'BPF_F_FAST'"]]);
  });

  it('reports each missing key', () => {
    assert.deepStrictEqual(problems('# @map m type=hash key_size=4'), [
      [1, 3, '@map is missing value_size='], [1, 3, '@map is missing max_entries='],
    ]);
  });

  it('reports a bad number', () => {
    assert.deepStrictEqual(problems('# @map m type=hash key_size=four value_size=8 max_entries=1'), [[1, 20, "key_size must be a non-negative integer, not 'four'"]]);
  });

  it('reports a missing name', () => {
    assert.deepStrictEqual(problems('# @map type=hash'), [[1, 8, '@map needs a map name']]);
  });

  it('reports a duplicate map', () => {
    const line = 'type=hash key_size=4 value_size=8 max_entries=1';
    assert.deepStrictEqual(problems(`# @map m ${line}\n# @map m ${line}`), [[2, 8, "map 'm' is already declared"]]);
  });

  it('reports an undeclared inner map', () => {
    assert.deepStrictEqual(problems('# @map o type=array_of_maps key_size=4 value_size=4 max_entries=1 inner=nope'), [[1, 3, "inner map 'nope' is not declared"]]);
  });

  it('reports a malformed word', () => {
    assert.deepStrictEqual(problems('# @map m type=hash key_size=4 value_size=8 max_entries=1 oops'), [[1, 58, "expected key=value, not 'oops'"]]);
  });

  it('reads @prog, placed in its section', () => {
    const r = asm('# @prog xdp\n.section foo,"ax"\n# @prog sched_cls\nexit\n');
    assert.deepStrictEqual(r.diagnostics, []);
    assert.deepStrictEqual([...r.progTypeBySection], [['', 'xdp'], ['foo', 'sched_cls']]);
  });

  it('reports an unknown program type', () => {
    assert.deepStrictEqual(problems('# @prog xdpp'), [[1, 9, "unknown program type 'xdpp'"]]);
  });

  it('reports a misspelt annotation and ignores other @ comments', () => {
    assert.deepStrictEqual(problems('# @maps m\n# @param x\n# @program xdp'), [[1, 3, "unknown annotation '@maps' (expected @map or @prog)"], [3, 3, "unknown annotation '@program' (expected @map or @prog)"]]);
  });
});
