/**
 * The exit checks of the main program (the kernel's check_return_code and check_reference_leak): R0
 * must be initialised, must lie in the range the program type demands, and every acquired reference
 * must have been released.
 */
import type { Env } from './env';
import { demandPrecision } from './env';
import { reject } from './errors';
import { curFrame } from './state';
import { typeName } from './regState';
import { retRangeFor } from '../data/progTypes';
import { S64_MIN, S64_MAX } from './scalar';

export function checkReferenceLeak(env: Env, what: string): void {
  const refs = env.cur.refs;
  if (!refs.length) return;
  const lines = refs.map((r) => `Unreleased reference id=${r.id} alloc_insn=${r.insn}`);
  lines.push(`${what} would lead to reference leak`);
  reject(lines);
}

/** The range by program and attach type of the last program checked: every path's exit asks for it. */
let lastRange: { progType: string; attachType: string | undefined; range: [number, number] | undefined } | undefined;

function returnRange(progType: string, attachType: string | undefined): [number, number] | undefined {
  if (lastRange?.progType !== progType || lastRange.attachType !== attachType) {
    lastRange = { progType, attachType, range: retRangeFor(progType, attachType) };
  }
  return lastRange.range;
}

export function checkReturnCode(env: Env): void {
  const r0 = curFrame(env.cur).regs[0]!;
  if (r0.type === 'not_init') reject('R0 !read_ok');
  const range = returnRange(env.prog.progType, env.prog.attachType);
  if (!range) return;
  demandPrecision(env);
  if (r0.type !== 'scalar') reject(`At program exit the register R0 is not a known value (${typeName(r0)})`);
  const [lo, hi] = range;
  if (BigInt(lo) <= r0.smin && r0.smax <= BigInt(hi)) return;
  reject(r0RangeMessage('At program exit', r0, lo, hi));
}

/**
 * The kernel's words for an R0 outside the range a program exit or a callback return allows: the
 * signed bounds it knows, or "unknown scalar value" when it knows neither.
 */
export function r0RangeMessage(where: string, r0: { smin: bigint; smax: bigint }, lo: number | bigint, hi: number | bigint): string {
  let text = `${where} the register R0 has`;
  let unknown = true;
  if (r0.smin > S64_MIN) { text += ` smin=${r0.smin}`; unknown = false; }
  if (r0.smax < S64_MAX) { text += ` smax=${r0.smax}`; unknown = false; }
  if (unknown) text += ' unknown scalar value';
  return `${text} should have been in [${lo}, ${hi}]`;
}
