/**
 * Every kind of fault with its exact message (the conformance cases cover the memory, jump, limit,
 * call-depth and helper faults; this file covers the rest), and the step API the debugger uses:
 * single steps, breakpoints, registers, memory reads and the call stack.
 */
import * as assert from 'assert';
import { assembleModule } from '../../core/src/program/assembleModule';
import { Vm } from '../../core/src/vm';
import { I, slots, runBoth, asmBytes, rawFromBytes } from './harness';

function fault(prog: Parameters<typeof Vm.load>[0], data?: Uint8Array, limit?: number): { kind?: string; message?: string } {
  const { interp } = runBoth(prog, { ...(data ? { data } : {}), ...(limit ? { limit } : {}) });
  return { kind: interp.fault?.kind, message: interp.fault?.message };
}

describe('vm faults', () => {
  it('read-only: writing the xdp context', () => {
    const m = assembleModule('\t.section xdp,"ax",@progbits\n*(u32 *)(r1 + 12) = 1\nr0 = 0\nexit\n', 't.s').module;
    assert.deepStrictEqual(fault(m, new Uint8Array(20)), { kind: 'read-only', message: 'invalid write of 4 bytes at ctx+12 (xdp_md is read-only) at insn 0' });
  });

  it('read-only: the data pointer fields of __sk_buff', () => {
    const m = assembleModule('\t.section tc,"ax",@progbits\n*(u32 *)(r1 + 76) = 1\nr0 = 0\nexit\n', 't.s').module;
    assert.deepStrictEqual(fault(m, new Uint8Array(20)), { kind: 'read-only', message: 'invalid write of 4 bytes at ctx+76 (__sk_buff is read-only there) at insn 0' });
  });

  it('invalid-read: past data_end of a packet', () => {
    const m = assembleModule('\t.section xdp,"ax",@progbits\nr2 = *(u32 *)(r1 + 0)\nr0 = *(u32 *)(r2 + 62)\nexit\n', 't.s').module;
    assert.deepStrictEqual(fault(m, new Uint8Array(64)), { kind: 'invalid-read', message: 'invalid read of 4 bytes at pkt+62 (packet is 64 bytes) at insn 1' });
  });

  it('bad-insn: an undecodable slot faults when it executes, not before', () => {
    const bytes = new Uint8Array([0xb7, 0, 0, 0, 1, 0, 0, 0, 0x15, 0, 1, 0, 1, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
    // r0 = 1; if r0 == 1 goto +1 (skips the bad slot); <bad>; exit
    assert.deepStrictEqual(fault(rawFromBytes(bytes)), { kind: undefined, message: undefined });
    bytes[12] = 2; // now the jump is not taken
    assert.deepStrictEqual(fault(rawFromBytes(bytes)), { kind: 'bad-insn', message: 'unknown opcode 0xff at insn 2' });
  });

  it('bad-jump: into the second slot of a 64-bit immediate load', () => {
    const prog = { insns: slots([I('ja', { off: 1 }), I('lddw', { dst: 0, imm64: 5n }), I('exit')]) };
    assert.deepStrictEqual(fault(prog), { kind: 'bad-jump', message: 'jump into the second slot of a 64-bit immediate load at insn 2' });
  });

  it('insn-limit: a configurable limit', () => {
    assert.deepStrictEqual(fault({ insns: [I('ja', { off: -1 })] }, undefined, 1000), { kind: 'insn-limit', message: 'instruction limit of 1000 reached at insn 0' });
  });

  it('helper-arg: a helper given something other than a map', () => {
    assert.deepStrictEqual(fault({ insns: [I('mov64_imm', { dst: 1, imm: 3 }), I('call', { imm: 1 }), I('exit')] }),
      { kind: 'helper-arg', message: 'bpf_map_lookup_elem (#1) expects a map in r1, got 0x3 at insn 1' });
  });

  it('bad-call: callx to something that is not a function', () => {
    assert.deepStrictEqual(fault({ insns: [I('mov64_reg', { dst: 1, src: 10 }), I('callx', { dst: 1 }), I('exit')] }),
      { kind: 'bad-call', message: 'call to fp+0, which is not a function of the program at insn 1' });
  });

  it('callx to a function reference calls it; a plain number calls that helper (ubpf semantics)', () => {
    const viaRef = runBoth({ insns: slots([I('ld_pseudo_4', { dst: 1, imm: 4 }), I('callx', { dst: 1 }), I('add64_imm', { dst: 0, imm: 1 }), I('exit'), I('mov64_imm', { dst: 0, imm: 41 }), I('exit')]) });
    assert.strictEqual(viaRef.interp.retval, '0x2a');
    const viaId = runBoth({ insns: [I('mov64_imm', { dst: 1, imm: 8 }), I('callx', { dst: 1 }), I('add64_imm', { dst: 0, imm: 1 }), I('exit')] });
    assert.strictEqual(viaId.interp.retval, '0x1'); // helper 8, get_smp_processor_id, answers cpu 0
  });

  it('a packet shorter than the Ethernet header is refused at load', () => {
    const m = assembleModule('\t.section socket,"ax",@progbits\nr0 = 0\nexit\n', 't.s').module;
    const vm = Vm.load(m, { data: new Uint8Array(10) });
    assert.deepStrictEqual(vm, { error: 'the packet must hold at least the 14-byte Ethernet header (got 10 bytes)' });
  });
});

describe('vm step API', () => {
  const text = 'r1 = 5\ncall f\nr0 += 1\nexit\nf:\n*(u64 *)(r10 - 8) = r1\nr0 = *(u64 *)(r10 - 8)\nexit\n';

  it('steps one instruction at a time and shows registers, memory and frames', () => {
    const vm = Vm.load(rawFromBytes(asmBytes(text))) as Vm;
    assert.strictEqual(vm.step(), 'budget');
    assert.strictEqual(vm.registers()[1], 5n);
    vm.step(2); // call, store
    assert.strictEqual(vm.pc, 5);
    const stack = vm.callStack();
    assert.deepStrictEqual(stack.map((f) => [f.slot, f.depth]), [[5, 1], [1, 0]]);
    assert.strictEqual(vm.describePointer(vm.registers()[10]!), 'fp#1+0');
    const mem = vm.readMemory(vm.registers()[10]! - 8n, 8);
    assert.deepStrictEqual(mem, new Uint8Array([5, 0, 0, 0, 0, 0, 0, 0]));
    assert.strictEqual(vm.step(100), 'exit');
    assert.strictEqual(vm.result().retval, '0x6');
    assert.strictEqual(vm.result().insns, 7);
  });

  it('stops at breakpoints and continues', () => {
    const vm = Vm.load(rawFromBytes(asmBytes(text))) as Vm;
    const bp = new Uint8Array(8);
    bp[2] = 1;
    assert.strictEqual(vm.continue(bp), 'breakpoint');
    assert.strictEqual(vm.pc, 2);
    assert.strictEqual(vm.continue(bp), 'exit');
  });

  it('reading outside memory gives a message, not an exception', () => {
    const vm = Vm.load(rawFromBytes(asmBytes(text))) as Vm;
    assert.strictEqual(vm.readMemory(16n, 4), 'invalid read of 4 bytes at 0x10 (not a pointer into any memory region)');
  });
});
