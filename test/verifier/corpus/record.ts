/**
 * Records the kernel's verdict for every program of the verifier corpus and writes the committed
 * expectations, test/fixtures/verifier/expected.json. Needs root (bpf(2)) and llvm-mc-22.
 *
 * Re-record (from the repository root):
 *   npx tsc -p tsconfig.json && node out/test/verifier/corpus/record.js
 * Generated programs are rewritten first from their seeds with
 *   node out/test/verifier/gen/writeCorpus.js
 * It takes about five minutes, nearly all of it the kernel writing level-2 logs for the five programs
 * that run into the one-million-instruction limit.
 * Every program is assembled with llvm-mc-22, sent to the kernel at log level 2 in ONE batch, and its
 * log is read by `readKernelLog` (see kernelLog.ts for how the blamed instruction is found).
 * Pass file paths (relative to test/fixtures/verifier) to re-record only those; the others keep
 * their entries.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kernelBatch, kernelUnavailable, type KernelRequest, type KernelResult } from '../../kernel/kernel';
import { progTypeByName } from '../../../core/src/data/progTypes';
import { mapTypeByName } from '../../../core/src/data/mapTypes';
import { readCorpusSource } from './source';
import { assembleWithLlvm, type AssembledProgram } from './objfile';
import { readKernelLog } from './kernelLog';
import { attachTypeId } from './attachTypes';
import { EXPECTED_PATH, FIXTURE_DIR, hexToBytes, loadExpected, saveExpected, type ExpectedEntry } from './fixtures';

/** All `.s` files under the corpus folder, relative paths, sorted. */
export function corpusFiles(dir = FIXTURE_DIR): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(p);
      else if (d.name.endsWith('.s')) out.push(p);
    }
  };
  walk('');
  return out.sort();
}

const ENOSPC = 28;

type Prepared = { entry: ExpectedEntry; request: KernelRequest } | { file: string; error: string };

/** Reads, assembles and turns one corpus file into a kernel request (without the verdict yet). */
export function prepare(file: string, text: string, assembled?: AssembledProgram): Prepared {
  const src = readCorpusSource(text);
  if (src.problems.length) return { file, error: src.problems.join('; ') };
  const asm = assembled ?? assembleWithLlvm(text, src.section);
  if (asm.error) return { file, error: asm.error };
  const progId = progTypeByName(src.progType)?.id;
  if (progId === undefined) return { file, error: `unknown program type ${src.progType}` };
  const mapRefs: [number, number][] = [];
  for (const [slot, name] of asm.mapRefs) {
    const index = src.maps.findIndex((m) => m.name === name);
    if (index < 0) return { file, error: `map ${name} is not declared with # @map` };
    mapRefs.push([slot, index]);
  }
  const maps = [];
  for (const m of src.maps) {
    const type = mapTypeByName(m.type)?.id;
    if (type === undefined) return { file, error: `unknown map type ${m.type}` };
    maps.push({ type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags, name: m.name });
  }
  // 1 MiB of log is plenty: when a long walk overflows it, the kernel keeps the tail, which holds the
  // last instruction line and the error (see the ENOSPC note in main).
  const request: KernelRequest = { insns: asm.hex, progType: progId, maps, mapRefs, logLevel: 2, logSize: 1 << 20 };
  if (src.attachType !== undefined) {
    const id = attachTypeId(src.attachType);
    if (id !== undefined) request.expectedAttachType = id;
  }
  const entry: ExpectedEntry = {
    file, category: file.split('/')[0]!, section: src.section, progType: src.progType,
    accepted: false, errno: 0, errorInsn: null, message: '', insnsProcessed: null,
    insns: asm.hex, maps: src.maps, mapRefs: asm.mapRefs,
  };
  if (src.attachType !== undefined) entry.attachType = src.attachType;
  return { entry, request };
}

/**
 * Sends the requests to the kernel in one batch. A long walk overflows the log buffer; the kernel then
 * keeps the tail of the log (which holds the last instruction line and the error) but fails the load
 * with ENOSPC, even for a program it would accept. Those programs are loaded once more without a log,
 * for the true verdict and errno.
 */
export function kernelVerdicts(requests: KernelRequest[]): KernelResult[] {
  const results = kernelBatch(requests);
  const overflow = results.map((r, i) => (r.errno === ENOSPC ? i : -1)).filter((i) => i >= 0);
  if (overflow.length) {
    const again = kernelBatch(overflow.map((i) => ({ ...requests[i]!, logLevel: 0 })));
    overflow.forEach((i, k) => {
      const r = again[k];
      if (r && !r.error) results[i] = { ...results[i]!, loaded: r.loaded, errno: r.errno };
    });
  }
  return results;
}

/** Fills an entry's verdict from the kernel's answer. */
export function applyVerdict(entry: ExpectedEntry, loaded: boolean, errno: number, log: string): void {
  entry.accepted = loaded;
  entry.errno = errno;
  if (loaded) {
    entry.errorInsn = null;
    entry.message = '';
    entry.insnsProcessed = readKernelLog(log, hexToBytes(entry.insns)).insnsProcessed;
    return;
  }
  const v = readKernelLog(log, hexToBytes(entry.insns));
  entry.errorInsn = v.errorInsn;
  entry.message = v.message;
  entry.insnsProcessed = v.insnsProcessed;
}

function main(): void {
  const why = kernelUnavailable();
  if (why) { console.error(`cannot record: ${why}`); process.exit(1); }
  const only = process.argv.slice(2);
  const files = only.length ? only : corpusFiles();
  const prepared: { entry: ExpectedEntry; request: KernelRequest }[] = [];
  let failed = 0;
  for (const file of files) {
    const p = prepare(file, fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8'));
    if ('error' in p) { console.error(`${p.file}: ${p.error}`); failed++; continue; }
    prepared.push(p);
  }
  const results = kernelVerdicts(prepared.map((p) => p.request));
  const done: ExpectedEntry[] = [];
  prepared.forEach((p, i) => {
    const r = results[i];
    if (!r || r.error) { console.error(`${p.entry.file}: ${r?.error ?? 'no answer from the oracle'}`); failed++; return; }
    applyVerdict(p.entry, r.loaded, r.errno, r.log);
    done.push(p.entry);
    if (process.env.RECORD_LOGS) fs.writeFileSync(path.join(process.env.RECORD_LOGS, p.entry.file.replace(/\//g, '__') + '.log'), r.log);
  });
  // Files that failed keep their previous entry when only some files are re-recorded.
  const previous = only.length ? loadExpected()?.programs ?? [] : [];
  const byFile = new Map(previous.map((e) => [e.file, e]));
  for (const e of done) byFile.set(e.file, e);
  const programs = [...byFile.values()].sort((a, b) => a.file.localeCompare(b.file));
  saveExpected({ kernel: os.release(), recorded: new Date().toISOString().slice(0, 10), programs });
  const accepted = programs.filter((e) => e.accepted).length;
  console.log(`${EXPECTED_PATH}: ${programs.length} programs (${accepted} accepted, ${programs.length - accepted} rejected), ${failed} failed`);
  if (failed) process.exit(1);
}

if (require.main === module) main();
