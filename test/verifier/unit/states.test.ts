/**
 * The editor API and the log: per-instruction states in kernel notation, and the level-2 log lines.
 */
import * as assert from 'assert';
import { verifyProgram } from '../../../core/src/verifier/index';
import type { Insn } from '../../../core/src/isa/insn';
import { movImm, movReg, aluImm, load, exit, jImm, program } from './build';

describe('verifier: states for the editor and the log', function () {
  const p = program([movReg(2, 10), aluImm('add', 2, -8), load(4, 3, 1, 0), aluImm('and', 3, 255), movImm(0, 0), exit()]);

  it('collects the state before and after every slot', () => {
    const r = verifyProgram(p, [], { collectStates: true });
    assert.ok(r.accepted);
    const s = r.states!;
    assert.strictEqual(s.length, 6);
    assert.strictEqual(s[0]!.before!.text, 'R1=ctx() R10=fp0');
    assert.strictEqual(s[1]!.after!.regs[2], 'fp-8');
    assert.strictEqual(s[3]!.after!.regs[3], 'scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))');
    assert.strictEqual(s[4]!.after!.regs[0], '0');
  });

  it('writes a kernel-style log', () => {
    const r = verifyProgram(p, [], { logLevel: 2 });
    const lines = r.log.split('\n');
    assert.strictEqual(lines[0], '0: R1=ctx() R10=fp0');
    assert.strictEqual(lines[1], '0: (bf) r2 = r10                      ; R2=fp0 R10=fp0');
    assert.strictEqual(lines[2], '1: (07) r2 += -8                      ; R2=fp-8');
    assert.ok(lines.some((l) => l.startsWith('processed 6 insns (limit 1000000) max_states_per_insn 0 total_states 0')));
  });

  // Two paths reach the slots after `if r2 > 10 goto +1`: the fall-through side runs the extra slot.
  const len = load(4, 2, 1, 0);
  const U32 = 'scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))';
  const store0 = (off: number): Insn => ({ kind: 'store', size: 8, useReg: false, dst: 10, src: 0, off, imm: 0 });
  const statesAt = (insns: Insn[], slot: number, mode?: 'joined' | 'last') => {
    const r = verifyProgram(program(insns), [], { collectStates: mode ?? true });
    assert.ok(r.accepted, r.error?.message);
    return r.states!.find((s) => s.insn === slot)!;
  };

  it('joins the states of all paths that reach a slot', () => {
    const st = statesAt([len, movImm(0, 1), jImm('jgt', 2, 10, 1), movImm(0, 3), aluImm('and', 0, 7), exit()], 4);
    assert.strictEqual(st.visits, 2);
    assert.strictEqual(st.before!.regs[0], 'scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=3,var_off=(0x1; 0x2))');
    // r2 <= 10 on one path and r2 > 10 on the other: together, any u32 again.
    assert.strictEqual(st.before!.regs[2], U32);
    assert.strictEqual(st.before!.text, `R0=scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=3,var_off=(0x1; 0x2)) R1=ctx() R2=${U32} R10=fp0`);
    assert.strictEqual(st.after!.regs[0], st.before!.regs[0]);
  });

  it('keeps the last path alone on request', () => {
    const st = statesAt([len, movImm(0, 1), jImm('jgt', 2, 10, 1), movImm(0, 3), aluImm('and', 0, 7), exit()], 4, 'last');
    assert.strictEqual(st.visits, 2);
    assert.strictEqual(st.before!.text, 'R0=1 R1=ctx() R2=scalar(smin=umin=umin32=11,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff)) R10=fp0');
  });

  it('lists values of different types as alternatives and marks uninitialised paths with ?', () => {
    assert.strictEqual(statesAt([len, movReg(3, 10), jImm('jgt', 2, 10, 1), movImm(3, 5), movImm(0, 0), exit()], 4).before!.regs[3], '5|fp0');
    assert.strictEqual(statesAt([len, jImm('jgt', 2, 10, 1), movImm(4, 7), movImm(0, 0), exit()], 3).before!.regs[4], '7|?');
    assert.strictEqual(statesAt([len, jImm('jgt', 2, 10, 1), store0(-8), movImm(0, 0), exit()], 3).before!.stack['-8'], '0|?');
  });

  it('joins different pointer offsets into a variable offset', () => {
    const st = statesAt([len, movReg(3, 10), aluImm('add', 3, -8), jImm('jgt', 2, 10, 1), aluImm('add', 3, -8), movImm(0, 0), exit()], 5);
    assert.strictEqual(st.before!.regs[3], 'fp(smin=-16,smax=-8,var_off=(0xfffffffffffffff0; 0x8))');
  });
});
