/**
 * A stand-in verifier for the services' unit tests: it tracks only `rN = IMM` moves, `rN = rM`
 * copies and helper calls (r0 becomes `map_value_or_null` after call 1), and rejects the first load
 * through a register that may be NULL, with the kernel's words. It lets the tests check how the
 * services place and show a verdict without depending on the real verifier's every rule.
 */
import type { MapDef, Program } from '../../core/src/program/model';
import type { InsnStates, StateView, VerifyOptions, VerifyResult } from '../../core/src/verifier/types';

function view(regs: { [r: number]: string }): StateView {
  const text = Object.entries(regs).map(([k, v]) => `R${k}=${v}`).join(' ');
  return { regs: { ...regs }, stack: {}, text };
}

export function fakeVerify(prog: Program, _maps: MapDef[], _opts: VerifyOptions): VerifyResult {
  let regs: { [r: number]: string } = { 1: 'ctx()', 10: 'fp0' };
  const states: InsnStates[] = [];
  let processed = 0;
  for (let pc = 0; pc < prog.insns.length; pc++) {
    const insn = prog.insns[pc]!;
    if (insn.kind === 'ldImm64Hi') continue;
    processed++;
    const before = view(regs);
    const next = { ...regs };
    if (insn.kind === 'alu' && insn.op === 'mov' && insn.is64) next[insn.dst] = insn.useReg ? regs[insn.src] ?? '?' : String(insn.imm);
    if (insn.kind === 'call') { for (let r = 1; r <= 5; r++) delete next[r]; next[0] = insn.imm === 1 ? 'map_value_or_null(id=1,map=m,ks=4,vs=8)' : 'scalar()'; }
    if (insn.kind === 'ldImm64') next[insn.dst] = 'map_ptr(map=m,ks=4,vs=8)';
    if (insn.kind === 'load' && (regs[insn.src] ?? '').includes('_or_null')) {
      states.push({ insn: pc, visits: 1, before });
      const message = `R${insn.src} invalid mem access 'map_value_or_null'`;
      return { accepted: false, insnsProcessed: processed, error: { insn: pc, message, code: 'VER999', explanation: 'the pointer may be NULL' }, log: `${pc}: ${message}\n`, stats: { maxStatesPerInsn: 1, totalStates: 1, peakStates: 1 }, states, timeUsec: 1 };
    }
    if (insn.kind === 'load') next[insn.dst] = 'scalar()';
    regs = next;
    states.push({ insn: pc, visits: 1, before, after: view(regs) });
    if (insn.kind === 'exit') break;
  }
  return { accepted: true, insnsProcessed: processed, log: '', stats: { maxStatesPerInsn: 1, totalStates: 1, peakStates: 1 }, states, timeUsec: 1 };
}
