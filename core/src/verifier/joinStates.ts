/**
 * The per-slot states the editor shows (`VerifyOptions.collectStates`). The verifier may reach a slot
 * many times, once per path; by default every state that reached it is joined into one view, so a
 * hover or hint speaks for all paths, and on request the view is the last path's state alone.
 *
 * The join, per register and per spilled stack slot: values of the same type and shape (same map,
 * frame, memory size) are joined into one value — scalar bounds widen to cover every path (the least
 * of the minimums, the greatest of the maximums, the tnum union), pointer offsets that differ move into
 * the variable offset, packet ranges shrink to the smallest, and "maybe NULL" on any path stays. Values
 * of different types are listed as alternatives separated by `|` (`0|map_value(...)`), and a register
 * or slot that some path left uninitialised gets the alternative `?`, the kernel's name for that type.
 */
import type { Env } from './env';
import type { Frame } from './state';
import { Reg, regText, cloneReg } from './regState';
import type { InsnStates, StateView } from './types';
import { tunion, tadd, tconst, U64 } from './tnum';
import { mark32Unbounded, S64_MIN, S64_MAX } from './scalar';

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** One register or stack slot over all visits: joined values by shape, and how many visits had one. */
interface ValueJoin {
  regs: Reg[];
  /** The register object last joined into each entry of `regs`: joining it again changes nothing. */
  last: Reg[];
  /** Stack slot contents that are not a spilled register (byte types such as `mmmmmmmm`). */
  bytes: string[];
  seen: number;
}

interface FrameJoin {
  visits: number;
  regs: ValueJoin[];
  /** By spi (slot 0 is fp-8). */
  stack: (ValueJoin | undefined)[];
}

/** The kind and shape two values must share to be joined into one. */
function sameShape(a: Reg, b: Reg): boolean {
  return a.type === b.type && a.map === b.map && a.memSize === b.memSize && a.frame === b.frame && a.subprog === b.subprog &&
    a.rdonly === b.rdonly && a.ringbuf === b.ringbuf;
}

/** Moves a pointer's fixed offset into its variable offset, so two offsets can be joined as a range. */
function foldOffset(r: Reg): void {
  if (r.off === 0) return;
  const off = BigInt(r.off);
  r.var = tadd(r.var, tconst(off));
  const smin = r.smin + off, smax = r.smax + off;
  if (smin < S64_MIN || smax > S64_MAX) { r.smin = S64_MIN; r.smax = S64_MAX; } else { r.smin = smin; r.smax = smax; }
  const umin = r.umin + off, umax = r.umax + off;
  if (umin < 0n || umax > U64) { r.umin = 0n; r.umax = U64; } else { r.umin = umin; r.umax = umax; }
  mark32Unbounded(r);
  r.off = 0;
}

/** Widens `acc` (a private copy) to also cover `r`. */
function joinInto(acc: Reg, r: Reg): void {
  if (acc.off !== r.off) {
    const c = cloneReg(r);
    foldOffset(acc);
    foldOffset(c);
    r = c;
  }
  acc.umin = min(acc.umin, r.umin); acc.umax = max(acc.umax, r.umax);
  acc.smin = min(acc.smin, r.smin); acc.smax = max(acc.smax, r.smax);
  acc.u32min = min(acc.u32min, r.u32min); acc.u32max = max(acc.u32max, r.u32max);
  acc.s32min = min(acc.s32min, r.s32min); acc.s32max = max(acc.s32max, r.s32max);
  acc.var = tunion(acc.var, r.var);
  acc.range = Math.min(acc.range, r.range);
  acc.maybeNull ||= r.maybeNull;
  if (acc.id !== r.id) acc.id = 0;
  if (acc.refId !== r.refId) acc.refId = 0;
}

function newValueJoin(): ValueJoin {
  return { regs: [], last: [], bytes: [], seen: 0 };
}

