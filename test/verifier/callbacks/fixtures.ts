/**
 * The callback corpus (`test/fixtures/verifier-callbacks`): programs that pass subprograms to bpf_loop
 * and bpf_for_each_map_elem, with the Linux verdicts recorded as root by record.ts. The entries have
 * the layout of the main corpus's expected.json plus the func_info records the kernel was given, so
 * that our verifier sees exactly the BTF the kernel saw.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { BtfFuncInfo } from '../../../core/src/program/model';
import { buildProgram, loadExpected, saveExpected, type BuiltProgram, type ExpectedEntry } from '../corpus/fixtures';
import { buildFromSource } from '../corpus/fromSource';

export const CALLBACK_DIR = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'verifier-callbacks');
export const CALLBACK_EXPECTED = path.join(CALLBACK_DIR, 'expected.json');

export interface CallbackEntry extends ExpectedEntry {
  /** The func_info records loaded with the program; null when it was loaded without BTF. */
  btfFuncs: BtfFuncInfo[] | null;
}

export interface CallbackFile { kernel: string; recorded: string; programs: CallbackEntry[] }

export function loadCallbackExpected(): CallbackFile | undefined {
  return loadExpected(CALLBACK_EXPECTED) as CallbackFile | undefined;
}

export function saveCallbackExpected(data: CallbackFile): void {
  saveExpected(data, CALLBACK_EXPECTED);
}

/** All `.s` files of the callback corpus, sorted. */
export function callbackFiles(): string[] {
  return fs.readdirSync(CALLBACK_DIR).filter((f) => f.endsWith('.s')).sort();
}

/**
 * The program our verifier checks: built by our assembler from the source when it reproduces
 * llvm-mc's bytes, else from the recorded bytes; with the recorded func_info either way.
 */
export function buildCallbackProgram(entry: CallbackEntry): BuiltProgram {
  const text = fs.readFileSync(path.join(CALLBACK_DIR, entry.file), 'utf8');
  const src = buildFromSource(entry, text);
  const built = 'built' in src ? src.built : buildProgram('prog', entry);
  if ('program' in built) {
    if (entry.btfFuncs) built.program.btfFuncs = entry.btfFuncs;
    else delete built.program.btfFuncs;
  }
  return built;
}
