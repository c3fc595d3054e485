/**
 * Records the kernel's verdict for every program of the callback corpus and writes
 * test/fixtures/verifier-callbacks/expected.json. Needs root (bpf(2)) and llvm-mc-22.
 *
 *   npx tsc -p tsconfig.json && node out/test/verifier/callbacks/record.js
 *
 * Each program is assembled with llvm-mc-22 and loaded with a minimal BTF blob and one func_info
 * record per function (funcInfo.ts says which), at log level 2 in one batch; the log is read the way
 * the main corpus reads it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kernelUnavailable, type KernelRequest } from '../../kernel/kernel';
import { prepare, kernelVerdicts, applyVerdict } from '../corpus/record';
import { hexToBytes } from '../corpus/fixtures';
import { funcInfoFor } from './funcInfo';
import { CALLBACK_DIR, CALLBACK_EXPECTED, callbackFiles, saveCallbackExpected, type CallbackEntry } from './fixtures';

/**
 * Lines the main corpus's log reader does not know and that are not errors: "R2 is not a scalar",
 * logged when the kernel matches a callback's registers against its BTF prototype (our records give
 * every parameter the type int) and then goes on; the stack liveness trace, "(7,10) frame 1 insn 11
 * +written -512", printed after a walk; and "frame 0: propagating r1,r4" of the precision trace.
 */
export function withoutNoise(log: string): string {
  return log.replace(/^R\d+ is not a scalar\n/gm, '').replace(/^\(\d+(,\d+)*\) .*\n/gm, '').replace(/^frame \d+: propagating .*\n/gm, '');
}

function main(): void {
  const why = kernelUnavailable();
  if (why) { console.error(`cannot record: ${why}`); process.exit(1); }
  const prepared: { entry: CallbackEntry; request: KernelRequest }[] = [];
  let failed = 0;
  for (const file of callbackFiles()) {
    const text = fs.readFileSync(path.join(CALLBACK_DIR, file), 'utf8');
    const p = prepare(file, text);
    if ('error' in p) { console.error(`${file}: ${p.error}`); failed++; continue; }
    const funcs = funcInfoFor(text, hexToBytes(p.entry.insns));
    const entry: CallbackEntry = { ...p.entry, category: 'callbacks', btfFuncs: funcs ?? null };
    const request: KernelRequest = funcs ? { ...p.request, btfFuncs: funcs } : p.request;
    prepared.push({ entry, request });
  }
  const results = kernelVerdicts(prepared.map((p) => p.request));
  const programs: CallbackEntry[] = [];
  prepared.forEach((p, i) => {
    const r = results[i];
    if (!r || r.error) { console.error(`${p.entry.file}: ${r?.error ?? 'no answer from the oracle'}`); failed++; return; }
    applyVerdict(p.entry, r.loaded, r.errno, withoutNoise(r.log));
    programs.push(p.entry);
    if (process.env.RECORD_LOGS) fs.writeFileSync(path.join(process.env.RECORD_LOGS, p.entry.file + '.log'), r.log);
  });
  saveCallbackExpected({ kernel: os.release(), recorded: new Date().toISOString().slice(0, 10), programs });
  const accepted = programs.filter((e) => e.accepted).length;
  console.log(`${CALLBACK_EXPECTED}: ${programs.length} programs (${accepted} accepted), ${failed} failed`);
  if (failed) process.exit(1);
}

if (require.main === module) main();
