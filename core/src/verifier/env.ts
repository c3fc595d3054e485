/**
 * The verifier environment: everything one verification run shares across the layers — the program,
 * its maps, the options, the id generator, the current state and the log buffer. Each layer gets the
 * environment and the state it works on, so layers stay free of globals.
 */
import type { Insn } from '../isa/insn';
import type { MapDef, Program } from '../program/model';
import type { VState } from './state';

export interface Subprog {
  start: number;
  end: number;
  /** Deepest stack byte used by any path through the function, rounded up to 8. */
  stackDepth: number;
}

export interface Env {
  prog: Program;
  maps: MapDef[];
  insns: Insn[];
  privileged: boolean;
  logLevel: number;
  idGen: number;
  cur: VState;
  insnIdx: number;
  subprogs: Subprog[];
  /** Map index by ld_imm64 slot. */
  mapBySlot: Map<number, number>;
  /** Registers live before each slot (bit i = Ri), from the static liveness pass. */
  liveBefore: Uint16Array;
  log: string[];
  /** Registers the current instruction wrote or read, for the level-2 state line. */
  /** Bit mask of registers the current instruction read or wrote. */
  scratched: number;
  scratchedStack: Set<number>;
  /** Instructions processed so far, for the statistics of a rejected program. */
  processedSoFar?: number;
}

/** update_stack_depth: the function owning `frameStart` touches the stack down to fp`off`. */
export function noteStackDepth(env: Env, frameStart: number, off: number): void {
  const sp = env.subprogs.find((s) => s.start === frameStart);
  if (sp && -off > sp.stackDepth) sp.stackDepth = -off;
}

/**
 * mark_chain_precision, coarsely: every checkpoint on the current path keeps its scalars exact from
 * now on. Checkpoints are marked root-ward, so the walk stops at the first one already marked by a
 * need like this one (not one that ended at a callback's entry, whose earlier checkpoints may be unmarked).
 */
export function demandPrecision(env: Env): void {
  let cp = env.cur.parent;
  while (cp && !(cp.precise && !cp.partial && cp.keepsScalars)) {
    cp.precise = true;
    cp.keepsScalars = true;
    cp.partial = false;
    cp = cp.parent;
  }
}

export function newId(env: Env): number {
  return ++env.idGen;
}

export function logLine(env: Env, text: string): void {
  if (env.logLevel > 0) env.log.push(text);
}
