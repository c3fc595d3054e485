/**
 * Pathological programs end with the kernel's limit messages (or a verdict), never hang; options
 * lower the limit and cancel from outside. Figures checked against Linux 6.18: the 1M loop ends at
 * "Processed 1000001 insn" with total_states 25001; 9000 pending branches end at 8193 jumps.
 */
import * as assert from 'assert';
import { verifyProgram } from '../../../core/src/verifier/index';
import { movImm, aluImm, jImm, call, exit, program } from './build';
import type { Insn } from '../../../core/src/isa/insn';

describe('verifier: limits and cancellation', function () {
  this.timeout(60000);

  it('a million-round loop stops at the 1M processed-instruction limit', () => {
    const p = program([movImm(1, 0), aluImm('add', 1, 1), jImm('jlt', 1, 1000000, -2), movImm(0, 0), exit()]);
    const r = verifyProgram(p, []);
    assert.strictEqual(r.accepted, false);
    assert.strictEqual(r.error?.message, 'BPF program is too large. Processed 1000001 insn');
    assert.strictEqual(r.insnsProcessed, 1000001);
    assert.strictEqual(r.stats.totalStates, 25001);
    assert.strictEqual(r.stats.maxStatesPerInsn, 4);
  });

  it('9000 undecided branches end with the jump-sequence limit', () => {
    const insns: Insn[] = [call(7)];
    for (let i = 0; i < 9000; i++) insns.push(jImm('jeq', 0, i, 0));
    insns.push(movImm(0, 0), exit());
    const r = verifyProgram(program(insns), []);
    assert.strictEqual(r.error?.message, 'The sequence of 8193 jumps is too complex.');
  });

  it('100,000 straight-line instructions verify', () => {
    const insns: Insn[] = [];
    for (let i = 0; i < 99999; i++) insns.push(movImm(0, i % 100));
    insns.push(exit());
    const r = verifyProgram(program(insns), []);
    assert.strictEqual(r.accepted, true);
    assert.strictEqual(r.insnsProcessed, 100000);
  });

  it('maxInsns lowers the limit', () => {
    const p = program([movImm(1, 0), aluImm('add', 1, 1), jImm('jlt', 1, 1000000, -2), movImm(0, 0), exit()]);
    const r = verifyProgram(p, [], { maxInsns: 1000 });
    assert.strictEqual(r.error?.message, 'BPF program is too large. Processed 1001 insn');
  });

  it('a cancelled signal stops verification', () => {
    const p = program([movImm(1, 0), aluImm('add', 1, 1), jImm('jlt', 1, 1000000, -2), movImm(0, 0), exit()]);
    const r = verifyProgram(p, [], { signal: { cancelled: true } });
    assert.strictEqual(r.accepted, false);
    assert.strictEqual(r.error?.message, 'verification cancelled');
  });
});
