/**
 * The editor API and the log: per-instruction states in kernel notation, and the level-2 log lines.
 */
import * as assert from 'assert';
import { verifyProgram } from '../../../core/src/verifier/index';
import { movImm, movReg, aluImm, load, exit, program } from './build';

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
});
