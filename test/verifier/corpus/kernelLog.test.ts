/**
 * Tests of `readKernelLog`, which reads the error line and the blamed instruction out of a level-2
 * kernel verifier log. The logs are trimmed copies of real 6.18 logs recorded for the corpus.
 */
import * as assert from 'assert';
import { readKernelLog } from './kernelLog';

/** Program bytes from slot descriptions [opcode, regs byte, imm]. */
function prog(...slots: [number, number, number][]): Uint8Array {
  const out = new Uint8Array(slots.length * 8);
  const view = new DataView(out.buffer);
  slots.forEach(([op, regs, imm], i) => { out[i * 8] = op; out[i * 8 + 1] = regs; view.setInt32(i * 8 + 4, imm, true); });
  return out;
}

const EXIT: [number, number, number] = [0x95, 0, 0];
const MOV0: [number, number, number] = [0xb7, 0, 0];

describe('verifier corpus: reading kernel logs', function () {
  const rows: { name: string; log: string; bytes: Uint8Array; want: { message: string; errorInsn: number | null; insnsProcessed: number | null } }[] = [
    {
      name: 'the last instruction line before the error',
      log: [
        'func#0 @0', 'Live regs before insn:', '      0: .......... (b7) r1 = 0', '0: R1=ctx() R10=fp0',
        '0: (18) r1 = 0xffff888100997400       ; R1=map_ptr(ks=4,vs=8)', '5: (85) call bpf_map_lookup_elem#1    ; R0=map_value_or_null(id=1,ks=4,vs=8)',
        '6: (79) r0 = *(u64 *)(r0 +0)', "R0 invalid mem access 'map_value_or_null'",
        'processed 6 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0', '',
      ].join('\n'),
      bytes: prog(MOV0, EXIT),
      want: { message: "R0 invalid mem access 'map_value_or_null'", errorInsn: 6, insnsProcessed: 6 },
    },
    {
      name: 'an index named in the message, with state dumps after it',
      log: ['3: (b7) r0 = 1                        ; frame1: R0=1', '4: (05) goto pc-2', 'SCC enter (1)', 'infinite loop detected at insn 3',
        'cur state: frame1: R0=1 R1=ctx() R10=fp0', 'processed 11 insns (limit 1000000) max_states_per_insn 0'].join('\n'),
      bytes: prog(MOV0, EXIT),
      want: { message: 'infinite loop detected at insn 3', errorInsn: 3, insnsProcessed: 11 },
    },
    {
      name: 'an error line without its newline',
      log: '2: (85) call bpf_tail_call#12\nexpected prog array map for tail callprocessed 3 insns (limit 1000000) max_states_per_insn 0\n',
      bytes: prog(MOV0, MOV0, [0x85, 0, 12], EXIT),
      want: { message: 'expected prog array map for tail call', errorInsn: 2, insnsProcessed: 3 },
    },
    {
      name: 'a bad map fd, found before the main pass, located in the bytes',
      log: 'fd 99 is not pointing to valid bpf_map\nprocessed 0 insns (limit 1000000)\n',
      bytes: prog(MOV0, [0x18, 0x11, 99], [0, 0, 0], EXIT),
      want: { message: 'fd 99 is not pointing to valid bpf_map', errorInsn: 1, insnsProcessed: 0 },
    },
    {
      name: 'a function that falls off its end',
      log: 'func#0 @0\nfunc#1 @3\nfunc#2 @4\nlast insn is not an exit or jmp\nprocessed 0 insns (limit 1000000)\n',
      bytes: prog([0x85, 0x10, 2], [0x85, 0x10, 2], EXIT, MOV0, MOV0, EXIT),
      want: { message: 'last insn is not an exit or jmp', errorInsn: 3, insnsProcessed: 0 },
    },
    {
      name: 'the combined stack size, checked after the pass, blames no instruction',
      log: '3: (95) exit\ncombined stack size of 3 calls is 624. Too large\nprocessed 12 insns (limit 1000000)\n',
      bytes: prog(MOV0, EXIT),
      want: { message: 'combined stack size of 3 calls is 624. Too large', errorInsn: null, insnsProcessed: 12 },
    },
    {
      name: 'a bpf-to-bpf call out of the program, found before the main pass',
      log: 'call to invalid destination\nprocessed 0 insns (limit 1000000)\n',
      bytes: prog(MOV0, [0x85, 0x10, 10], EXIT),
      want: { message: 'call to invalid destination', errorInsn: 1, insnsProcessed: 0 },
    },
  ];
  for (const row of rows) {
    it(row.name, function () {
      assert.deepStrictEqual(readKernelLog(row.log, row.bytes), row.want);
    });
  }
});
