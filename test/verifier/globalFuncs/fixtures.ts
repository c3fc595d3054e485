/**
 * The global-function corpus (`test/fixtures/verifier-global`): programs that call subprograms whose
 * BTF linkage is global, with the Linux verdicts recorded as root by record.ts. The entries have the
 * layout of the main corpus's expected.json plus the prototypes the kernel was given.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildProgram, loadExpected, saveExpected, hexToBytes, type BuiltProgram, type ExpectedEntry } from '../corpus/fixtures';
import { buildFromSource } from '../corpus/fromSource';
import { functionStarts } from '../callbacks/funcInfo';
import { btfFuncsFor, protoFuncs, type ProtoFunc } from './protos';

export const GLOBAL_DIR = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'verifier-global');
export const GLOBAL_EXPECTED = path.join(GLOBAL_DIR, 'expected.json');

export interface GlobalEntry extends ExpectedEntry {
  /** The functions and prototypes the program was loaded with. */
  funcs: ProtoFunc[];
  /** The kernel's level-2 log lines about global functions (see record.ts, globalLines). */
  globalLines: string[];
}

export interface GlobalFile { kernel: string; recorded: string; programs: GlobalEntry[] }

export function loadGlobalExpected(): GlobalFile | undefined {
  return loadExpected(GLOBAL_EXPECTED) as GlobalFile | undefined;
}

export function saveGlobalExpected(data: GlobalFile): void {
  saveExpected(data, GLOBAL_EXPECTED);
}

/** All `.s` files of the corpus, sorted. */
export function globalFiles(): string[] {
  return fs.readdirSync(GLOBAL_DIR).filter((f) => f.endsWith('.s')).sort();
}

/** The functions of a source, from its `# @btf` lines and the program's bytes. */
export function funcsOf(text: string, insnsHex: string): ProtoFunc[] {
  return protoFuncs(text, functionStarts(hexToBytes(insnsHex)));
}

/** The program our verifier checks, with func_info read from BTF built from the source's prototypes. */
export function buildGlobalProgram(entry: GlobalEntry): BuiltProgram {
  const text = fs.readFileSync(path.join(GLOBAL_DIR, entry.file), 'utf8');
  const src = buildFromSource(entry, text);
  const built = 'built' in src ? src.built : buildProgram('prog', entry);
  if ('program' in built) built.program.btfFuncs = btfFuncsFor(funcsOf(text, entry.insns));
  return built;
}
