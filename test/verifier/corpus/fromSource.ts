/**
 * Building a corpus program the way the editor and `ebpf verify` do: from the `.s` source through our
 * assembler (`assembleModule`), so that the verifier sees source lines, labels and functions as users
 * will. The result is used only when it encodes to exactly the bytes llvm-mc produced at recording
 * time (slots that do not decode keep their raw bytes); otherwise (directives our assembler lacks)
 * the agreement test falls back to the recorded bytes and says so.
 */
import { assembleModule } from '../../../core/src/program/assembleModule';
import { encodeProgram } from '../../../core/src/isa/codec';
import { writeSlot } from '../../../core/src/isa/opcode';
import type { BuiltProgram, ExpectedEntry } from './fixtures';

/** Program hex with the map-reference slots' src field and immediate cleared (fd patching differs). */
function normalise(hex: string, mapSlots: number[]): string {
  const b = Buffer.from(hex, 'hex');
  for (const slot of mapSlots) {
    if (slot * 8 + 8 > b.length) continue;
    b[slot * 8 + 1] = b[slot * 8 + 1]! & 0x0f;
    b.writeInt32LE(0, slot * 8 + 4);
  }
  return b.toString('hex');
}

export type FromSource = { built: BuiltProgram } | { why: string };

/** Assembles `text` with our assembler and checks it against the recorded llvm-mc bytes. */
export function buildFromSource(entry: ExpectedEntry, text: string): FromSource {
  let asm;
  try {
    asm = assembleModule(text, entry.file);
  } catch (e) {
    return { why: `assembleModule threw: ${(e as Error).message}` };
  }
  const errors = asm.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return { why: `our assembler: line ${errors[0]!.range.line}: ${errors[0]!.message}` };
  const program = asm.module.programs[0];
  if (!program) return { why: 'our assembler found no program' };
  let hex: string;
  try {
    // A 64-bit load cut off by the end of the section still encodes both halves; keep the slots there are.
    const bytes = encodeProgram(program.insns).subarray(0, program.insns.length * 8);
    // Slots that do not decode keep their raw bytes in the model; their placeholders encode as nothing real.
    for (const [slot, raw] of program.rawSlots ?? []) if (slot * 8 + 8 <= bytes.length) writeSlot(bytes, slot * 8, raw);
    hex = Buffer.from(bytes).toString('hex');
  } catch (e) {
    return { why: `encodeProgram threw: ${(e as Error).message}` };
  }
  const slots = entry.mapRefs.map((r) => r[0]);
  if (normalise(hex, slots) !== normalise(entry.insns, slots)) return { why: 'our assembler encodes different bytes than llvm-mc' };
  const refs = [...program.ldImm64Refs].filter(([, r]) => r.kind === 'map').map(([s, r]) => [s, r.kind === 'map' ? r.map : '']);
  if (JSON.stringify(refs) !== JSON.stringify(entry.mapRefs)) return { why: 'our assembler resolves different map references than llvm-mc' };
  if (program.progType !== entry.progType) return { why: `our assembler says program type ${program.progType}, llvm-mc run used ${entry.progType}` };
  return { built: { program, maps: asm.module.maps } };
}
