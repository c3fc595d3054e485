/**
 * Differential test against the running kernel (root only): hand-written and seeded random programs
 * go through BPF_PROG_TEST_RUN in one batch and through both tiers of our interpreter; the return
 * value, the data out and the maps afterwards must be identical for every program the kernel loads.
 * Skips with the oracle's reason where bpf() cannot be used.
 */
import * as assert from 'assert';
import { kernelBatch, kernelUnavailable, type KernelRequest, type KernelResult } from '../kernel/kernel';
import { encodeProgram } from '../../core/src/isa';
import { toHex } from '../../core/src/vm';
import { runBoth, asmBytes, rawFromBytes } from './harness';
import {
  rng, aluProgram, loopProgram, ldAbsProgram, xdpProgram, tcProgram, mapProgram, callProgram, randomPacket, PROG_TYPE_IDS, type GenProgram,
} from './gen';

/** Hand-written programs: [name, program type, LLVM-dialect text]. */
const HAND: [string, GenProgram['progType'], string][] = [
  ['div-by-zero-reg', 'socket_filter', 'r0 = 77\nr1 = 0\nr0 /= r1\nr0 += 5\nexit'],
  ['mod-by-zero-64', 'socket_filter', 'r0 = -3\nr1 = 0\nr0 %= r1\nr1 = r0\nr1 >>= 32\nr0 ^= r1\nexit'],
  ['mod32-by-zero-zext', 'socket_filter', 'r0 = -1\nw1 = 0\nw0 %= w1\nr1 = r0\nr1 >>= 32\nr0 += r1\nexit'],
  ['sdiv64-intmin', 'socket_filter', 'r0 = 0x8000000000000000 ll\nr1 = -1\nr0 s/= r1\nr0 >>= 32\nexit'],
  ['smod64-intmin', 'socket_filter', 'r0 = 0x8000000000000000 ll\nr1 = -1\nr0 s%= r1\nexit'],
  ['sdiv32-intmin', 'socket_filter', 'w0 = 0x80000000\nw1 = -1\nw0 s/= w1\nexit'],
  ['smod32-neg', 'socket_filter', 'w0 = -7\nw1 = 3\nw0 s%= w1\nexit'],
  ['shift64-by-reg-64', 'socket_filter', 'r0 = 5\nr1 = 64\nr0 <<= r1\nr2 = 65\nr0 <<= r2\nexit'],
  ['shift32-by-reg-32', 'socket_filter', 'w0 = 0x80000001\nw1 = 33\nw0 s>>= w1\nexit'],
  ['arsh64-by-reg-63', 'socket_filter', 'r0 = 0x8000000000000000 ll\nr1 = 63\nr0 s>>= r1\nexit'],
  ['bswap64-fold', 'socket_filter', 'r0 = 0x0123456789abcdef ll\nr0 = bswap64 r0\nr1 = r0\nr1 >>= 32\nr0 ^= r1\nexit'],
  ['be16-zext', 'socket_filter', 'r0 = -1\nr0 = be16 r0\nexit'],
  ['movsx-32', 'socket_filter', 'r1 = 0x80000000 ll\nr0 = (s32)r1\nr0 >>= 32\nexit'],
  ['atomics-stack', 'socket_filter',
    '*(u64 *)(r10 - 8) = 10\nr1 = 5\nlock *(u64 *)(r10 - 8) += r1\nr1 = 3\nr1 = atomic_fetch_or((u64 *)(r10 - 8), r1)\n' +
    'w2 = 6\nw2 = atomic_fetch_and((u32 *)(r10 - 8), w2)\nr3 = 9\nr3 = xchg_64(r10 - 8, r3)\nr0 = 9\nr4 = 100\n' +
    'r0 = cmpxchg_64(r10 - 8, r0, r4)\nr5 = *(u64 *)(r10 - 8)\nr0 += r1\nr0 += r2\nr0 += r3\nr0 += r5\nexit'],
  ['atomic32-cmpxchg-miss', 'socket_filter', '*(u64 *)(r10 - 8) = -1\nw0 = 3\nw1 = 4\nw0 = cmpxchg32_32(r10 - 8, w0, w1)\nr1 = *(u64 *)(r10 - 8)\nr0 += r1\nexit'],
  ['bpf2bpf', 'socket_filter', 'r6 = 3\nr1 = 4\ncall f\nr0 += r6\nexit\nf:\nr6 = 50\n*(u64 *)(r10 - 8) = r1\nr0 = *(u64 *)(r10 - 8)\nr0 *= r6\nexit'],
  ['gotol', 'socket_filter', 'r0 = 1\nr2 = *(u32 *)(r1 + 0)\nif r2 == 0 goto +1\ngotol +1\nr0 = 2\nexit'],
  ['ldabs-net-off', 'socket_filter', 'r6 = r1\nr0 = *(u16 *)skb[-1048576]\nexit'],
  ['ldabs-ll-off', 'socket_filter', 'r6 = r1\nr0 = *(u16 *)skb[-2097140]\nexit'],
  ['ldabs-oob-ends', 'socket_filter', 'r6 = r1\nr0 = *(u32 *)skb[1000]\nr0 = 7\nexit'],
  ['skb-len-proto', 'socket_filter', 'r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 16)\nr0 = *(u32 *)(r1 + 4)\nr0 <<= 8\nr0 += r2\nr0 <<= 16\nr0 += r3\nexit'],
  ['tc-skb-fields', 'sched_cls', 'r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 40)\nr4 = *(u32 *)(r1 + 36)\nr0 = r2\nr0 <<= 8\nr0 += r3\nr0 <<= 8\nr0 += r4\nexit'],
  ['tc-ldabs', 'sched_cls', 'r6 = r1\nr0 = *(u16 *)skb[12]\nexit'],
  ['xdp-ingress', 'xdp', 'r0 = *(u32 *)(r1 + 12)\nr2 = *(u32 *)(r1 + 16)\nr0 += r2\nexit'],
  ['xdp-meta-write', 'xdp', 'r6 = r1\nr2 = -8\ncall 54\nr2 = *(u32 *)(r6 + 8)\nr3 = *(u32 *)(r6 + 0)\nr4 = r2\nr4 += 8\nif r4 > r3 goto +3\nr5 = 0x1122334455667788 ll\n*(u64 *)(r2 + 0) = r5\nr0 = 2\nexit'],
  ['xdp-tail-grow', 'xdp', 'r6 = r1\nr2 = 16\ncall 65\nr2 = *(u32 *)(r6 + 0)\nr3 = *(u32 *)(r6 + 4)\nr0 = r3\nr0 -= r2\nexit'],
  ['xdp-head-grow-write', 'xdp', 'r6 = r1\nr2 = -6\ncall 44\nr2 = *(u32 *)(r6 + 0)\nr3 = *(u32 *)(r6 + 4)\nr4 = r2\nr4 += 6\nif r4 > r3 goto +1\n*(u32 *)(r2 + 0) = -1\nr0 = 3\nexit'],
  ['xdp-ldxs', 'xdp', 'r2 = *(u32 *)(r1 + 0)\nr3 = *(u32 *)(r1 + 4)\nr4 = r2\nr4 += 8\nr0 = 0\nif r4 > r3 goto +3\nr0 = *(s8 *)(r2 + 0)\nr5 = *(s16 *)(r2 + 2)\nr0 ^= r5\nexit'],
  ['may-goto', 'socket_filter', 'r0 = 0\nmay_goto +1\nr0 = 1\nexit'],
  ['csum-diff', 'sched_cls', '*(u64 *)(r10 - 8) = 0x12345678\n*(u64 *)(r10 - 16) = -1\nr1 = r10\nr1 += -16\nr2 = 8\nr3 = r10\nr3 += -8\nr4 = 8\nr5 = 0x1111\ncall 28\nexit'],
  ['printk-len', 'socket_filter', '*(u64 *)(r10 - 8) = 0\n*(u32 *)(r10 - 8) = 0x00642578\nr1 = r10\nr1 += -8\nr2 = 4\nr3 = 42\ncall 6\nexit'],
];

