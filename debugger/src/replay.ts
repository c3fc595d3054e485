/**
 * Going backwards by replaying. Setting up a machine is deterministic and eBPF programs are short,
 * so the state at any earlier instruction count is rebuilt by running again from the start and
 * applying the user's edits (register, stack, memory and map writes) at the counts they were made
 * at. These functions build such machines; the runtime decides where to go.
 */
import { interpret } from '../../core/src/vm/interp';
import type { Machine } from '../../core/src/vm/machine';
import type { Target } from './launch';
import { prepare } from './setup';

/** A user edit of the machine state, replayed at the same instruction count. */
export interface Edit { count: number; apply(m: Machine): void }

/** A fresh machine advanced to instruction count `count` (at a top-level instruction boundary). */
export function replayTo(t: Target, edits: readonly Edit[], count: number): Machine | undefined {
  const p = prepare(t);
  if (typeof p === 'string') return undefined;
  const m = p.machine;
  for (const e of edits) {
    if (e.count > count) break;
    if (e.count > m.count) interpret(m, 0, { budget: e.count - m.count });
    e.apply(m);
  }
  if (count > m.count) interpret(m, 0, { budget: count - m.count });
  return m;
}

/**
 * The last top-level position before `cur`. Usually `cur - 1`, but a helper that runs a callback
 * (bpf_loop) executes many instructions in one top-level step, so then walk one step at a time.
 */
export function previousPosition(t: Target, edits: readonly Edit[], cur: number): number {
  const m = replayTo(t, edits, cur - 1);
  if (m === undefined || m.count < cur) return Math.max(0, cur - 1);
  const scan = replayTo(t, [], 0);
  if (scan === undefined) return 0;
  let last = 0, next = 0;
  while (scan.count < cur && !scan.finished && scan.fault === undefined) {
    last = scan.count;
    while (next < edits.length && edits[next]!.count <= scan.count) edits[next++]!.apply(scan);
    interpret(scan, 0, { budget: 1 });
  }
  return last;
}

/**
 * The count of the last stop before `cur` at a marked slot where `stops(machine)` holds, or -1.
 * Walks forward from the start with the breakpoints set, applying edits on the way.
 */
export function lastStopBefore(t: Target, edits: readonly Edit[], marks: Uint8Array, cur: number, stops: (m: Machine) => boolean): number {
  const scan = replayTo(t, [], 0);
  if (scan === undefined) return -1;
  let found = -1, next = 0, considered = -1;
  const consider = (): void => {
    if (marks[scan.pc] !== 1 || scan.count >= cur || scan.count === considered) return;
    considered = scan.count;
    if (stops(scan)) found = scan.count;
  };
  consider();
  while (scan.count < cur) {
    while (next < edits.length && edits[next]!.count <= scan.count) edits[next++]!.apply(scan);
    const nextEdit = next < edits.length ? edits[next]!.count : Infinity;
    const budget = Math.min(cur, nextEdit) - scan.count;
    if (budget <= 0) break;
    const before = scan.count;
    const why = interpret(scan, 0, { budget, breakpoints: marks });
    if (why !== 'breakpoint' && why !== 'budget') break;
    consider();
    if (scan.count === before) break;
  }
  return found;
}
