/**
 * Encoding and decoding between raw 8-byte slots and semantic instructions, driven by the table.
 * The decoder never throws: a slot that no form matches yields a message saying which field is
 * wrong. A program is decoded slot by slot; a 64-bit immediate load fills two slots, the second
 * holding an `ldImm64Hi` marker, so indices stay kernel program counters.
 */
import { FORMS, type Form, type SemShape } from './table';
import { usedFields, type UsedFields } from './template';
import type { Insn } from './insn';
import { readSlot, writeSlot, SLOT_SIZE, type RawSlot } from './opcode';

interface IndexedForm { form: Form; used: UsedFields }

const byOpcode: IndexedForm[][] = Array.from({ length: 256 }, () => []);
const byShape = new Map<string, IndexedForm[]>();

/** A key naming the fixed attributes of a semantic instruction; the switch covers every kind. */
export function shapeKey(s: SemShape | Insn): string {
  switch (s.kind) {
    case 'alu': return `alu:${s.op}:${s.is64}:${s.useReg}`;
    case 'movsx': return `movsx:${s.is64}:${s.bits}`;
    case 'endian': return `endian:${s.order}:${s.bits}`;
    case 'addrSpaceCast': return 'asc';
    case 'load': return `load:${s.size}:${s.signed}`;
    case 'store': return `store:${s.size}:${s.useReg}`;
    case 'atomic': return `atomic:${s.size}:${s.op}:${s.fetch}`;
    case 'loadAcquire': return `lacq:${s.size}`;
    case 'storeRelease': return `srel:${s.size}`;
    case 'ldImm64': return 'ldImm64';
    case 'ldImm64Hi': return 'ldImm64Hi';
    case 'ldAbs': return `ldabs:${s.size}`;
    case 'ldInd': return `ldind:${s.size}`;
    case 'ja': return `ja:${s.long}`;
    case 'jcond': return `jcond:${s.op}:${s.is64}:${s.useReg}`;
    case 'call': return 'call';
    case 'callx': return 'callx';
    case 'exit': return 'exit';
    case 'mayGoto': return 'mayGoto';
  }
}

for (const form of FORMS) {
  const entry = { form, used: usedFields(form) };
  byOpcode[form.opcode]!.push(entry);
  const key = shapeKey(form.sem);
  const list = byShape.get(key) ?? [];
  list.push(entry);
  byShape.set(key, list);
}

/** The form that encodes a semantic instruction (the src selector picks between call and ld_imm64 variants). */
export function formOf(insn: Insn): Form | undefined {
  const list = byShape.get(shapeKey(insn));
  if (!list) return undefined;
  if (list.length === 1) return list[0]!.form;
  return list.find((e) => e.form.srcSel === undefined || e.form.srcSel === insn.src)?.form;
}

