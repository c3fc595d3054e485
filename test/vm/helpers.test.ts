/**
 * Helpers, maps and contexts, run through assembled modules in both tiers: map types and their
 * errno answers, queue/stack/ringbuf/perf output, tail calls, bpf_loop and for_each_map_elem
 * callbacks, trace_printk and snprintf formatting, strncmp, the configurable environment helpers,
 * probe_read from a memory image, and the "not emulated" stop.
 */
import * as assert from 'assert';
import { assembleModule } from '../../core/src/program/assembleModule';
import type { Module } from '../../core/src/program/model';
import { Vm, toHex, type VmOptions } from '../../core/src/vm';
import { formatPrintf } from '../../core/src/vm/printk';
import { runBoth } from './harness';

function mod(text: string): Module {
  const r = assembleModule(text, 'test.s');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepStrictEqual(errors.map((e) => `${e.range.line}: ${e.message}`), []);
  return r.module;
}

function run(text: string, opts: VmOptions = {}): { r0: bigint; vm: Vm; fault?: string; printk: string[] } {
  const m = mod(text);
  const { interp, vmInterp } = runBoth(m, { data: new Uint8Array(16), ...opts });
  return { r0: (BigInt(interp.r0[1] >>> 0) << 32n) | BigInt(interp.r0[0] >>> 0), vm: vmInterp, fault: interp.fault?.message, printk: interp.printk };
}

const PKT = '\t.section socket,"ax",@progbits\n';

