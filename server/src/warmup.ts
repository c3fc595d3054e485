/**
 * JIT warm-up of the analysis pipeline when the server starts. Measured on a 2,000-line document, the
 * first eight or so edits after opening it took 100–200 ms each against 10–30 ms afterwards: the
 * assembler, the syntax index and the verifier still ran as interpreted or baseline code, because V8
 * optimises a function only after it has run hot for a while. Analysing small built-in programs a few
 * dozen times right after startup (about 0.4 s of CPU, once) makes the user's first edits as quick
 * as the later ones.
 *
 * The work is cut into slices of one small analysis each (a few milliseconds once warm, tens at
 * first), scheduled with `setImmediate`, so messages from the client are read between slices and a
 * real request never waits for more than one slice. The warm-up stops after a fixed number of
 * analyses or a time budget, whichever comes first, and never runs again in the life of the server.
 */
import { analyze, buildSyntax, ensureStates, VerifyCache, type VerifyFn } from '../../core/src/lang';
import { toDiagnostic } from './convert';

/** How many analyses the warm-up runs, and the most time it may take in all. */
const RUNS = 48;
const BUDGET_MS = 2000;

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

export function startWarmUp(verify: VerifyFn | undefined, log: (m: string) => void): WarmUp {
  const accepted = warmUpProgram(64, false);
  const rejected = warmUpProgram(8, true);
  let cancelled = false;
  let runs = 0;
  let handle: ReturnType<typeof setImmediate> | undefined;
  const started = Date.now();
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { finish = resolve; });
  const slice = (): void => {
    handle = undefined;
    if (cancelled || runs >= RUNS || Date.now() - started > BUDGET_MS) { finish(); return; }
    try {
      const text = runs % 4 === 3 ? rejected : accepted;
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
    handle = setImmediate(slice);
  };
  handle = setImmediate(slice);
  return {
    cancel(): void {
      cancelled = true;
      if (handle) { clearImmediate(handle); handle = undefined; }
      finish();
    },
    done,
  };
}