/** Build a semantic instruction of a form from operand fields; selector fields are filled in. */
export function makeInsn(form: Form, fields: Partial<RawSlot> & { imm64?: bigint }): Insn {
  const dst = fields.dst ?? 0;
  const src = form.srcSel ?? fields.src ?? 0;
  const off = form.offSel ?? fields.off ?? 0;
  const imm = form.immSel ?? fields.imm ?? 0;
  const s = form.sem;
  // Object literals of one fixed shape per kind keep V8's property accesses monomorphic for every
  // consumer; spreading the differently-shaped semantic templates was the codec's main cost.
  switch (s.kind) {
    case 'alu': return { kind: 'alu', op: s.op, is64: s.is64, useReg: s.useReg, dst, src, off, imm };
    case 'movsx': return { kind: 'movsx', is64: s.is64, bits: s.bits, dst, src, off, imm };
    case 'endian': return { kind: 'endian', order: s.order, bits: s.bits, dst, src, off, imm };
    case 'addrSpaceCast': return { kind: 'addrSpaceCast', dst, src, off, imm };
    case 'load': return { kind: 'load', size: s.size, signed: s.signed, dst, src, off, imm };
    case 'store': return { kind: 'store', size: s.size, useReg: s.useReg, dst, src, off, imm };
    case 'atomic': return { kind: 'atomic', size: s.size, op: s.op, fetch: s.fetch, dst, src, off, imm };
    case 'loadAcquire': return { kind: 'loadAcquire', size: s.size, dst, src, off, imm };
    case 'storeRelease': return { kind: 'storeRelease', size: s.size, dst, src, off, imm };
    case 'ldImm64': {
      const v = BigInt.asUintN(64, fields.imm64 ?? BigInt(imm));
      return { kind: 'ldImm64', imm64: v, dst, src, off, imm: Number(BigInt.asIntN(32, v)) };
    }
    case 'ldImm64Hi': return { kind: 'ldImm64Hi', dst, src, off, imm };
    case 'ldAbs': return { kind: 'ldAbs', size: s.size, dst, src, off, imm };
    case 'ldInd': return { kind: 'ldInd', size: s.size, dst, src, off, imm };
    case 'ja': return { kind: 'ja', long: s.long, dst, src, off, imm };
    case 'jcond': return { kind: 'jcond', op: s.op, is64: s.is64, useReg: s.useReg, dst, src, off, imm };
    case 'call': return { kind: 'call', dst, src, off, imm };
    case 'callx': return { kind: 'callx', dst, src, off, imm };
    case 'exit': return { kind: 'exit', dst, src, off, imm };
    case 'mayGoto': return { kind: 'mayGoto', dst, src, off, imm };
  }
}

export type DecodeResult = { insn: Insn; form: Form } | { error: string };

const FIELD_NAMES: (keyof UsedFields)[] = ['dst', 'src', 'off', 'imm'];

/** Decode one slot (not the second half of a 64-bit load, which `decodeProgram` handles). */
export function decodeSlot(raw: RawSlot): DecodeResult {
  const candidates = byOpcode[raw.opcode]!;
  if (candidates.length === 0) return { error: `unknown opcode 0x${hex2(raw.opcode)}` };
  // The hot path checks selectors and reserved fields without building any text; messages are
  // only composed once no form matched.
  for (let i = 0; i < candidates.length; i++) {
    const { form, used } = candidates[i]!;
    if (form.offSel !== undefined && raw.off !== form.offSel) continue;
    if (form.immSel !== undefined && raw.imm !== form.immSel) continue;
    if (form.srcSel !== undefined && raw.src !== form.srcSel) continue;
    if ((!used.dst && raw.dst !== 0) || (!used.src && raw.src !== 0) || (!used.off && raw.off !== 0) || (!used.imm && raw.imm !== 0)) {
      const f = FIELD_NAMES.find((n) => !used[n] && raw[n] !== 0)!;
      return { error: `reserved field ${f}=${raw[f]} must be 0 in ${form.id} (opcode 0x${hex2(raw.opcode)})` };
    }
    if (used.dst && raw.dst > 10) return { error: `invalid register r${raw.dst} in ${form.id}` };
    if (used.src && form.srcSel === undefined && raw.src > 10) return { error: `invalid register r${raw.src} in ${form.id}` };
    return { insn: makeInsn(form, raw), form };
  }
  return { error: selectorText(candidates, raw) };
}

function selectorText(candidates: IndexedForm[], raw: RawSlot): string {
  const f0 = candidates[0]!.form;
  const field = f0.offSel !== undefined ? 'off' : f0.immSel !== undefined ? 'imm' : 'src';
  const allowed = candidates
    .map((c) => (field === 'off' ? c.form.offSel : field === 'imm' ? c.form.immSel : c.form.srcSel))
    .filter((v): v is number => v !== undefined)
    .map((v) => (field === 'imm' ? `0x${v.toString(16)}` : String(v)));
  const value = field === 'imm' ? `0x${(raw.imm >>> 0).toString(16)}` : String(raw[field]);
  return `opcode 0x${hex2(raw.opcode)} with ${field}=${value} is not an instruction (${field} must be one of ${allowed.join(', ')})`;
}

