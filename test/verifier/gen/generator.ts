/**
 * A seeded random generator of small eBPF programs for verifier differential testing. It writes
 * LLVM-dialect assembly (with `# @map` annotations), so its output can be stored in the corpus as
 * `.s` files and assembled by llvm-mc-22 or by our assembler.
 *
 * Programs are built from snippets that each exercise one verifier rule: ALU on tracked scalars,
 * forward branches, stack stores and loads, context reads, map lookups, packet bounds checks, small
 * counted loops, helper calls that clobber r1-r5. Each snippet is biased toward the edge of its rule
 * (an offset one past the end, a NULL check sometimes missing, a bound off by one), so that roughly
 * half the programs are rejected and the reasons vary. The same seed always gives the same program.
 */

/** mulberry32: a tiny, good-enough 32-bit PRNG with a reproducible sequence. */
export class Rng {
  private state: number;
  constructor(seed: number) { this.state = seed >>> 0; }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]!; }
  chance(p: number): boolean { return this.next() < p; }
}

export interface GeneratedProgram {
  name: string;
  /** The assembly text, annotations included. */
  text: string;
  section: string;
}

/** Context fields as [offset, size]: `ctxFields` are readable, `badCtx` are not (wrong offset or size). */
interface Flavour { section: string; ctxFields: [number, number][]; badCtx: [number, number][]; packet?: { data: number; end: number } }

/** Program types the generator targets, with readable context fields ([offset, size]). */
const FLAVOURS: Record<string, Flavour> = {
  socket: { section: 'socket', ctxFields: [[0, 4], [4, 4], [8, 4], [16, 4], [48, 4], [68, 4], [0, 1]], badCtx: [[3, 4], [0, 8], [200, 4]] },
  xdp: { section: 'xdp', ctxFields: [[12, 4], [16, 4], [20, 4]], badCtx: [[24, 4], [12, 8], [2, 4]], packet: { data: 0, end: 4 } },
  tc: { section: 'tc', ctxFields: [[0, 4], [8, 4], [32, 4], [160, 4]], badCtx: [[76, 2], [81, 1], [400, 4]], packet: { data: 76, end: 80 } },
  kprobe: { section: 'kprobe/do_sys_open', ctxFields: [[112, 8], [104, 8], [80, 4], [0, 8]], badCtx: [[164, 8], [4, 8], [168, 4]] },
};

/** An offset as the assembler wants it after the base register: `+ 4` or `- 4`. */
function signed(off: number): string {
  return off < 0 ? `- ${-off}` : `+ ${off}`;
}

const SIZES: [number, string][] = [[1, 'u8'], [2, 'u16'], [4, 'u32'], [8, 'u64']];
const ALU_OPS = ['+=', '-=', '*=', '&=', '|=', '^=', '<<=', '>>=', 's>>=', '/=', '%='];
const JMP_OPS = ['==', '!=', '>', '>=', '<', '<=', 's>', 's<', 's>=', 's<='];

class Builder {
  lines: string[] = [];
  maps: string[] = [];
  /** Registers holding initialised scalars, the ones snippets like to use. */
  scalars = new Set<number>();
  private label = 0;
  constructor(readonly rng: Rng, readonly flavour: Flavour, readonly uniq: string) {}

  emit(s: string): void { this.lines.push(s); }
  newLabel(): string { return `${this.uniq}L${this.label++}`; }
  /** A scalar register, or now and then any register (which may be uninitialised). */
  src(): number {
    const known = [...this.scalars];
    return known.length && this.rng.chance(0.97) ? this.rng.pick(known) : this.rng.int(0, 9);
  }
  dst(): number { return this.rng.pick([0, 2, 3, 4, 5, 7, 8, 9]); }
  imm(): number {
    return this.rng.pick([0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 255, -1, -8, 0x7fffffff, this.rng.int(-1000, 1000)]);
  }
  /** After a helper call r1-r5 are gone and r0 holds the result. */
  clobber(): void { for (const r of [1, 2, 3, 4, 5]) this.scalars.delete(r); this.scalars.add(0); }
}