function addReg(j: ValueJoin, r: Reg): void {
  j.seen++;
  for (let k = 0; k < j.regs.length; k++) {
    if (!sameShape(j.regs[k]!, r)) continue;
    if (j.last[k] !== r) { joinInto(j.regs[k]!, r); j.last[k] = r; }
    return;
  }
  j.regs.push(cloneReg(r));
  j.last.push(r);
}

function addBytes(j: ValueJoin, types: string): void {
  j.seen++;
  if (!j.bytes.includes(types)) j.bytes.push(types);
}

function newFrameJoin(): FrameJoin {
  const regs: ValueJoin[] = [];
  for (let i = 0; i < 11; i++) regs.push(newValueJoin());
  return { visits: 0, regs, stack: [] };
}

function addFrame(j: FrameJoin, f: Frame): void {
  j.visits++;
  for (let i = 0; i < 11; i++) {
    const r = f.regs[i]!;
    if (r.type !== 'not_init') addReg(j.regs[i]!, r);
  }
  for (let spi = 0; spi < f.stack.length; spi++) {
    const s = f.stack[spi]!;
    if (s.types === '????????') continue;
    const v = j.stack[spi] ??= newValueJoin();
    if (s.spilled && s.types[7] === 'r') addReg(v, s.spilled);
    else addBytes(v, s.types);
  }
}

function valueText(env: Env, j: ValueJoin, visits: number): string | undefined {
  if (j.seen === 0) return undefined;
  const mapName = (i: number): string => env.maps[i]?.name ?? `map${i}`;
  const sizes = (i: number): [number, number] => [env.maps[i]?.keySize ?? 0, env.maps[i]?.valueSize ?? 0];
  const alts = [...j.regs.map((r) => regText(r, mapName, sizes)), ...j.bytes];
  if (j.seen < visits) alts.push('?');
  return alts.join('|');
}

function frameJoinView(env: Env, j: FrameJoin): StateView {
  const regs: { [r: number]: string } = {};
  const stack: { [off: string]: string } = {};
  const parts: string[] = [];
  for (let i = 0; i < 11; i++) {
    const t = valueText(env, j.regs[i]!, j.visits);
    if (t === undefined) continue;
    regs[i] = t;
    parts.push(`R${i}=${t}`);
  }
  for (let spi = 0; spi < j.stack.length; spi++) {
    const v = j.stack[spi];
    const t = v && valueText(env, v, j.visits);
    if (!t) continue;
    const off = String(-(spi + 1) * 8);
    stack[off] = t;
    parts.push(`fp${off}=${t}`);
  }
  return { regs, stack, text: parts.join(' ') };
}

interface SlotRecord { visits: number; before: FrameJoin; after?: FrameJoin }

/**
 * Collects the states of every processed slot: `joined` joins all visits (the default), `last` keeps
 * the last visit only. The driver calls `before` and `after` around each instruction.
 */
export class StateCollector {
  private readonly slots = new Map<number, SlotRecord>();
  constructor(private readonly mode: 'joined' | 'last') {}

  private record(idx: number): SlotRecord {
    let rec = this.slots.get(idx);
    if (!rec) { rec = { visits: 0, before: newFrameJoin() }; this.slots.set(idx, rec); }
    return rec;
  }

  before(idx: number, f: Frame): void {
    const rec = this.record(idx);
    rec.visits++;
    if (this.mode === 'last') { rec.before = newFrameJoin(); rec.after = undefined; }
    addFrame(rec.before, f);
  }

  /** `f` is undefined after an exit from the program. */
  after(idx: number, f: Frame | undefined): void {
    const rec = this.record(idx);
    if (!f) return;
    if (!rec.after) rec.after = newFrameJoin();
    addFrame(rec.after, f);
  }

  result(env: Env): InsnStates[] {
    const out: InsnStates[] = [];
    for (const [insn, rec] of this.slots) {
      const st: InsnStates = { insn, visits: rec.visits, before: frameJoinView(env, rec.before) };
      if (rec.after) st.after = frameJoinView(env, rec.after);
      out.push(st);
    }
    return out.sort((a, b) => a.insn - b.insn);
  }
}
