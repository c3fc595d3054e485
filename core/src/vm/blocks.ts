/**
 * The control-flow shape the fast tier compiles by: which slots end a basic block (terminators),
 * the blocks themselves, and loop regions, the loops that compile to one JavaScript loop each
 * instead of a dispatch through the compiled function's `switch (pc)` per iteration.
 */
import { Op, type Code } from './code';

export function isTerminator(o: number): boolean {
  return (o >= Op.JA && o <= Op.JSLE32_REG) || o === Op.EXIT || o === Op.CALL_LOCAL || o === Op.CALLX ||
    o === Op.MAY_GOTO || o === Op.INVALID || o === Op.LDIMM64_HI || o === Op.CALL_KFUNC || o === Op.CALL_HELPER ||
    (o >= Op.LDABSB && o <= Op.LDINDW);
}

export function isCondJump(o: number): boolean {
  return o >= Op.JEQ64_IMM && o <= Op.JSLE32_REG;
}

export interface Span { start: number; slots: number[]; end: number }

/** The basic blocks: slots up to and including the first terminator, or up to the next leader. */
export function blockSpans(code: Code, leader: Uint8Array): Span[] {
  const n = code.length;
  const out: Span[] = [];
  let pc = 0;
  while (pc < n) {
    const start = pc;
    const slots: number[] = [];
    let end = pc;
    for (;;) {
      slots.push(end);
      const o = code.op[end]!;
      const next = o === Op.LDIMM64 ? end + 2 : end + 1;
      if (isTerminator(o) || next >= n || leader[next] === 1) { end = next; break; }
      end = next;
    }
    out.push({ start, slots, end });
    pc = end;
  }
  return out;
}

/**
 * Loop regions: a block entered by jumps (a target) followed by blocks reached only by falling
 * through, the last of which jumps back to the first (every jump in compiled code that leaves a
 * region names the outer loop D, so any block may sit inside one). Such a region becomes one labelled JavaScript
 * loop inside its switch case, so each iteration costs no dispatch through `switch (pc)`; exits leave
 * through the switch as usual. Returns, per block, the start slot of its region, or -1.
 */
export function loopRegions(code: Code, spans: Span[], target: Uint8Array, entered: Uint8Array):
  { regionOf: number[]; inner: Set<number>; opens: Map<number, number[]> } {
  const regionOf = spans.map(() => -1);
  const inner = new Set<number>();
  const opens = new Map<number, number[]>();
  const blockOf = new Map<number, number>();
  spans.forEach((sp, i) => sp.slots.forEach((x) => blockOf.set(x, i)));
  // Blocks that jump to each target.
  const sources = new Map<number, number[]>();
  spans.forEach((sp, i) => {
    for (const x of sp.slots) {
      const o = code.op[x]!;
      if (o !== Op.JA && !isCondJump(o) && o !== Op.MAY_GOTO) continue;
      const t = x + code.off[x]! + 1;
      const list = sources.get(t) ?? [];
      list.push(i);
      sources.set(t, list);
    }
  });
  for (let i = 0; i < spans.length; i++) {
    const t = spans[i]!.start;
    if (target[t] !== 1) continue;
    // A block ending in a conditional jump to itself is already an inner loop of its own (selfLoop).
    const first = spans[i]!.slots[spans[i]!.slots.length - 1]!;
    if (isCondJump(code.op[first]!) && first + code.off[first]! + 1 === t) continue;
    // Targets inside the region: entered only by forward jumps from earlier blocks of the region,
    // each with the first block that jumps to it; their labelled blocks must nest.
    const innerHere: { x: number; from: number; at: number }[] = [];
    for (let j = i; j < spans.length; j++) {
      const x = spans[j]!.start;
      if (j > i && target[x] === 1) {
        const src = sources.get(x) ?? [];
        if (entered[x] === 1 || src.length === 0 || src.some((b) => b < i || b >= j)) break;
        const from = Math.min(...src);
        if (innerHere.some((o) => o.from < from && from < o.at)) break;
        innerHere.push({ x, from, at: j });
      }
      const last = spans[j]!.slots[spans[j]!.slots.length - 1]!;
      const o = code.op[last]!;
      if ((o === Op.JA || isCondJump(o)) && last + code.off[last]! + 1 === t) {
        for (let k = i; k <= j; k++) regionOf[k] = t;
        // Outer labelled blocks (earlier start, later end) open first.
        innerHere.sort((p, q) => p.from - q.from || q.at - p.at);
        for (const h of innerHere) {
          inner.add(h.x);
          const list = opens.get(h.from) ?? [];
          list.push(h.x);
          opens.set(h.from, list);
        }
        i = j;
        break;
      }
    }
  }
  return { regionOf, inner, opens };
}