function alu(b: Builder): void {
  const r = b.rng;
  const d = b.dst();
  if (!b.scalars.has(d) || r.chance(0.3)) { b.emit(`r${d} = ${b.imm()}`); b.scalars.add(d); }
  const op = r.pick(ALU_OPS);
  const w = r.chance(0.3) ? 'w' : 'r';
  const shift = op.includes('<<') || op.includes('>>');
  const operand = r.chance(0.5) ? `${w}${b.src()}` : String(shift ? r.pick([0, 1, 3, 31, 32, 63, 64]) : b.imm());
  b.emit(`${w}${d} ${op} ${operand}`);
}

function branch(b: Builder): void {
  const r = b.rng;
  const l = b.newLabel();
  const w = r.chance(0.25) ? 'w' : 'r';
  const rhs = r.chance(0.6) ? String(b.imm()) : `${w}${b.src()}`;
  b.emit(`if ${w}${b.src()} ${r.pick(JMP_OPS)} ${rhs} goto ${l}`);
  // The register written on the fall-through path only is initialised after the label only if it
  // was before.
  b.emit(`r${b.dst()} = ${b.imm()}`);
  b.emit(`${l}:`);
}

function stack(b: Builder): void {
  const r = b.rng;
  const [size, t] = r.pick(SIZES);
  const off = r.chance(0.85) ? -size * r.int(1, 512 / size) : r.pick([-513, -520, 0, 8, -3, -6, -12]);
  const s = b.src();
  b.emit(`*(${t} *)(r10 ${signed(off)}) = r${s}`);
  if (r.chance(0.7)) {
    const d = b.dst();
    const [lsize, lt] = r.chance(0.7) ? [size, t] : r.pick(SIZES);
    const loff = r.chance(0.8) ? off : off - lsize;
    b.emit(`r${d} = *(${lt} *)(r10 ${signed(loff)})`);
    b.scalars.add(d);
  }
}

function ctx(b: Builder): void {
  const [off, size] = b.rng.pick(b.rng.chance(0.8) ? b.flavour.ctxFields : b.flavour.badCtx);
  const d = b.dst();
  b.emit(`r${d} = *(${SIZES.find((s) => s[0] === size)![1]} *)(r6 + ${off})`);
  b.scalars.add(d);
}

function mapAccess(b: Builder): void {
  const r = b.rng;
  const name = `${b.uniq}m${b.maps.length}`;
  const vs = r.pick([4, 8, 16, 24, 64]);
  const type = r.pick(['array', 'hash', 'array', 'percpu_array']);
  b.maps.push(`@map ${name} type=${type} key_size=4 value_size=${vs} max_entries=4`);
  b.emit('r1 = 0');
  b.emit(`*(u${r.pick([32, 64])} *)(r10 - 8) = r1`);
  b.emit('r2 = r10');
  b.emit('r2 += -8');
  b.emit(`r1 = ${name} ll`);
  b.emit('call 1');
  b.clobber();
  b.scalars.delete(0);
  const out = b.newLabel();
  b.emit('r8 = 0');
  if (r.chance(0.8)) b.emit(`if r0 == 0 goto ${out}`);
  const [size, t] = r.pick(SIZES);
  if (r.chance(0.4)) {
    // A variable offset: a masked scalar, sometimes masked one bit too wide.
    const v = b.src();
    const mask = Math.max(1, vs - size) + (r.chance(0.3) ? r.pick([1, vs]) : 0);
    b.emit(`r${v === 0 ? 7 : v} &= ${mask}`);
    b.emit(`r0 += r${v === 0 ? 7 : v}`);
    b.emit(`r8 = *(${t} *)(r0 + 0)`);
  } else {
    const off = r.chance(0.75) ? size * r.int(0, Math.max(0, vs / size - 1)) : vs - size + r.pick([1, size, 2]);
    if (r.chance(0.3)) b.emit(`*(${t} *)(r0 ${signed(off)}) = r${b.src()}`);
    else b.emit(`r8 = *(${t} *)(r0 ${signed(off)})`);
  }
  b.scalars.add(8);
  b.emit(`${out}:`);
  b.emit('r0 = 0');
  b.scalars.add(0);
}

