/**
 * The mnemonic-dialect printer: the `mov r0, 0x1` / `ldxw r0, [r1+0x4]` / `jeq r1, 0x0, +2` syntax of
 * ubpf, rbpf and the bpf_conformance suite. The mnemonic itself comes from the instruction table;
 * the operand layout follows from the kind of instruction, so this file lists layouts, never names.
 *
 * Registers print as `r1` (or `%r1` with `regPrefix: '%'`, as the conformance suite writes them),
 * non-negative immediates and memory offsets in hex unless `decimal` is set, negative ones and jump
 * offsets always in signed decimal (`-8`, `+2`): with `regPrefix: '%'` the text is what the
 * bpf_conformance assembler reads back to the same bytes, for every form that assembler knows.
 */
import type { Insn } from '../isa/insn';
import { formOf } from '../isa/codec';
import type { Form } from '../isa/table';
import { formatSigned, formatSymbol, relocAddend } from './printer';

export interface MnemonicPrintOptions {
  decimal?: boolean;
  /** Written before register numbers: '' (default) gives `r1`, '%' gives `%r1`. */
  regPrefix?: string;
  /** Slot of the instruction, for `labelFor`. */
  pc?: number;
  /** Names the slot a jump or local call lands on; a returned name replaces the offset. */
  labelFor?: (slot: number) => string | undefined;
  /** Symbol of a relocation at this instruction: replaces the 64-bit immediate or the call target. */
  symbol?: string;
}

function jumpText(offset: number, opts: MnemonicPrintOptions): string {
  if (opts.labelFor && opts.pc !== undefined) {
    const name = opts.labelFor(opts.pc + 1 + offset);
    if (name !== undefined) return name;
  }
  return offset < 0 ? String(offset) : `+${offset}`;
}

/** Print with a known form (the table row gives the mnemonic). */
export function printMnemonicWithForm(form: Form, insn: Insn, opts: MnemonicPrintOptions = {}): string {
  const decimal = opts.decimal ?? false;
  const reg = (n: number): string => `${opts.regPrefix ?? ''}r${n}`;
  // Negative numbers print in decimal even in hex mode: the conformance assembler reads `-0x8` as an
  // out-of-range unsigned number, but `-8` as intended.
  const num = (n: number): string => formatSigned(n, decimal || n < 0);
  const mem = (base: number, off: number): string =>
    off === 0 ? `[${reg(base)}]` : `[${reg(base)}${off < 0 ? `-${-off}` : `+${formatSigned(off, decimal)}`}]`;
  const mn = form.mnemonic;
  switch (insn.kind) {
    case 'alu':
      if (insn.op === 'neg') return `${mn} ${reg(insn.dst)}`;
      return `${mn} ${reg(insn.dst)}, ${insn.useReg ? reg(insn.src) : num(insn.imm)}`;
    case 'movsx':
      return `${mn} ${reg(insn.dst)}, ${reg(insn.src)}`;
    case 'endian':
      return `${mn} ${reg(insn.dst)}`;
    case 'addrSpaceCast':
      return `${mn} ${reg(insn.dst)}, ${reg(insn.src)}, ${num((insn.imm >>> 16) & 0xffff)}, ${num(insn.imm & 0xffff)}`;
    case 'load':
    case 'loadAcquire':
      return `${mn} ${reg(insn.dst)}, ${mem(insn.src, insn.off)}`;
    case 'store':
      return `${mn} ${mem(insn.dst, insn.off)}, ${insn.useReg ? reg(insn.src) : num(insn.imm)}`;
    case 'storeRelease':
    case 'atomic':
      return `${mn} ${mem(insn.dst, insn.off)}, ${reg(insn.src)}`;
    case 'ldImm64': {
      const value = opts.symbol !== undefined
        ? formatSymbol(opts.symbol, relocAddend(insn.imm64), decimal)
        : decimal ? BigInt.asUintN(64, insn.imm64).toString(10) : `0x${BigInt.asUintN(64, insn.imm64).toString(16)}`;
      // The dialect has no spelling for the pseudo kinds (map fd, BTF id, ...); a comment keeps the src field visible.
      return `${mn} ${reg(insn.dst)}, ${value}${insn.src !== 0 ? ` # src=${insn.src}` : ''}`;
    }
    case 'ldImm64Hi':
      return '';
    case 'ldAbs':
      return `${mn} ${num(insn.imm)}`;
    case 'ldInd':
      return `${mn} ${reg(insn.src)}, ${num(insn.imm)}`;
    case 'ja':
      return `${mn} ${jumpText(insn.long ? insn.imm : insn.off, opts)}`;
    case 'jcond':
      return `${mn} ${reg(insn.dst)}, ${insn.useReg ? reg(insn.src) : num(insn.imm)}, ${jumpText(insn.off, opts)}`;
    case 'mayGoto':
      return `${mn} ${jumpText(insn.off, opts)}`;
    case 'call':
      if (opts.symbol !== undefined) return `${mn} ${opts.symbol}`;
      return insn.src === 1 ? `${mn} ${jumpText(insn.imm, opts)}` : `${mn} ${num(insn.imm)}`;
    case 'callx':
      return `${mn} ${reg(insn.dst)}`;
    case 'exit':
      return mn;
  }
}

/** The mnemonic-dialect text of one instruction; the second-slot marker of a 64-bit load prints as ''. */
export function printMnemonic(insn: Insn, opts: MnemonicPrintOptions = {}): string {
  if (insn.kind === 'ldImm64Hi') return '';
  const form = formOf(insn);
  if (!form) return `<no form for ${insn.kind}>`;
  return printMnemonicWithForm(form, insn, opts);
}
