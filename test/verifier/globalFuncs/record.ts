/**
 * Records the kernel's verdict for every program of the global-function corpus and writes
 * test/fixtures/verifier-global/expected.json. Needs root (bpf(2)) and llvm-mc-22.
 *
 *   npx tsc -p tsconfig.json && node out/test/verifier/globalFuncs/record.js
 *
 * Each program is assembled with llvm-mc-22 and loaded with a BTF blob holding the prototypes of its
 * `# @btf` lines and one func_info record per function, at log level 2 in one batch.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kernelUnavailable, type KernelRequest } from '../../kernel/kernel';
import { prepare, kernelVerdicts, applyVerdict } from '../corpus/record';
import { GLOBAL_DIR, GLOBAL_EXPECTED, globalFiles, saveGlobalExpected, funcsOf, type GlobalEntry } from './fixtures';

/**
 * Lines that are progress, not errors, so that the log reader does not take them for one: those about
 * global functions, the stack liveness trace and the precision trace. Unlike the callback corpus,
 * "R1 is not a scalar" stays: at a global call it is the reason for the rejection.
 */
export function withoutGlobalNoise(log: string): string {
  return log.replace(/^\(\d+(,\d+)*\) .*\n/gm, '').replace(/^frame \d+: propagating .*\n/gm, '')
    .replace(/^Func#\d+ \('\w+'\) is (global and assumed valid|safe for any args that match its prototype)\.?\n/gm, '')
    .replace(/^Validating \w+\(\) func#\d+\.\.\.\n/gm, '');
}

/** The log lines about global functions, in order: calls assumed valid, walks started and finished, bad arguments. */
export function globalLines(log: string): string[] {
  return log.split('\n').filter((l) => /^(Func#\d+ |Validating \w+\(\) func#|Caller passes invalid args)/.test(l));
}

function main(): void {
  const why = kernelUnavailable();
  if (why) { console.error(`cannot record: ${why}`); process.exit(1); }
  const prepared: { entry: GlobalEntry; request: KernelRequest }[] = [];
  let failed = 0;
  for (const file of globalFiles()) {
    const text = fs.readFileSync(path.join(GLOBAL_DIR, file), 'utf8');
    const p = prepare(file, text);
    if ('error' in p) { console.error(`${file}: ${p.error}`); failed++; continue; }
    const funcs = funcsOf(text, p.entry.insns);
    const entry: GlobalEntry = { ...p.entry, category: 'global-functions', funcs, globalLines: [] };
    // The oracle reads the typed prototypes from the same records (see bpf_syscall.py).
    prepared.push({ entry, request: { ...p.request, btfFuncs: funcs } as KernelRequest });
  }
  const results = kernelVerdicts(prepared.map((p) => p.request));
  const programs: GlobalEntry[] = [];
  prepared.forEach((p, i) => {
    const r = results[i];
    if (!r || r.error) { console.error(`${p.entry.file}: ${r?.error ?? 'no answer from the oracle'}`); failed++; return; }
    applyVerdict(p.entry, r.loaded, r.errno, withoutGlobalNoise(r.log));
    p.entry.globalLines = globalLines(r.log);
    programs.push(p.entry);
    if (process.env.RECORD_LOGS) fs.writeFileSync(path.join(process.env.RECORD_LOGS, p.entry.file + '.log'), r.log);
  });
  saveGlobalExpected({ kernel: os.release(), recorded: new Date().toISOString().slice(0, 10), programs });
  const accepted = programs.filter((e) => e.accepted).length;
  console.log(`${GLOBAL_EXPECTED}: ${programs.length} programs (${accepted} accepted), ${failed} failed`);
  if (failed) process.exit(1);
}

if (require.main === module) main();