function request(p: GenProgram): KernelRequest {
  const req: KernelRequest = {
    insns: toHex(encodeProgram(p.insns)), progType: PROG_TYPE_IDS[p.progType], run: true, dataIn: toHex(p.data),
  };
  if (p.maps) {
    req.maps = p.maps.map((m) => ({ type: m.typeId, keySize: m.def.keySize, valueSize: m.def.valueSize, maxEntries: m.def.maxEntries }));
    req.mapRefs = p.mapRefs ?? [];
    req.dumpMaps = true;
  }
  return req;
}

function programs(): GenProgram[] {
  const out: GenProgram[] = [];
  const r = rng(0x5eed);
  for (const [name, progType, text] of HAND) {
    const raw = rawFromBytes(asmBytes(text));
    out.push({ name, progType, insns: raw.insns as GenProgram['insns'], data: randomPacket(r) });
  }
  for (let i = 0; i < 110; i++) out.push(aluProgram(r, `alu-${i}`));
  for (let i = 0; i < 60; i++) out.push(loopProgram(r, `loop-${i}`));
  for (let i = 0; i < 40; i++) out.push(ldAbsProgram(r, `ldabs-${i}`));
  for (let i = 0; i < 50; i++) out.push(xdpProgram(r, `xdp-${i}`));
  for (let i = 0; i < 40; i++) out.push(tcProgram(r, `tc-${i}`));
  for (let i = 0; i < 40; i++) out.push(mapProgram(r, `map-${i}`));
  for (let i = 0; i < 30; i++) out.push(callProgram(r, `call-${i}`));
  return out;
}

