/**
 * The fast tier's shortcuts, each checked against the stepping interpreter: context pointer fields
 * read through the compiled code's context path (also into the base register itself, and a faulting
 * load that must leave its destination alone), region caches seeded on entry, counts of a run that
 * starts beyond 32 bits, loop regions whose limit is checked once per iteration, accesses at the
 * edges of a region's window (which compiled code checks through the window's own views), and
 * programs that write only some registers (the others must keep the values the machine holds).
 */
import * as assert from 'assert';
import { Vm } from '../../core/src/vm';
import { assembleModule } from '../../core/src/program/assembleModule';
import type { Module } from '../../core/src/program/model';
import { summary } from './harness';

const XDP = '\t.section xdp,"ax",@progbits\n';
const TC = '\t.section tc,"ax",@progbits\n';

function assemble(text: string): Module {
  const r = assembleModule(text, 't.s');
  assert.ok(!r.diagnostics.some((d) => d.severity === 'error'), JSON.stringify(r.diagnostics));
  return r.module;
}

/** Runs the program in both tiers (after `prepare`) and asserts the same result and registers. */
function agree(m: Module, data: Uint8Array, limit?: number, prepare?: (vm: Vm) => void): Vm {
  const load = (): Vm => {
    const vm = Vm.load(m, { data, ...(limit !== undefined ? { limit } : {}) });
    if ('error' in vm) throw new Error(vm.error);
    prepare?.(vm);
    return vm;
  };
  const a = load(), b = load();
  const ra = a.run('interp'), rb = b.run('fast');
  assert.deepStrictEqual(summary(rb), summary(ra));
  assert.deepStrictEqual(b.registers(), a.registers());
  return b;
}

const packet = new Uint8Array(80).map((_, i) => (i * 29 + 3) & 0xff);