export interface DecodeDiagnostic { slot: number; message: string }

export interface DecodedProgram {
  /** One entry per slot; undefined where a slot could not be decoded. */
  insns: (Insn | undefined)[];
  diagnostics: DecodeDiagnostic[];
}

/** Decode a whole program; diagnostics name the slot, and decoding goes on after an error. */
export function decodeProgram(bytes: Uint8Array): DecodedProgram {
  const diagnostics: DecodeDiagnostic[] = [];
  const count = Math.floor(bytes.length / SLOT_SIZE);
  const insns: (Insn | undefined)[] = new Array(count);
  for (let pc = 0; pc < count; pc++) {
    const raw = readSlot(bytes, pc * SLOT_SIZE);
    const r = decodeSlot(raw);
    if ('error' in r) {
      insns[pc] = undefined;
      diagnostics.push({ slot: pc, message: r.error });
      continue;
    }
    insns[pc] = r.insn;
    if (r.insn.kind !== 'ldImm64') continue;
    if (pc + 1 >= count) {
      diagnostics.push({ slot: pc, message: 'truncated 64-bit immediate load: the second slot is missing' });
      continue;
    }
    const hi = readSlot(bytes, (pc + 1) * SLOT_SIZE);
    if (hi.opcode !== 0 || hi.dst !== 0 || hi.src !== 0 || hi.off !== 0) {
      diagnostics.push({ slot: pc + 1, message: 'invalid second slot of a 64-bit immediate load: opcode, registers and offset must be 0' });
    }
    r.insn.imm64 = (BigInt(hi.imm >>> 0) << 32n) | BigInt(raw.imm >>> 0);
    insns[pc + 1] = { kind: 'ldImm64Hi', dst: 0, src: 0, off: 0, imm: hi.imm };
    pc++;
  }
  if (bytes.length % SLOT_SIZE !== 0) {
    diagnostics.push({ slot: count, message: `${bytes.length % SLOT_SIZE} trailing bytes do not make a whole 8-byte instruction` });
  }
  return { insns, diagnostics };
}

/** Bytes one instruction encodes to (16 for a 64-bit load, 0 for its marker). */
export function encodedSize(insn: Insn): number {
  return insn.kind === 'ldImm64' ? 16 : insn.kind === 'ldImm64Hi' ? 0 : 8;
}

/** Encode one instruction into `out` at `byteOffset`; returns the bytes written. */
export function encodeInto(insn: Insn, out: Uint8Array, byteOffset: number): number {
  if (insn.kind === 'ldImm64Hi') return 0;
  const form = formOf(insn);
  if (!form) throw new Error(`no encoding for instruction ${shapeKey(insn)}`);
  const slot: RawSlot = {
    opcode: form.opcode,
    dst: insn.dst,
    src: form.srcSel ?? insn.src,
    off: form.offSel ?? insn.off,
    imm: form.immSel ?? insn.imm,
  };
  if (insn.kind === 'ldImm64') {
    slot.imm = Number(BigInt.asIntN(32, insn.imm64));
    writeSlot(out, byteOffset, slot);
    writeSlot(out, byteOffset + 8, { opcode: 0, dst: 0, src: 0, off: 0, imm: Number(BigInt.asIntN(32, insn.imm64 >> 32n)) });
    return 16;
  }
  writeSlot(out, byteOffset, slot);
  return 8;
}

/** Encode a program given slot by slot (markers included) or instruction by instruction. */
export function encodeProgram(insns: readonly Insn[]): Uint8Array {
  let size = 0;
  for (const i of insns) size += encodedSize(i);
  const out = new Uint8Array(size);
  let at = 0;
  for (const i of insns) at += encodeInto(i, out, at);
  return out;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
