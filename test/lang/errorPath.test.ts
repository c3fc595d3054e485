/** Reading the failing path back from a level-2 verifier log: depth-first exploration, resumed branches last in, first out. */
import * as assert from 'assert';
import { branchDecisions } from '../../core/src/lang/errorPath';
import type { Insn } from '../../core/src/isa/insn';

const jeq = (off: number): Insn => ({ kind: 'jcond', op: 'jeq', is64: true, useReg: false, dst: 0, src: 0, off, imm: 0 });
const mov: Insn = { kind: 'alu', op: 'mov', is64: true, useReg: false, dst: 0, src: 0, off: 0, imm: 0 };

describe('lang: branch decisions from the verifier log', () => {
  // 0: if → 3; 1: if → 4; 2: mov; 3: mov; 4: mov (error)
  const insns = [jeq(2), jeq(2), mov, mov, mov];
  const table: { name: string; log: string; error: number; want: string[] }[] = [
    { name: 'straight line, nothing taken', log: '0: (15)\n1: (15)\n2: (b7)\n3: (b7)\n', error: 4, want: ['0 not taken', '1 not taken'] },
    {
      name: 'a resumed branch replaces the end of the path',
      log: '0: (15)\n1: (15)\n2: (b7)\n3: (b7)\n4: (b7)\nexit\n\nfrom 1 to 4: R0=0\n', error: 4,
      want: ['0 not taken', '1 taken'],
    },
    {
      name: 'branches resume last in, first out',
      log: '0: (15)\n1: (15)\n2: (b7)\n3: (b7)\n4: (b7)\n\nfrom 1 to 4: R0=0\n4: (b7)\n\nfrom 0 to 3: R0=0\n3: (b7)\n', error: 4,
      want: ['0 taken'],
    },
    { name: 'an empty log still ends at the error', log: '', error: 4, want: [] },
  ];
  for (const t of table) {
    it(t.name, () => {
      assert.deepStrictEqual(branchDecisions(t.log, t.error, insns).map((b) => `${b.insn} ${b.taken ? 'taken' : 'not taken'}`), t.want);
    });
  }
});
