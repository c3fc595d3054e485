/**
 * A seeded generator of callback programs for the live differential test: bpf_loop (with a constant,
 * masked or unknown iteration count) or bpf_for_each_map_elem over an array, a context of two
 * counters in the caller's stack, and a callback that increments, resets, doubles or tests the
 * counters, uses one as an index into a map value, and returns a constant or a counter. The programs
 * exercise how the kernel iterates callbacks: when it widens a counter, when it must keep it exact,
 * and when it gives up.
 */

/** A small linear congruential generator: the same seed gives the same program everywhere. */
class Rng {
  constructor(private state: number) {}
  int(n: number): number {
    this.state = (Math.imul(this.state, 1103515245) + 12345) & 0x7fffffff;
    return this.state % n;
  }
  pick<T>(items: T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** The assembly text of the program for `seed`. */
export function generateCallbackProgram(seed: number): string {
  const rng = new Rng(seed);
  const out: string[] = [`# generated callback program, seed ${seed}`];
  const forEach = rng.int(4) === 0;
  if (forEach) out.push(`# @map a type=array key_size=4 value_size=8 max_entries=${1 + rng.int(6)}`);
  out.push('# @map v type=array key_size=4 value_size=32 max_entries=1', '\t.section xdp,"ax",@progbits', 'prog:');
  out.push(`\tr6 = ${rng.pick([0, 0, 1, 3])}`, '\t*(u64 *)(r10 - 8) = r6', `\tr6 = ${rng.pick([0, 2, 5])}`, '\t*(u64 *)(r10 - 16) = r6');
  if (forEach) {
    out.push('\tr1 = a ll');
  } else {
    const count = rng.int(4);
    if (count === 0) out.push(`\tr1 = ${rng.int(8)}`);
    else if (count === 1) out.push('\tcall 7', `\tr0 &= ${rng.pick([1, 3, 7])}`, '\tr1 = r0');
    else if (count === 2) out.push('\tcall 7', '\tr1 = r0');
    else out.push(`\tr1 = ${rng.pick([2, 3, 4])}`);
  }
  out.push('\tr2 = cb ll', '\tr3 = r10', '\tr3 += -16', '\tr4 = 0', `\tcall ${forEach ? 164 : 181}`);
  if (rng.int(2)) {
    // After the loop, the first counter indexes a map value: the kernel needs it exact.
    out.push('\tr6 = *(u64 *)(r10 - 8)', '\tr1 = 0', '\t*(u32 *)(r10 - 20) = r1', '\tr2 = r10', '\tr2 += -20', '\tr1 = v ll', '\tcall 1',
      '\tif r0 == 0 goto after', '\tr0 += r6', '\tr0 = *(u8 *)(r0 + 0)', 'after:');
  }
  out.push('\tr0 = 2', '\texit', 'cb:', `\tr7 = ${forEach ? 'r4' : 'r2'}`, `\tr8 = ${forEach ? 'r2' : 'r1'}`);
  const steps = 1 + rng.int(6);
  let label = 0;
  for (let i = 0; i < steps; i++) {
    const kind = rng.int(8);
    const off = rng.pick([0, 8]);
    const load = `\tr3 = *(u64 *)(r7 + ${off})`;
    const store = `\t*(u64 *)(r7 + ${off}) = r3`;
    if (kind === 0) out.push(load, `\tr3 += ${rng.pick([1, 1, 2, -1])}`, store);
    else if (kind === 1) out.push(load, `\tif r3 ${rng.pick(['>', '<', '==', '!='])} ${rng.int(6)} goto l${label}`, `\tr3 = ${rng.int(4)}`, store, `l${label++}:`);
    else if (kind === 2 && !forEach) out.push('\tr3 = r8', `\tr3 &= ${rng.pick([1, 3, 7])}`, store);
    else if (kind === 3) {
      out.push(load, '\tr9 = r3', '\tr1 = 0', '\t*(u32 *)(r10 - 4) = r1', '\tr2 = r10', '\tr2 += -4', '\tr1 = v ll', '\tcall 1',
        `\tif r0 == 0 goto l${label}`, '\tr0 += r9', `\tr3 = *(u${rng.pick([8, 64])} *)(r0 + 0)`, `l${label++}:`);
    } else if (kind === 4) out.push(load, '\tr3 *= 2', store);
    else if (kind === 5) out.push('\tr3 = 0', store);
    else if (kind === 6 && forEach) out.push('\tr3 = *(u32 *)(r8 + 0)', store);
    else out.push(load, `\tif r3 > ${rng.int(5)} goto l${label}`, '\tr3 += 1', store, `l${label++}:`);
  }
  const ret = rng.int(6);
  if (ret === 0) out.push('\tr0 = *(u64 *)(r7 + 0)');
  else if (ret === 1) out.push('\tr0 = *(u64 *)(r7 + 8)', '\tr0 &= 1');
  else out.push(`\tr0 = ${rng.pick([0, 0, 1])}`);
  out.push('\texit');
  return out.join('\n') + '\n';
}