describe('vm helpers and maps', () => {
  it('array map: lookup, update flags, delete refused, out-of-range key', () => {
    const src = `# @map a type=array key_size=4 value_size=8 max_entries=2
${PKT}
  *(u32 *)(r10 - 4) = 1
  *(u64 *)(r10 - 16) = 9
  r1 = a ll
  r2 = r10
  r2 += -4
  r3 = r10
  r3 += -16
  r4 = 1
  call 2
  r6 = r0
  r1 = a ll
  r2 = r10
  r2 += -4
  call 3
  r7 = r0
  *(u32 *)(r10 - 4) = 2
  r1 = a ll
  r2 = r10
  r2 += -4
  call 1
  r0 <<= 8
  r0 += r7
  r0 <<= 8
  r0 += r6
  exit`;
    const { r0 } = run(src);
    // lookup of key 2: NULL; delete: -EINVAL; update with BPF_NOEXIST: -EEXIST.
    assert.strictEqual(r0, BigInt.asUintN(64, ((0n << 8n) + -22n << 8n) + -17n));
  });

  it('hash map: full map, BPF_EXIST on a missing key, delete, lru eviction', () => {
    const src = (type: string): string => `# @map h type=${type} key_size=4 value_size=4 max_entries=2
${PKT}
  r6 = 0
  r7 = 0
l:
  *(u32 *)(r10 - 4) = r6
  *(u32 *)(r10 - 8) = r6
  r1 = h ll
  r2 = r10
  r2 += -4
  r3 = r10
  r3 += -8
  r4 = 0
  call 2
  r7 <<= 8
  r0 &= 0xff
  r7 += r0
  r6 += 1
  if r6 < 3 goto l
  r0 = r7
  exit`;
    assert.strictEqual(run(src('hash')).r0, 0x0000f9n); // third insert: -E2BIG
    const lru = run(src('lru_hash'));
    assert.strictEqual(lru.r0, 0n);
    assert.deepStrictEqual(lru.vm.dumpMaps().h!.map(([k]) => k).sort(), ['01000000', '02000000']);
  });

  it('queue and stack maps: push, pop, peek, empty', () => {
    const src = (type: string): string => `# @map q type=${type} key_size=0 value_size=8 max_entries=4
${PKT}
  *(u64 *)(r10 - 8) = 1
  r1 = q ll
  r2 = r10
  r2 += -8
  r3 = 0
  call 87
  *(u64 *)(r10 - 8) = 2
  r1 = q ll
  r2 = r10
  r2 += -8
  r3 = 0
  call 87
  r1 = q ll
  r2 = r10
  r2 += -16
  call 88
  r6 = *(u64 *)(r10 - 16)
  r1 = q ll
  r2 = r10
  r2 += -16
  call 88
  r1 = q ll
  r2 = r10
  r2 += -16
  call 89
  r0 &= 0xff
  r6 <<= 8
  r0 += r6
  exit`;
    assert.strictEqual(run(src('queue')).r0, 0x1fen); // first out 1, then empty peek: -ENOENT
    assert.strictEqual(run(src('stack')).r0, 0x2fen);
  });

  it('ringbuf reserve/submit/discard/output and perf_event_output collect records', () => {
    const src = `# @map rb type=ringbuf key_size=0 value_size=0 max_entries=4096
# @map ev type=perf_event_array key_size=4 value_size=4 max_entries=2
${PKT}
  r6 = r1
  r1 = rb ll
  r2 = 8
  r3 = 0
  call 131
  if r0 == 0 goto out
  r1 = 0x1122334455667788 ll
  *(u64 *)(r0 + 0) = r1
  r1 = r0
  r2 = 0
  call 132
  *(u32 *)(r10 - 4) = 0xabcd
  r1 = rb ll
  r2 = r10
  r2 += -4
  r3 = 4
  r4 = 0
  call 130
  r1 = r6
  r2 = ev ll
  r3 = 0xffffffff ll
  r4 = r10
  r4 += -4
  r5 = 2
  call 25
  r1 = rb ll
  r2 = 0
  call 134
out:
  exit`;
    const m = mod(src);
    const vm = Vm.load(m, { data: new Uint8Array(16) });
    assert.ok(!('error' in vm));
    const r = (vm as Vm).run('fast');
    assert.strictEqual(r.fault, undefined);
    assert.deepStrictEqual(r.ringbuf[0]!.records.map(toHex), ['8877665544332211', 'cdab0000']);
    assert.deepStrictEqual(r.perfEvents.map((e) => [e.map, e.index, toHex(e.data)]), [['ev', 0, 'cdab']]);
    assert.strictEqual(r.retval, '0x20'); // two records of 8 + 8 and 8 + 8 bytes
  });

  it('a ringbuf record cannot be used after submit', () => {
    const src = `# @map rb type=ringbuf key_size=0 value_size=0 max_entries=4096
${PKT}
  r1 = rb ll
  r2 = 8
  r3 = 0
  call 131
  r6 = r0
  r1 = r0
  r2 = 0
  call 132
  r0 = *(u64 *)(r6 + 0)
  exit`;
    assert.strictEqual(run(src).fault, 'invalid read of 8 bytes at rb.rec+0 (ringbuf record of rb was released) at insn 9');
  });

  it('tail call through a prog_array, and a failed tail call falls through', () => {
    const src = `# @map jmp type=prog_array key_size=4 value_size=4 max_entries=4
${PKT}
  r6 = r1
  r2 = jmp ll
  r3 = 2
  call 12
  r1 = r6
  r2 = jmp ll
  r3 = 1
  call 12
  r0 = 1
  exit
  .section socket/b,"ax",@progbits
  r0 = 42
  exit`;
    assert.strictEqual(run(src, { maps: { jmp: { 1: 'socket/b' } } }).r0, 42n);
    assert.strictEqual(run(src).r0, 1n);
  });

  it('bpf_loop and for_each_map_elem run their callbacks', () => {
    const src = `# @map a type=array key_size=4 value_size=8 max_entries=3
${PKT}
  r1 = 10
  r2 = cb ll
  r3 = r10
  r3 += -8
  *(u64 *)(r10 - 8) = 0
  r4 = 0
  call 181
  r6 = *(u64 *)(r10 - 8)
  r1 = a ll
  r2 = each ll
  r3 = r10
  r3 += -16
  *(u64 *)(r10 - 16) = 0
  r4 = 0
  call 164
  r7 = *(u64 *)(r10 - 16)
  r0 <<= 16
  r6 <<= 8
  r0 += r6
  r0 += r7
  exit
cb:
  r3 = *(u64 *)(r2 + 0)
  r3 += r1
  *(u64 *)(r2 + 0) = r3
  r0 = 0
  if r1 < 5 goto +1
  r0 = 1
  exit
each:
  r5 = *(u64 *)(r4 + 0)
  r6 = *(u32 *)(r2 + 0)
  r5 += r6
  r5 += 1
  *(u64 *)(r4 + 0) = r5
  r0 = 0
  exit`;
    // bpf_loop stops after i = 5 (6 iterations, sum 15); for_each visits keys 0,1,2 (sum of key+1 = 6).
    assert.strictEqual(run(src).r0, (3n << 16n) + (15n << 8n) + 6n);
  });

  it('trace_printk formats like the kernel and returns the length', () => {
    const src = `${PKT}
  r1 = 0x0a78257525 ll
  *(u64 *)(r10 - 8) = r1
  r1 = r10
  r1 += -8
  r2 = 8
  r3 = -1
  r4 = 255
  call 6
  exit`;
    const r = run(src);
    assert.deepStrictEqual(r.printk, ['4294967295ff\n']);
    assert.strictEqual(r.r0, 13n);
  });

  it('printf rules: widths, flags, long, strings; bad conversions are errors', () => {
    const a = (lo: number, hi = 0): { lo: number; hi: number } => ({ lo, hi });
    const f = (fmt: string, ...args: { lo: number; hi: number }[]): string => {
      const r = formatPrintf(fmt, args, () => 'str');
      return 'text' in r ? r.text : `error: ${r.error}`;
    };
    assert.strictEqual(f('%d %i %u', a(-5), a(7), a(-1)), '-5 7 4294967295');
    assert.strictEqual(f('%lld %llx %lu', a(-1, -1), a(0, 1), a(2, 0)), '-1 100000000 2');
    assert.strictEqual(f('[%5d][%-4x][%05u]', a(42), a(255), a(7)), '[   42][ff  ][00007]');
    assert.strictEqual(f('%s %c %%', a(0), a(65)), 'str A %');
    assert.strictEqual(f('%q', a(1)), 'error: invalid conversion %q');
    assert.strictEqual(f('%d %d', a(1)), 'error: more conversions than arguments');
  });

  it('snprintf and strncmp', () => {
    const src = `${PKT}
  r1 = 0x6425 ll
  *(u64 *)(r10 - 8) = r1
  *(u64 *)(r10 - 16) = 1234
  r1 = r10
  r1 += -32
  r2 = 8
  r3 = r10
  r3 += -8
  r4 = r10
  r4 += -16
  r5 = 8
  call 165
  r6 = r0
  r1 = r10
  r1 += -32
  r2 = 4
  r3 = r10
  r3 += -32
  call 182
  r7 = r0
  r0 = *(u32 *)(r10 - 32)
  r0 <<= 8
  r0 += r6
  r0 <<= 8
  r0 += r7
  exit`;
    // "1234" written, snprintf returns 5 (with the NUL), strncmp of equal strings is 0.
    assert.strictEqual(run(src).r0, (0x34333231n << 16n) + (5n << 8n));
  });

  it('environment helpers are configurable and deterministic; prandom is seedable', () => {
    const src = `${PKT}
  call 14
  r6 = r0
  call 8
  r6 += r0
  call 7
  r7 = r0
  call 7
  r0 ^= r7
  r0 += r6
  exit`;
    const a = run(src, { env: { pidTgid: 100n, cpu: 3, seed: 7 } });
    const b = run(src, { env: { pidTgid: 100n, cpu: 3, seed: 7 } });
    const c = run(src, { env: { pidTgid: 100n, cpu: 3, seed: 8 } });
    assert.strictEqual(a.r0, b.r0);
    assert.notStrictEqual(a.r0, c.r0);
  });

  it('probe_read_kernel reads from the configured memory image, -EFAULT elsewhere', () => {
    const src = `${PKT}
  r1 = r10
  r1 += -8
  r2 = 4
  r3 = 0xffff888000001000 ll
  call 113
  r6 = r0
  r7 = *(u32 *)(r10 - 8)
  r1 = r10
  r1 += -8
  r2 = 4
  r3 = 0x10 ll
  call 113
  r0 &= 0xff
  r7 <<= 8
  r0 += r7
  r0 += r6
  exit`;
    const image = { address: 0xffff888000001000n, bytes: new Uint8Array([1, 2, 3, 4]) };
    assert.strictEqual(run(src, { env: { probeMemory: [image] } }).r0, 0x04030201f2n);
  });

  it('redirect_map answers XDP_REDIRECT for a set slot and the fallback action otherwise', () => {
    const src = `# @map tx type=devmap key_size=4 value_size=4 max_entries=4
\t.section xdp,"ax",@progbits
  r1 = tx ll
  r2 = 1
  r3 = 2
  call 51
  r6 = r0
  r1 = tx ll
  r2 = 0
  r3 = 2
  call 51
  r0 <<= 4
  r0 += r6
  exit`;
    assert.strictEqual(run(src, { maps: { tx: { 1: 3 } } }).r0, 0x24n);
  });

  it('--ctx fields reach the program (skb->mark, cb)', () => {
    const src = `\t.section tc,"ax",@progbits
  r0 = *(u32 *)(r1 + 8)
  r2 = *(u32 *)(r1 + 52)
  r0 <<= 8
  r0 += r2
  exit`;
    assert.strictEqual(run(src, { ctx: { mark: 7, cb: [0, 9] } }).r0, 0x709n);
  });

  it('a helper that is not emulated stops the run by name', () => {
    assert.strictEqual(run(`${PKT}\n  call 13\n  exit`).fault, 'helper bpf_clone_redirect (#13) is not emulated at insn 0');
  });
});
