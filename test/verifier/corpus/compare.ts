/**
 * Comparing our verifier with the kernel's recorded verdicts: runs `verifyProgram` on each recorded
 * program, computes the acceptance figures of issue 4 (verdict, error instruction, message and
 * processed-instruction agreement; memory-safety offenders), and formats a report with a
 * per-category table and the list of disagreements, so that the verifier's author sees at a glance
 * where to look. Shared by the corpus agreement test and the live random test.
 */
import type { VerifyResult } from '../../../core/src/verifier';
import { buildProgram, type BuiltProgram, type ExpectedEntry } from './fixtures';

export interface OurVerdict {
  accepted: boolean;
  errorInsn: number | null;
  message: string;
  insnsProcessed: number | null;
  /** Set when verifyProgram threw or could not be loaded: a bug, counted as a disagreement. */
  crash?: string;
}

export interface Outcome {
  entry: ExpectedEntry;
  ours: OurVerdict;
}

type VerifyFn = (typeof import('../../../core/src/verifier'))['verifyProgram'];

let verifyFn: VerifyFn | string | undefined;

/** Loads the verifier lazily, so that a missing or broken engine shows as one clear reason per program. */
function verifier(): VerifyFn | string {
  if (verifyFn === undefined) {
    try {
      verifyFn = (require('../../../core/src/verifier') as typeof import('../../../core/src/verifier')).verifyProgram;
    } catch (e) {
      verifyFn = `the verifier could not be loaded: ${(e as Error).message.split('\n')[0]}`;
    }
  }
  return verifyFn;
}

/**
 * Runs our verifier on one recorded program, built by `prebuilt` when given (the corpus test passes
 * the program our assembler made from the source), else from the recorded bytes. Undecodable bytes
 * count as a rejection at that slot.
 */
export function runOurs(entry: ExpectedEntry, timeoutMs = 5000, prebuilt?: BuiltProgram): OurVerdict {
  const built = prebuilt ?? buildProgram('prog', entry);
  if ('decodeError' in built) {
    return { accepted: false, errorInsn: built.decodeError.insn, message: built.decodeError.message, insnsProcessed: null };
  }
  const verify = verifier();
  if (typeof verify === 'string') return { accepted: false, errorInsn: null, message: '', insnsProcessed: null, crash: verify };
  let r: VerifyResult;
  // The engine polls `signal.cancelled`; a getter turns that into a deadline, so one runaway program
  // cannot stall the whole test (the kernel itself needs well under a second for any corpus program).
  const deadline = Date.now() + timeoutMs;
  const signal = { get cancelled(): boolean { return Date.now() > deadline; } };
  const started = Date.now();
  try {
    r = verify(built.program, built.maps, { signal });
  } catch (e) {
    return { accepted: false, errorInsn: null, message: '', insnsProcessed: null, crash: `threw: ${(e as Error).message}` };
  }
  if (Date.now() - started > timeoutMs) {
    return { accepted: false, errorInsn: null, message: '', insnsProcessed: null, crash: `took ${Date.now() - started} ms (limit ${timeoutMs} ms)` };
  }
  return {
    accepted: r.accepted,
    errorInsn: r.error ? r.error.insn : null,
    message: r.error ? r.error.message.trim() : '',
    insnsProcessed: r.insnsProcessed,
  };
}

/** Kernel messages that reject a program for memory or pointer safety: accepting one is a release blocker. */
const MEMORY_SAFETY = [
  /invalid mem access/, /invalid access to (packet|map value|memory)/, /invalid (read|write) (from|to) stack/,
  /invalid (indirect|unbounded variable-offset)/, /min value is (negative|outside)/, /unbounded memory access/,
  /unbounded min value/, /out of bounds/, /invalid bpf_context access/, /misaligned/, /!read_ok/,
  /modified ctx ptr/, /variable ctx access/, /invalid size of register fill/, /pointer arithmetic/, /prohibited/,
  /type=\S+ expected=/, /write into map forbidden/, /frame pointer is read only/, /stores into R\d+ ctx/,
  /invalid stack/, /only read from bpf_array/, /R\d+ is not a known constant/,
];

export function isMemorySafety(message: string): boolean {
  return MEMORY_SAFETY.some((r) => r.test(message));
}

export interface Ratio { agree: number; total: number }

export interface Figures {
  verdict: Ratio;
  /** Verdict agreement on the programs the kernel accepts. */
  accepted: Ratio;
  /** Rejected by both, same blamed slot (only where the kernel's log names one). */
  errorInsn: Ratio;
  /** Rejected by both, same message. */
  message: Ratio;
  /** Same processed-instruction count (where the kernel printed one). */
  processed: Ratio;
  /** Kernel-rejected for memory safety, accepted by us. */
  safetyOffenders: Outcome[];
  crashes: number;
}

