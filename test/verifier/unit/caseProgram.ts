/**
 * Turns a recorded kernel case (program bytes as hex, kernel map descriptions and ld_imm64 map
 * references) into the program model the verifier takes, so the unit tests run without an assembler
 * and without root.
 */
import { decodeProgram } from '../../../core/src/isa/codec';
import { mapTypeById } from '../../../core/src/data/mapTypes';
import { progTypeById } from '../../../core/src/data/progTypes';
import type { MapDef, Program } from '../../../core/src/program/model';
import { rawSlotsAt } from '../../../core/src/verifier/rawSlots';

export interface KernelCase {
  name: string;
  progType: number;
  maps: { type: number; keySize: number; valueSize: number; maxEntries: number; flags?: number }[];
  mapRefs: [number, number][];
  hex: string;
  asm: string[];
  accepted: boolean;
  /** Instruction the kernel's log shows last before the error (null when it shows none). */
  insn: number | null;
  message: string | null;
  processed: number | null;
}

export function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function caseProgram(c: Pick<KernelCase, 'hex' | 'progType' | 'maps' | 'mapRefs'>): { prog: Program; maps: MapDef[] } {
  const bytes = hexBytes(c.hex);
  const decoded = decodeProgram(bytes);
  const maps: MapDef[] = c.maps.map((m, i) => ({
    name: `m${i}`, type: mapTypeById(m.type)?.name ?? 'hash', keySize: m.keySize, valueSize: m.valueSize,
    maxEntries: m.maxEntries, flags: m.flags ?? 0, flagNames: [],
  }));
  const prog: Program = {
    name: 'prog', section: 'test', progType: progTypeById(c.progType)?.name ?? 'socket_filter', progTypeSource: 'option',
    insns: decoded.insns.map((i) => i ?? { kind: 'exit', dst: 0, src: 0, off: 0, imm: 0 }), lines: [], funcs: [],
    ldImm64Refs: new Map(c.mapRefs.map(([slot, mi]) => [slot, { kind: 'map' as const, map: `m${mi}`, offset: 0 }])),
    externCalls: new Map(), labels: new Map(),
  };
  // Undecodable slots keep their raw fields, so the verifier can word them as the kernel does.
  if (decoded.diagnostics.length) prog.rawSlots = rawSlotsAt(bytes, decoded.diagnostics.map((d) => d.slot));
  return { prog, maps };
}
