/**
 * A seeded generator of random but well-formed programs, for differential tests and benchmarks.
 * `randomProgram(seed, opts)` draws instruction forms from the ISA table with varied operands
 * (extreme immediates and offsets included), jumps to labels inside each function, bpf-to-bpf calls
 * to subprograms, helper calls by number and by name, and 64-bit loads of map symbols. It returns
 * the semantic instructions (slot-indexed, as the kernel counts), their encoding, the relocations an
 * object of the program must carry, and LLVM-dialect source text that llvm-mc assembles to exactly
 * those bytes. The same seed always gives the same program.
 */
import { FORMS, type Form } from '../../core/src/isa/table';
import type { Insn } from '../../core/src/isa/insn';
import { encodeProgram, makeInsn } from '../../core/src/isa/codec';
import { parseTemplate, type Placeholder } from '../../core/src/isa/template';
import { printInsn } from '../../core/src/asm/printer';
import { printMnemonic } from '../../core/src/asm/mnemonicPrinter';

export interface RandomProgramOptions {
  /** Instructions (not slots) in the entry function; default 40. */
  length?: number;
  /** Section of the program; default `xdp`. `.text` prints as the `.text` directive. */
  section?: string;
  /** Prefix of every symbol and label, so many programs can share one source file; default `p<seed>_`. */
  prefix?: string;
  /** Map symbols that 64-bit loads may reference (becoming R_BPF_64_64 relocations); default two maps. */
  maps?: string[];
  /** Subprograms the entry function calls with local calls; default 1. */
  subprograms?: number;
  /** Helper calls by name (`call bpf_map_lookup_elem`, an R_BPF_64_32 relocation); default true. */
  externCalls?: boolean;
  /** Numbers in decimal instead of hex; default: chosen by the seed. */
  decimal?: boolean;
  /** Which table forms may appear; default every form llvm-mc can express. */
  forms?: (f: Form) => boolean;
  /** Longest jump, in instructions; default 40. */
  maxJump?: number;
  /**
   * Dialect of `text`: 'llvm' (default) with section and symbol directives, or 'mnemonic'
   * (ubpf / bpf_conformance syntax), which has no directives, so only labels remain.
   */
  dialect?: 'llvm' | 'mnemonic';
}

export interface RandomRelocation {
  /** Slot of the instruction the relocation patches. */
  slot: number;
  symbol: string;
  kind: 'ldImm64' | 'call';
}

export interface RandomFunction { name: string; start: number; end: number; global: boolean }

export interface RandomProgram {
  seed: number;
  section: string;
  /** Slot-indexed instructions; the second slot of a 64-bit load holds an `ldImm64Hi` marker. */
  insns: Insn[];
  bytes: Uint8Array;
  relocations: RandomRelocation[];
  /** Jump-target label names by slot (function names are in `funcs`). */
  labels: Map<number, string>;
  funcs: RandomFunction[];
  /** Source in the requested dialect: (section and symbol directives,) labels and instructions. */
  text: string;
}

/** mulberry32: a tiny, fast, seedable generator; quality is ample for test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HELPER_NAMES = ['bpf_map_lookup_elem', 'bpf_map_update_elem', 'bpf_ktime_get_ns', 'bpf_trace_printk'];

interface Item {
  form: Form;
  fields: { dst?: number; src?: number; off?: number; imm?: number; imm64?: bigint };
  /** Index of the item a jump or local call lands on. */
  targetItem?: number;
  symbol?: string;
}

function placeholders(form: Form): Set<Placeholder> {
  const out = new Set<Placeholder>();
  for (const p of parseTemplate(form.llvm)) if ('ph' in p) out.add(p.ph);
  return out;
}

