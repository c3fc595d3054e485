/**
 * The instruction listing behind the disassembly view: a window of instructions around an address,
 * each with its address (`slot * 8` in hex, the byte offset llvm-objdump prints), bytes, text, label
 * and source line. A 64-bit immediate load is one instruction of 16 bytes. Positions before the
 * first or after the last instruction come back as placeholders, as the view expects exactly the
 * count it asked for.
 */
import type { Program } from '../../core/src/program/model';
import { printInsn } from '../../core/src/asm/printer';
import { encodeInto, encodedSize } from '../../core/src/isa/codec';

export interface ListedInsn {
  address: string;
  /** Absent for placeholders. */
  slot?: number;
  bytes?: string;
  text: string;
  label?: string;
  /** 1-based source line, when the program has source. */
  line?: number;
}

/** The instruction reference of a slot: its byte offset in the program, in hex. */
export function slotRef(slot: number): string {
  return `0x${BigInt.asUintN(64, BigInt(slot) * 8n).toString(16)}`;
}

/** The slot an instruction reference plus a byte offset names (-1 when it is not a number). */
export function refToSlot(ref: string, offset: number): number {
  try {
    return Number((BigInt.asIntN(64, BigInt(ref)) + BigInt(offset)) / 8n);
  } catch {
    return -1;
  }
}

/** `count` instructions starting `insnOffset` instructions from the one at (or after) `startSlot`. */
export function listInstructions(p: Program, startSlot: number, insnOffset: number, count: number): ListedInsn[] {
  const slots: number[] = [];
  p.insns.forEach((i, s) => { if (i.kind !== 'ldImm64Hi') slots.push(s); });
  let base = slots.findIndex((s) => s >= startSlot);
  if (base < 0) base = slots.length;
  const out: ListedInsn[] = [];
  const first = base + insnOffset;
  for (let k = first; k < first + Math.max(0, Math.min(count, 100_000)); k++) {
    const slot = slots[k];
    if (slot === undefined) {
      const pseudo = k < 0 ? k : (slots.length === 0 ? 0 : slots[slots.length - 1]! + 2) + (k - slots.length);
      out.push({ address: slotRef(pseudo), text: '' });
      continue;
    }
    const insn = p.insns[slot]!;
    const bytes = new Uint8Array(encodedSize(insn));
    encodeInto(insn, bytes, 0);
    const item: ListedInsn = {
      address: slotRef(slot), slot,
      bytes: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' '),
      text: printInsn(insn, { pc: slot, labelFor: (s) => p.labels.get(s) }),
    };
    const label = p.labels.get(slot);
    if (label !== undefined) item.label = label;
    const range = p.lines[slot];
    if (range !== undefined) item.line = range.line;
    out.push(item);
  }
  return out;
}
