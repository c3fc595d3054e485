/**
 * JIT warm-up of the analysis pipeline when the server starts. Measured on a 2,000-line document, the
 * first eight or so edits after opening it took 100–200 ms each against 10–30 ms afterwards: the
 * assembler, the syntax index and the verifier still ran as interpreted or baseline code, because V8
 * optimises a function only after it has run hot for a while. Analysing small built-in programs
 * eighty times right after startup (about 0.3 s of CPU, once) makes the user's first edits nearly
 * as quick as the later ones.
 *
 * The work is cut into slices of one analysis each (a few milliseconds once warm, tens at first),
 * scheduled with `setImmediate`, so messages from the client are read between slices. The first
 * slices analyse a 130-line program, which keeps the cold slices short; the later ones a 520-line
 * program, whose longer loops train the JIT for large documents (with the small program alone, the
 * edits of a 2,000-line document afterwards were 20-50% slower at p95).
 *
 * The warm-up also steps aside while the user works: a slice runs only when the server has been
 * idle for a little while (no message handled, no analysis published, none scheduled). Without
 * that, every hop of a real edit (reading the message, writing the status, writing the
 * diagnostics; each goes through the event loop's immediate queue) could wait behind a cold slice,
 * and the first edits after opening a file took 250-600 ms on a busy machine where their own
 * analysis took a fraction of that. The warm-up stops after a fixed number of analyses or when its
 * slices have used their time budget, whichever comes first, and never runs again in the life of
 * the server.
 */
import { analyze, buildSyntax, ensureStates, VerifyCache, type VerifyFn } from '../../core/src/lang';
import { toDiagnostic } from './convert';

/** How many analyses the warm-up runs (the first ones on the small program), and the most time its slices may take in all. */
const RUNS = 80;
const SMALL_RUNS = 32;
const BUDGET_MS = 2000;
/** How long the server must have been idle before a slice runs. */
export const QUIET_MS = 25;

/**
 * A program of about `blocks` × 8 lines with the statements an editor sees most: a map lookup with
 * its NULL check, ALU work, stack stores and loads, and forward branches. With `reject`, the NULL
 * check is missing, so the verifier's rejection and its error path are exercised as well.
 */
export function warmUpProgram(blocks: number, reject: boolean): string {
  const out = [
    '# @map warm_map type=hash key_size=4 value_size=8 max_entries=16',
    '\t.section\txdp,"ax",@progbits', '\t.globl\twarm', '\t.type\twarm,@function', 'warm:  # the warm-up program',
    '\tr6 = r1', '\tr1 = 0', '\t*(u32 *)(r10 - 4) = r1', '\tr2 = r10', '\tr2 += -4', '\tr1 = warm_map ll', '\tcall bpf_map_lookup_elem',
    reject ? '\tr7 = r0' : '\tif r0 == 0 goto .Lout', '\tr7 = r0', '\tr8 = 0',
  ];
  for (let k = 0; k < blocks; k++) {
    out.push(`\tr8 += ${k % 5}`, '\tr1 = r8', `\tr1 &= ${k % 2 ? 127 : 255}`, `\t*(u64 *)(r10 - ${16 + (k % 4) * 8}) = r1`,
      `\tif r1 > ${k % 50} goto .Lw${k}`, '\tw1 += 1', `.Lw${k}:`, `\tr2 = *(u64 *)(r10 - ${16 + (k % 4) * 8})`);
  }
  out.push('\tr1 = *(u64 *)(r7 + 0)', '\tr1 += r8', '\t*(u64 *)(r7 + 0) = r1', '.Lout:', '\tr0 = 2', '\texit');
  return `${out.join('\n')}\n`;
}

export interface WarmUp {
  /** Stops the warm-up (the server is shutting down). */
  cancel(): void;
  /** Resolves when the warm-up has finished or was cancelled (for tests). */
  done: Promise<void>;
}

/**
 * Starts the warm-up. `idleFor` says how many milliseconds the server has been idle (0 while it has
 * work scheduled); without it the slices run back to back.
 */
export function startWarmUp(verify: VerifyFn | undefined, log: (m: string) => void, idleFor: () => number = () => Infinity): WarmUp {
  const small = warmUpProgram(16, false);
  const accepted = warmUpProgram(64, false);
  const rejected = warmUpProgram(8, true);
  let cancelled = false;
  let runs = 0;
  let spent = 0;
  let handle: ReturnType<typeof setImmediate> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { finish = resolve; });
  const slice = (): void => {
    handle = undefined;
    timer = undefined;
    if (cancelled || runs >= RUNS || spent > BUDGET_MS) { finish(); return; }
    const idle = idleFor();
    if (idle < QUIET_MS) {
      // Real work comes first; look again when the server may have been idle long enough.
      timer = setTimeout(slice, QUIET_MS - Math.max(0, idle));
      return;
    }
    const t0 = Date.now();
    try {
      const text = runs % 4 === 3 ? rejected : runs < SMALL_RUNS ? small : accepted;
      // A fresh cache each time: the point is to run the verifier, not to skip it.
      const a = analyze(text, { fileName: 'warm-up.s', collectStates: false, cache: new VerifyCache() }, verify);
      for (const d of a.diagnostics) toDiagnostic(d, 'file:///warm-up.s');
      if (runs % 8 === 7) { ensureStates(a); buildSyntax(text); }
    } catch (e) {
      // A warm-up that fails costs nothing but the attempt; the real analyses report real problems.
      log(`warm-up stopped: ${e instanceof Error ? e.message : String(e)}`);
      cancelled = true;
    }
    runs++;
    spent += Date.now() - t0;
    handle = setImmediate(slice);
  };
  handle = setImmediate(slice);
  return {
    cancel(): void {
      cancelled = true;
      if (handle) { clearImmediate(handle); handle = undefined; }
      if (timer) { clearTimeout(timer); timer = undefined; }
      finish();
    },
    done,
  };
}