describe('vm fast tier shortcuts', () => {
  it('context pointer fields by 32-bit and sign-extending loads, into the base register too', () => {
    const m = assemble(`${XDP}r2 = *(u32 *)(r1 + 4)\nr3 = *(s32 *)(r1 + 0)\nr1 = *(u32 *)(r1 + 0)\n` +
      'r0 = *(u8 *)(r1 + 3)\nr4 = *(u32 *)(r1 + 8)\nr5 = *(s32 *)(r3 + 12)\nr0 += r5\nr2 -= r1\nr0 += r2\nexit\n');
    const vm = agree(m, packet);
    assert.strictEqual(vm.run('fast').fault, undefined);
  });

  it('a faulting load into its own base register leaves the register as it was', () => {
    const m = assemble(`${XDP}r1 = *(u32 *)(r1 + 0)\nr1 += 100\nr1 = *(u32 *)(r1 + 0)\nexit\n`);
    const vm = agree(m, packet);
    assert.match(vm.result().fault?.message ?? '', /invalid read of 4 bytes at pkt\+100/);
    assert.strictEqual(vm.registers()[1]! >> 32n !== 0n, true);
  });

  it('context fields of an skb, and writes that must still be refused there', () => {
    const m = assemble(`${TC}r2 = *(u32 *)(r1 + 76)\nr3 = *(u32 *)(r1 + 80)\nr0 = *(u32 *)(r1 + 0)\n` +
      'r4 = *(u16 *)(r2 + 12)\nr0 += r4\nr3 -= r2\nr0 += r3\n*(u32 *)(r1 + 76) = r0\nexit\n');
    const vm = agree(m, packet);
    assert.strictEqual(vm.result().fault?.kind, 'read-only');
  });

  it('context pointer fields read the packet bounds as they are after the helpers moved them', () => {
    // bpf_xdp_adjust_head (44) and bpf_xdp_adjust_meta (54) move data and data_meta; data_end is reread too.
    const m = assemble(`${XDP}r6 = r1\nr2 = -8\ncall 54\nr1 = r6\nr2 = 4\ncall 44\n` +
      'r2 = *(u32 *)(r6 + 0)\nr3 = *(u32 *)(r6 + 4)\nr4 = *(s32 *)(r6 + 8)\nr3 -= r2\nr2 -= r4\nr0 = r3\nr0 <<= 8\nr0 += r2\n' +
      'r5 = *(u8 *)(r4 + 0)\nr0 += r5\nexit\n');
    agree(m, packet);
  });

  it('context offsets that are not pointer fields: ingress_ifindex, inside a field, past the end', () => {
    for (const off of [12, 2, 6, 20, 22, 24]) {
      const m = assemble(`${XDP}r0 = *(u32 *)(r1 + ${off})\nr2 = *(s32 *)(r1 + ${off})\nr0 += r2\nexit\n`);
      agree(m, packet);
    }
    // An skb's data_meta, and its neighbours that are plain fields.
    for (const off of [140, 136, 144]) {
      const m = assemble(`${TC}r2 = *(u32 *)(r1 + ${off})\nr0 = *(u32 *)(r1 + 76)\nr0 -= r2\nexit\n`);
      agree(m, packet);
    }
  });

  it('stack and packet stores and loads after a helper call emptied the cache', () => {
    const m = assemble(`${XDP}r6 = *(u32 *)(r1 + 0)\n*(u64 *)(r10 - 8) = r6\ncall 5\nr2 = *(u64 *)(r10 - 8)\n` +
      'r3 = *(u8 *)(r2 + 5)\n*(u8 *)(r6 + 1) = r3\nr0 = *(u16 *)(r6 + 0)\nexit\n');
    agree(m, packet);
    // A negative scalar has a high half of -1, the tag an emptied entry gets: with its low half on
    // an offset inside the packet's window it must still fault, at every width.
    for (const u of ['u8', 'u16', 'u32', 'u64']) {
      const m2 = assemble(`${XDP}r6 = *(u32 *)(r1 + 0)\nr0 = *(${u} *)(r6 + 0)\ncall 5\nr0 = *(${u} *)(r6 + 0)\n` +
        `r5 = -0x7ffffefc\nr0 = *(${u} *)(r5 + 0)\nexit\n`);
      assert.match(agree(m2, packet).result().fault?.message ?? '', /invalid read/);
    }
  });

  it('a run whose count is already beyond 32 bits counts and stops where the interpreter does', () => {
    const m = assemble(`${XDP}r0 = 0\nr1 = 0\nloop:\nr0 += r1\nr1 += 1\nif r1 < 1000 goto loop\nexit\n`);
    for (const room of [1, 2, 3, 50, 2999, 3002, 3003, 100000]) {
      agree(m, packet, undefined, (vm) => { vm.machine.count = 5e9; vm.machine.limit = 5e9 + room; });
    }
    agree(m, packet, 3e10);
  });

  it('a loop region with inner targets stops at every limit as the interpreter does', () => {
    const m = assemble(`${XDP}r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr0 = 0\nr6 = 0\nloop:\nif r6 >= 70 goto done\n` +
      'r4 = r2\nr4 += r6\nr5 = r4\nr5 += 1\nif r5 > r3 goto done\nr5 = *(u8 *)(r4 + 0)\nif r5 > 128 goto big\nif r5 > 64 goto mid\n' +
      'r0 += 1\nmid:\nr0 += 2\nbig:\nr6 += 1\ngoto loop\ndone:\nr0 += r6\nr0 <<= 1\nexit\n');
    for (let limit = 1; limit < 60; limit++) agree(m, packet, limit);
    for (const limit of [200, 333, 700, 1000, 1001, 1002]) agree(m, packet, limit);
  });

  it('additions of small values near 2^31 and 2^32, with and without a bound from a test', () => {
    const m = assemble(`${XDP}r1 = 0x7fffffff\nr1 += 1\nr2 = 0x7ffffff0\nif r2 >= 0x7ffffff5 goto out\nr2 += 5\nr3 = r2\nr3 += r2\n` +
      'r4 = *(u8 *)(r1 + 0)\nr4 = 0x7fffff00\nr5 = *(u16 *)(r10 - 8)\nr5 += r4\nr5 += r4\nr6 = -1\nr6 += 1\nr7 = 3\nif r7 > 2 goto out\nr7 += 0x7ffffffd\n' +
      'out:\nr0 = r3\nr0 ^= r1\nr0 += r5\nr0 += r6\nr0 += r7\nexit\n');
    const vm = agree(m, packet);
    assert.match(vm.result().fault?.message ?? '', /invalid read of 1 bytes at 0x80000000/);
    const m2 = assemble(`${XDP}r1 = 0x7fffffff\nr1 += 1\nr2 = 0x7ffffff0\nif r2 >= 0x7ffffff5 goto out\nr2 += 5\nr3 = r2\nr3 += r2\nr0 = r3\nr0 += r1\n` +
      'r4 = 0x7fffff00\nr5 = *(u16 *)(r10 - 8)\nr5 += r4\nr5 += r4\nr0 += r5\nr7 = 2\nif r7 > 2 goto out\nr7 += 0x7ffffffd\nr0 += r7\nout:\nexit\n');
    const vm2 = agree(m2, packet);
    assert.strictEqual(vm2.result().fault, undefined);
    assert.strictEqual(vm2.registers()[3], 2n * 0x7ffffff5n);
    assert.strictEqual(vm2.registers()[7], 0x7fffffffn);
  });

  it('loads and stores of every width at the edges of the window, before and after a helper moves it', () => {
    // Offsets relative to data and data_end: inside at both ends, straddling either end, one access
    // beyond either, far beyond (r7 and r8, whose index wraps), and the same around the stack.
    for (const w of [1, 2, 4, 8]) {
      const edges: [string, number][] = [['r2', 0], ['r2', -1], ['r2', -w], ['r3', -w], ['r3', 1 - w], ['r3', 0],
        ['r7', 0], ['r8', 0], ['r10', -512], ['r10', -512 - w + 1], ['r10', -513], ['r10', -w], ['r10', 1 - w], ['r10', 0]];
      const u = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' }[w], sx = { 1: 's8', 2: 's16', 4: 's32', 8: 'u64' }[w];
      for (const [base, off] of edges) {
        const at = `${base} ${off < 0 ? '-' : '+'} ${Math.abs(off)}`;
        // Loads into a scratch register and into their own base register; stores of a register and of an immediate.
        for (const access of [`r0 = *(${u} *)(${at})`, `r0 = *(${sx} *)(${at})`, `${base === 'r10' ? 'r0' : base} = *(${u} *)(${at})`, `*(${u} *)(${at}) = r4`, `*(${u} *)(${at}) = -7`]) {
          const m = assemble(`${XDP}r4 = -0x63\nr2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr7 = r2\nr7 += -0x7fffffff\nr8 = r2\nr8 += 0x7fffffff\n${access}\nr0 += 1\nexit\n`);
          agree(m, packet);
        }
      }
    }
    // bpf_xdp_adjust_head (44) by +4, then -8 (data moves into the headroom): the bytes just before
    // the new data are outside the window only in the first case.
    for (const delta of [4, -8]) {
      for (const u of ['u8', 'u16', 'u32', 'u64']) {
        const m = assemble(`${XDP}r6 = r1\nr0 = 0\nr5 = *(u32 *)(r6 + 0)\nr4 = *(${u} *)(r5 + 0)\nr1 = r6\nr2 = ${delta}\ncall 44\n` +
          `r2 = *(u32 *)(r6 + 0)\nr3 = *(u32 *)(r6 + 4)\nr0 = *(u8 *)(r3 - 1)\nr0 += r4\nr4 = *(${u} *)(r5 + 0)\nr0 += r4\n` +
          `*(${u} *)(r5 + 0) = r0\nr4 = *(${u} *)(r2 - 1)\nr0 += r4\nexit\n`);
        agree(m, packet);
      }
    }
  });

  it('a fault two calls deep leaves the callee\'s frame pointer and the callers\' saved registers', () => {
    const m = assemble(`${XDP}r6 = 1\nr7 = 2\ncall f\nr0 += r6\nexit\nf:\nr6 = 3\ncall g\nr0 = r6\nexit\ng:\nr7 = 4\nr1 = 0\nr0 = *(u8 *)(r1 + 0)\nexit\n`);
    const vm = agree(m, packet);
    assert.match(vm.result().fault?.message ?? '', /invalid read/);
    // The same program without the fault returns through both frames: r6 and r7 are the entry's again.
    const ok = agree(assemble(`${XDP}r6 = 1\nr7 = 2\ncall f\nr0 += r6\nexit\nf:\nr6 = 3\ncall g\nr0 = r6\nexit\ng:\nr7 = 4\nr0 = 5\nexit\n`), packet);
    assert.deepStrictEqual([ok.registers()[0], ok.registers()[6], ok.registers()[7]], [4n, 1n, 2n]);
  });

  it('registers the program never writes keep their values across calls and faults', () => {
    const m = assemble(`${XDP}r7 = 5\ncall f\nr0 += r7\nr1 = 0\nr0 = *(u8 *)(r1 + 0)\nexit\nf:\nr0 = 1\nr6 = 9\nexit\n`);
    agree(m, packet, undefined, (vm) => { vm.setRegister(8, 0x123456789n); vm.setRegister(9, -1n); });
  });
});