export function randomProgram(seed: number, opts: RandomProgramOptions = {}): RandomProgram {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const prefix = opts.prefix ?? `p${seed}_`;
  const section = opts.section ?? 'xdp';
  const maps = opts.maps ?? [`${prefix}map_a`, `${prefix}map_b`];
  const nsub = opts.subprograms ?? 1;
  const externCalls = opts.externCalls ?? true;
  const decimal = opts.decimal ?? r() < 0.3;
  const maxJump = opts.maxJump ?? 40;
  const filter = opts.forms ?? ((f: Form) => !f.llvmExtension);
  const pool = FORMS.filter((f) => filter(f) && f.id !== 'call_local');
  const allowLocalCalls = nsub > 0 && filter(FORMS.find((f) => f.id === 'call_local')!);

  const imm32 = (): number => {
    const k = r();
    if (k < 0.45) return int(-16, 64);
    if (k < 0.8) return (r() * 4294967296) | 0;
    return pick([-2147483648, 2147483647, -1, 0, 1, 0x7fff, -0x8000]);
  };
  const off16 = (): number => {
    const k = r();
    if (k < 0.5) return int(-64, 64);
    if (k < 0.8) return int(-32768, 32767);
    return pick([-32768, 32767, 0, -1]);
  };
  const imm64 = (): bigint => {
    const k = r();
    if (k < 0.4) return BigInt(int(-100, 100));
    if (k < 0.8) return (BigInt((r() * 4294967296) >>> 0) << 32n) | BigInt((r() * 4294967296) >>> 0);
    return pick([0n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0xffffffffn, 0x100000000n]);
  };

  // Functions: the entry, then the subprograms; each is a run of items ending in `exit`.
  const items: Item[] = [];
  const funcItems: { name: string; start: number; end: number; global: boolean }[] = [];
  const lengths = [opts.length ?? 40, ...Array.from({ length: nsub }, () => int(3, 12))];
  const subStarts: number[] = [];
  let at = 0;
  for (let f = 0; f < lengths.length; f++) {
    if (f > 0) subStarts.push(at);
    funcItems.push({ name: f === 0 ? `${prefix}prog` : `${prefix}sub${f}`, start: at, end: at + lengths[f]!, global: f === 0 });
    at += lengths[f]!;
  }
  const exitForm = FORMS.find((f) => f.id === 'exit')!;
  const callLocal = FORMS.find((f) => f.id === 'call_local')!;
  for (const fn of funcItems) {
    for (let i = fn.start; i < fn.end; i++) {
      if (i === fn.end - 1) { items.push({ form: exitForm, fields: {} }); continue; }
      const k = r();
      if (allowLocalCalls && k < 0.04) {
        items.push({ form: callLocal, fields: {}, targetItem: pick(subStarts) });
        continue;
      }
      if (externCalls && k < 0.07) {
        items.push({ form: callLocal, fields: { imm: -1 }, symbol: pick(HELPER_NAMES) });
        continue;
      }
      const form = pick(pool);
      const ph = placeholders(form);
      const item: Item = { form, fields: {} };
      if (ph.has('dst') || ph.has('wdst')) item.fields.dst = int(0, 10);
      if (ph.has('src') || ph.has('wsrc')) item.fields.src = int(0, 10);
      if (ph.has('off')) item.fields.off = off16();
      if (ph.has('imm')) item.fields.imm = form.id === 'call' ? int(0, 300) : imm32();
      if (ph.has('asdst') || ph.has('assrc')) item.fields.imm = (int(0, 0xffff) << 16) | int(0, 0xffff);
      if (ph.has('imm64')) {
        if (maps.length > 0 && r() < 0.4) {
          item.symbol = pick(maps);
          item.fields.imm64 = BigInt.asUintN(32, BigInt(pick([0, 0, 0, 8, 16, -8])));
        } else {
          item.fields.imm64 = imm64();
        }
      }
      if (ph.has('pseudo')) item.fields.imm64 = BigInt((item.fields.imm ?? 0) >>> 0);
      if (ph.has('target') || ph.has('ltarget')) {
        item.targetItem = Math.max(fn.start, Math.min(fn.end - 1, i + int(-maxJump, maxJump)));
      }
      items.push(item);
    }
  }

  // Lay out slots, then resolve jump and call offsets against them.
  const slotOf: number[] = [];
  let slot = 0;
  for (const it of items) { slotOf.push(slot); slot += it.form.sem.kind === 'ldImm64' ? 2 : 1; }
  const labels = new Map<number, string>();
  const funcs: RandomFunction[] = funcItems.map((f) => ({
    name: f.name, start: slotOf[f.start]!, end: f.end < items.length ? slotOf[f.end]! : slot, global: f.global,
  }));
  const funcAt = new Map(funcs.map((f) => [f.start, f]));
  const insns: Insn[] = [];
  const relocations: RandomRelocation[] = [];
  items.forEach((it, i) => {
    const pc = slotOf[i]!;
    if (it.targetItem !== undefined) {
      const t = slotOf[it.targetItem]!;
      // Calls name the subprogram; jumps use their own local labels, since llvm-mc turns a jump to a
      // global symbol into a relocation.
      if (it.form.sem.kind !== 'call' && !labels.has(t)) labels.set(t, `${prefix}L${t}`);
      const rel = t - pc - 1;
      if (it.form.sem.kind === 'call' || (it.form.sem.kind === 'ja' && it.form.sem.long)) it.fields.imm = rel;
      else it.fields.off = rel;
    }
    const insn = makeInsn(it.form, it.fields);
    insns.push(insn);
    if (insn.kind === 'ldImm64') insns.push({ kind: 'ldImm64Hi', dst: 0, src: 0, off: 0, imm: Number(BigInt.asIntN(32, insn.imm64 >> 32n)) });
    if (it.symbol !== undefined) relocations.push({ slot: pc, symbol: it.symbol, kind: insn.kind === 'ldImm64' ? 'ldImm64' : 'call' });
  });

  const symbolAt = new Map(relocations.map((x) => [x.slot, x.symbol]));
  const mnemonic = opts.dialect === 'mnemonic';
  const lines: string[] = mnemonic ? [] : [section === '.text' ? '\t.text' : `\t.section ${section},"ax",@progbits`];
  let open: RandomFunction | undefined;
  for (let pc = 0; pc < insns.length; pc++) {
    const insn = insns[pc]!;
    if (insn.kind === 'ldImm64Hi') continue;
    const fn = funcAt.get(pc);
    if (fn) {
      if (open && !mnemonic) lines.push(`\t.size ${open.name}, .-${open.name}`);
      if (fn.global && !mnemonic) lines.push(`\t.globl ${fn.name}`);
      if (!mnemonic) lines.push(`\t.type ${fn.name},@function`);
      lines.push(`${fn.name}:`);
      open = fn;
    }
    if (labels.has(pc)) lines.push(`${labels.get(pc)}:`);
    const symbol = symbolAt.get(pc);
    const labelFor = (s: number): string | undefined =>
      (insn.kind === 'call' ? funcAt.get(s)?.name : undefined) ?? labels.get(s);
    const po = symbol !== undefined ? { pc, labelFor, decimal, symbol } : { pc, labelFor, decimal };
    lines.push(`\t${mnemonic ? printMnemonic(insn, po) : printInsn(insn, po)}`);
  }
  if (open && !mnemonic) lines.push(`\t.size ${open.name}, .-${open.name}`);
  return { seed, section, insns, bytes: encodeProgram(insns), relocations, labels, funcs, text: `${lines.join('\n')}\n` };
}