describe('vm against the kernel (BPF_PROG_TEST_RUN)', function () {
  this.timeout(120000);
  let progs: GenProgram[] = [];
  let results: KernelResult[] = [];
  before(function () {
    const why = kernelUnavailable();
    if (why) { (this.test!.parent as unknown as { skipReason: string }).skipReason = why; this.skip(); }
    progs = programs();
    results = kernelBatch(progs.map(request));
  });

  it('the kernel loads and runs at least 300 of the programs', () => {
    const ran = results.filter((r) => r.loaded && r.retval !== undefined).length;
    const refused = progs.filter((_, i) => !results[i]!.loaded).map((p) => p.name);
    assert.ok(refused.length <= progs.length / 20, `the kernel refused ${refused.length}: ${refused.slice(0, 10).join(', ')}`);
    console.log(`      (${ran} of ${progs.length} programs ran in the kernel; refused: ${refused.join(', ') || 'none'})`);
    const rejected = results.map((r, i) => (r.loaded ? '' : `${progs[i]!.name}: ${r.log.split('\n').filter(Boolean).slice(-2).join(' | ')}`)).filter(Boolean);
    assert.ok(ran >= 300, `only ${ran} of ${progs.length} ran; rejected:\n${rejected.slice(0, 10).join('\n')}`);
  });

  it('retval, data out and maps are identical for every program', () => {
    const mismatches: string[] = [];
    progs.forEach((p, i) => {
      const k = results[i]!;
      if (!k.loaded || k.retval === undefined) return;
      const { interp, vmInterp } = runBoth({ insns: p.insns, maps: p.maps?.map((m) => m.def), progType: p.progType }, { data: p.data });
      const ours = { retval: interp.r0[0] >>> 0, dataOut: toHex(interp.dataOut), fault: interp.fault?.message };
      const theirs = { retval: k.retval >>> 0, dataOut: k.dataOut ?? '', fault: undefined };
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) mismatches.push(`${p.name}: ours ${JSON.stringify(ours)} kernel ${JSON.stringify(theirs)}`);
      if (p.maps && k.maps) {
        const dump = vmInterp.dumpMaps();
        p.maps.forEach((m, mi) => {
          const mine = (dump[m.def.name] ?? []).map(([a, b]) => `${a}:${b}`).sort();
          const kern = (k.maps![mi] ?? []).map(([a, b]) => `${a}:${b ?? ''}`).sort();
          if (JSON.stringify(mine) !== JSON.stringify(kern)) mismatches.push(`${p.name}: map ${m.def.name} ours ${mine.join(',')} kernel ${kern.join(',')}`);
        });
      }
    });
    assert.deepStrictEqual(mismatches, []);
  });
});