function packet(b: Builder): void {
  const p = b.flavour.packet;
  if (!p) return ctx(b);
  const r = b.rng;
  const n = r.pick([1, 4, 8, 14, 20, 34, 54]);
  const out = b.newLabel();
  b.emit(`r2 = *(u32 *)(r6 + ${p.data})`);
  b.emit(`r3 = *(u32 *)(r6 + ${p.end})`);
  b.emit('r4 = r2');
  b.emit(`r4 += ${n}`);
  b.emit(r.chance(0.85) ? `if r4 > r3 goto ${out}` : `if r4 < r3 goto ${out}`);
  const [size, t] = r.pick(SIZES);
  const off = r.chance(0.7) ? r.int(0, Math.max(0, n - size)) : n - size + r.int(1, 3);
  b.emit(`r5 = *(${t} *)(r2 ${signed(off)})`);
  b.emit(`${out}:`);
  for (const x of [2, 3, 4, 5]) b.scalars.delete(x);
}

function loop(b: Builder): void {
  const r = b.rng;
  const l = b.newLabel();
  const n = r.pick([3, 10, 100, 1000]);
  b.emit('r9 = 0');
  b.emit(`${l}:`);
  b.emit(`r0 += ${r.int(1, 5)}`);
  b.emit('r9 += 1');
  b.emit(r.chance(0.9) ? `if r9 < ${n} goto ${l}` : `if r9 != ${n} goto ${l}`.replace('r9 !=', 'r0 !='));
  b.scalars.add(9);
}

function helper(b: Builder): void {
  b.emit(`call ${b.rng.pick([5, 7, 8])}`);
  b.clobber();
}

const SNIPPETS: [number, (b: Builder) => void][] = [
  [5, alu], [3, branch], [3, stack], [2, ctx], [3, mapAccess], [3, packet], [1, loop], [1, helper],
];

function pickSnippet(rng: Rng): (b: Builder) => void {
  const total = SNIPPETS.reduce((s, x) => s + x[0], 0);
  let x = rng.next() * total;
  for (const [w, f] of SNIPPETS) { if ((x -= w) < 0) return f; }
  return alu;
}

/**
 * Generates one program from a seed; `flavour` picks the program type (default: chosen by the seed).
 * `uniq` prefixes every label and map name, so that many programs fit in one assembly file (the live
 * test assembles all of them with a single llvm-mc run).
 */
export function generateProgram(seed: number, flavour?: keyof typeof FLAVOURS, uniq = ''): GeneratedProgram {
  const rng = new Rng(seed);
  const kind = flavour ?? rng.pick(Object.keys(FLAVOURS));
  const b = new Builder(rng, FLAVOURS[kind]!, uniq);
  b.emit('r6 = r1');
  b.emit('r0 = 0');
  b.scalars.add(0);
  const count = rng.int(2, 7);
  for (let i = 0; i < count; i++) pickSnippet(rng)(b);
  // The return value: usually a tracked scalar, sometimes whatever r0 holds.
  if (rng.chance(0.8)) b.emit(`r0 = ${rng.pick([0, 1, 2])}`);
  b.emit('exit');
  const header = [`# Generated by test/verifier/gen/generator.ts, seed ${seed} (${kind}).`, ...b.maps.map((m) => `# ${m}`)];
  const sec = FLAVOURS[kind]!.section;
  const secLine = sec.includes('/') ? `\t.section "${sec}","ax",@progbits` : `\t.section ${sec},"ax",@progbits`;
  const body = b.lines.map((l) => (l.endsWith(':') ? l : `\t${l}`));
  return { name: `${kind}_${seed}`, section: sec, text: [...header, secLine, `${uniq}prog:`, ...body, ''].join('\n') };
}
