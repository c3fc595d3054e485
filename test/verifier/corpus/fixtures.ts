/**
 * The committed kernel expectations (`test/fixtures/verifier/expected.json`) and how a recorded entry
 * becomes the `Program` and `MapDef[]` that `verifyProgram` takes. Each entry keeps the program bytes
 * and map references as recorded from llvm-mc's object, so the agreement test needs neither llvm-mc
 * nor root: it decodes the bytes with the ISA codec.
 *
 * The file is written one entry per line so that a re-recording shows up as a readable diff.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decodeProgram } from '../../../core/src/isa/codec';
import { rawSlotsAt } from '../../../core/src/verifier/rawSlots';
import type { Insn } from '../../../core/src/isa/insn';
import type { FuncInfo, LdImm64Ref, MapDef, Program } from '../../../core/src/program/model';

export interface ExpectedEntry {
  /** Path relative to test/fixtures/verifier, e.g. "map_value_or_null/deref_no_check.s". */
  file: string;
  /** First folder of `file`. */
  category: string;
  section: string;
  progType: string;
  attachType?: string;
  accepted: boolean;
  errno: number;
  /** The slot the kernel blames, or null when the log names none. */
  errorInsn: number | null;
  /** The kernel's error line ('' for accepted programs). */
  message: string;
  insnsProcessed: number | null;
  /** Program bytes, hex, 8 bytes per slot. */
  insns: string;
  maps: MapDef[];
  /** [slot of an ld_imm64, map name]. */
  mapRefs: [number, string][];
}

export interface ExpectedFile {
  /** `uname -r` of the recording machine. */
  kernel: string;
  recorded: string;
  programs: ExpectedEntry[];
}

export const FIXTURE_DIR = path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'verifier');
export const EXPECTED_PATH = path.join(FIXTURE_DIR, 'expected.json');

export function loadExpected(file = EXPECTED_PATH): ExpectedFile | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ExpectedFile;
}

export function saveExpected(data: ExpectedFile, file = EXPECTED_PATH): void {
  const body = data.programs.map((p) => JSON.stringify(p)).join(',\n');
  fs.writeFileSync(file, `{"kernel": ${JSON.stringify(data.kernel)}, "recorded": ${JSON.stringify(data.recorded)}, "programs": [\n${body}\n]}\n`);
}

export function hexToBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Either the program, or the slot and message of the first slot the codec could not decode. */
export type BuiltProgram = { program: Program; maps: MapDef[] } | { decodeError: { insn: number; message: string } };

/**
 * Builds the program model from recorded bytes. Subprograms start at the targets of bpf-to-bpf calls
 * (`call` with src 1), which is how the kernel splits a program into functions.
 */
export function buildProgram(name: string, e: Pick<ExpectedEntry, 'insns' | 'section' | 'progType' | 'attachType' | 'maps' | 'mapRefs'>): BuiltProgram {
  const bytes = hexToBytes(e.insns);
  const decoded = decodeProgram(bytes);
  // Undecodable slots go to the verifier with their raw fields (it words them as the kernel does);
  // only bytes that do not even make whole slots stop here.
  const slots = Math.floor(bytes.length / 8);
  const partial = decoded.diagnostics.find((d) => d.slot >= slots);
  if (partial) return { decodeError: { insn: partial.slot, message: partial.message } };
  const insns: Insn[] = decoded.insns.map((i) => i ?? { kind: 'exit', dst: 0, src: 0, off: 0, imm: 0 });
  const starts = new Set<number>([0]);
  insns.forEach((insn, pc) => {
    if (insn.kind === 'call' && insn.src === 1) {
      const target = pc + 1 + insn.imm;
      if (target >= 0 && target < insns.length) starts.add(target);
    }
  });
  const sorted = [...starts].sort((a, b) => a - b);
  const funcs: FuncInfo[] = sorted.map((start, i) => ({
    name: i === 0 ? name : `func${i}`,
    start,
    end: sorted[i + 1] ?? insns.length,
    section: e.section,
  }));
  const ldImm64Refs = new Map<number, LdImm64Ref>();
  for (const [slot, map] of e.mapRefs) ldImm64Refs.set(slot, { kind: 'map', map, offset: 0 });
  const labels = new Map<number, string>(funcs.map((f) => [f.start, f.name]));
  const program: Program = {
    name,
    section: e.section,
    progType: e.progType,
    progTypeSource: 'section',
    insns,
    lines: insns.map(() => undefined),
    funcs,
    ldImm64Refs,
    externCalls: new Map(),
    labels,
  };
  if (e.attachType !== undefined) program.attachType = e.attachType;
  if (decoded.diagnostics.length) program.rawSlots = rawSlotsAt(bytes, decoded.diagnostics.map((d) => d.slot));
  return { program, maps: e.maps };
}