const ratio = (): Ratio => ({ agree: 0, total: 0 });

export function percent(r: Ratio): number {
  return r.total === 0 ? 100 : (100 * r.agree) / r.total;
}

function tally(r: Ratio, ok: boolean): void {
  r.total++;
  if (ok) r.agree++;
}

export function computeFigures(outcomes: Outcome[]): Figures {
  const f: Figures = {
    verdict: ratio(), accepted: ratio(), errorInsn: ratio(), message: ratio(), processed: ratio(), safetyOffenders: [], crashes: 0,
  };
  for (const o of outcomes) {
    const k = o.entry;
    if (o.ours.crash) f.crashes++;
    tally(f.verdict, k.accepted === o.ours.accepted);
    if (k.insnsProcessed !== null) tally(f.processed, k.insnsProcessed === o.ours.insnsProcessed);
    if (k.accepted) {
      tally(f.accepted, o.ours.accepted);
      continue;
    }
    if (k.errorInsn !== null) tally(f.errorInsn, !o.ours.accepted && o.ours.errorInsn === k.errorInsn);
    tally(f.message, !o.ours.accepted && o.ours.message === k.message);
    if (o.ours.accepted && isMemorySafety(k.message)) f.safetyOffenders.push(o);
  }
  return f;
}

const pct = (r: Ratio): string => `${percent(r).toFixed(1).padStart(5)} % (${r.agree}/${r.total})`;

/** What went wrong for one program, in one line; undefined when everything agrees. */
export function disagreement(o: Outcome): string | undefined {
  const k = o.entry;
  const ours = o.ours;
  if (ours.crash) return `CRASH ${ours.crash}`;
  if (k.accepted !== ours.accepted) {
    return k.accepted
      ? `kernel accepts; we reject at ${ours.errorInsn}: ${ours.message}`
      : `kernel rejects at ${k.errorInsn}: ${k.message}; we accept`;
  }
  if (k.accepted) return undefined;
  const parts: string[] = [];
  if (k.errorInsn !== null && k.errorInsn !== ours.errorInsn) parts.push(`insn kernel ${k.errorInsn} ours ${ours.errorInsn}`);
  if (k.message !== ours.message) parts.push(`message kernel "${k.message}" ours "${ours.message}"`);
  return parts.length ? parts.join('; ') : undefined;
}

/** The printed report: figures, per-category table, disagreements (at most `limit` listed). */
export function formatReport(title: string, outcomes: Outcome[], f: Figures, limit = 80): string {
  const out: string[] = [];
  out.push(`${title}: ${outcomes.length} programs (${f.accepted.total} accepted by the kernel), ${f.crashes} crashes`);
  out.push(`  verdict agreement            ${pct(f.verdict)}   (need >= 98 %)`);
  out.push(`  on kernel-accepted programs  ${pct(f.accepted)}   (need 100 %)`);
  out.push(`  error instruction agreement  ${pct(f.errorInsn)}   (need >= 95 %)`);
  out.push(`  message agreement            ${pct(f.message)}   (need >= 90 %)`);
  out.push(`  processed-insn exact match   ${pct(f.processed)}`);
  out.push(`  memory-safety offenders      ${f.safetyOffenders.length}`);
  for (const o of f.safetyOffenders) out.push(`    RELEASE BLOCKER ${o.entry.file}: kernel says "${o.entry.message}" at ${o.entry.errorInsn}`);
  const cats = new Map<string, { n: number; verdict: number; insn: number; msg: number }>();
  for (const o of outcomes) {
    const c = cats.get(o.entry.category) ?? { n: 0, verdict: 0, insn: 0, msg: 0 };
    c.n++;
    if (o.entry.accepted !== o.ours.accepted || o.ours.crash) c.verdict++;
    else if (!o.entry.accepted) {
      if (o.entry.errorInsn !== null && o.entry.errorInsn !== o.ours.errorInsn) c.insn++;
      if (o.entry.message !== o.ours.message) c.msg++;
    }
    cats.set(o.entry.category, c);
  }
  out.push('  per category: programs / verdict disagreements / error-insn disagreements / message disagreements');
  for (const [name, c] of [...cats].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(`    ${name.padEnd(20)} ${String(c.n).padStart(4)} ${String(c.verdict).padStart(6)} ${String(c.insn).padStart(6)} ${String(c.msg).padStart(6)}`);
  }
  const lines = outcomes.map((o) => [o, disagreement(o)] as const).filter((x) => x[1] !== undefined);
  if (lines.length) out.push(`  disagreements (${lines.length}${lines.length > limit ? `, first ${limit}` : ''}):`);
  for (const [o, why] of lines.slice(0, limit)) out.push(`    ${o.entry.file}: ${why}`);
  return out.join('\n');
}
