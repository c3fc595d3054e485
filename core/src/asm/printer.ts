/**
 * The LLVM-dialect printer: turns one semantic instruction into the text `llvm-objdump -d` prints
 * for it (`r0 = 0x1`, `if r1 > 0x5 goto +0x2`, `r1 = -0x1 ll`), by filling in the placeholders of the
 * form's `llvm` template from the instruction table. Because the parser matches the same templates,
 * what this file prints is also what the assembler reads back.
 *
 * Options switch numbers to decimal, print jump and local-call targets as labels (given a resolver),
 * and print the symbol of a relocation in place of a 64-bit immediate or call target, which is what
 * the disassembler needs to produce source that reassembles to the same object.
 */
import type { Insn } from '../isa/insn';
import { formOf } from '../isa/codec';
import { parseTemplate, type Placeholder } from '../isa/template';
import type { Form } from '../isa/table';

export interface PrintOptions {
  /** Print immediates and offsets in decimal instead of llvm-objdump's hexadecimal. */
  decimal?: boolean;
  /** Slot of the instruction; needed to turn a relative jump into an absolute target for `labelFor`. */
  pc?: number;
  /** Names the slot a jump or bpf-to-bpf call lands on; a returned name is printed instead of the offset. */
  labelFor?: (slot: number) => string | undefined;
  /**
   * The symbol a relocation at this instruction names: printed in place of the 64-bit immediate of
   * `ll` (with the immediate as addend) or of the call target.
   */
  symbol?: string;
}

/** `0x1f` / `-0x1f`, or decimal: llvm-objdump's way of printing a signed number. */
export function formatSigned(value: number | bigint, decimal = false): string {
  const neg = value < 0;
  const mag = neg ? -BigInt(value) : BigInt(value);
  return `${neg ? '-' : ''}${decimal ? mag.toString(10) : `0x${mag.toString(16)}`}`;
}

/** A relative jump: always signed, `+0x3` / `-0x3`. */
export function formatRelative(value: number, decimal = false): string {
  return value < 0 ? formatSigned(value, decimal) : `+${formatSigned(value, decimal)}`;
}

/** A memory offset as it appears inside `(r1 + 0x4)`: the sign becomes the operator. */
export function formatOffset(value: number, decimal = false): string {
  return `${value < 0 ? '-' : '+'} ${formatSigned(Math.abs(value), decimal)}`;
}

/** A symbol with an optional addend: `mymap`, `mymap + 0x8`, `mymap - 0x8`. */
export function formatSymbol(symbol: string, addend: bigint, decimal = false): string {
  if (addend === 0n) return symbol;
  return `${symbol} ${addend < 0n ? '-' : '+'} ${formatSigned(addend < 0n ? -addend : addend, decimal)}`;
}

/**
 * The addend llvm-mc would have to be given to write this 64-bit immediate next to a relocation: it
 * stores the addend in the low 32 bits only, so a value whose high half is zero reads as the signed
 * low half (`mymap + -8` is stored as 0x00000000fffffff8).
 */
export function relocAddend(imm64: bigint): bigint {
  const v = BigInt.asUintN(64, imm64);
  return v >> 32n === 0n ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v);
}

function target(offset: number, opts: PrintOptions, decimal: boolean): string {
  if (opts.labelFor && opts.pc !== undefined) {
    const name = opts.labelFor(opts.pc + 1 + offset);
    if (name !== undefined) return name;
  }
  return formatRelative(offset, decimal);
}

function fill(ph: Placeholder, insn: Insn, opts: PrintOptions, pseudo: boolean): string {
  const decimal = opts.decimal ?? false;
  switch (ph) {
    case 'dst': return `r${insn.dst}`;
    case 'wdst': return `w${insn.dst}`;
    case 'src': return `r${insn.src}`;
    case 'wsrc': return `w${insn.src}`;
    // llvm-objdump prints the immediate of `ld_pseudo` as an unsigned 32-bit number.
    case 'imm': return formatSigned(pseudo ? insn.imm >>> 0 : insn.imm, decimal);
    case 'off': return formatOffset(insn.off, decimal);
    case 'target': return target(insn.off, opts, decimal);
    case 'ltarget': return target(insn.imm, opts, decimal);
    case 'ctarget': {
      if (opts.symbol !== undefined) return opts.symbol;
      if (opts.labelFor && opts.pc !== undefined) {
        const name = opts.labelFor(opts.pc + 1 + insn.imm);
        if (name !== undefined) return name;
      }
      return formatSigned(insn.imm, decimal);
    }
    case 'imm64': {
      const v = insn.kind === 'ldImm64' ? insn.imm64 : BigInt(insn.imm);
      if (opts.symbol !== undefined) return formatSymbol(opts.symbol, relocAddend(v), decimal);
      return formatSigned(BigInt.asIntN(64, v), decimal);
    }
    case 'asdst': return formatSigned((insn.imm >>> 16) & 0xffff, decimal);
    case 'assrc': return formatSigned(insn.imm & 0xffff, decimal);
    case 'pseudo': return formatSigned(insn.src, decimal);
  }
}

/** Fill a form's LLVM template for an instruction of that form. */
export function printWithForm(form: Form, insn: Insn, opts: PrintOptions = {}): string {
  const pseudo = form.llvm.startsWith('ld_pseudo ');
  let text = '';
  for (const part of parseTemplate(form.llvm)) text += 'lit' in part ? part.lit : fill(part.ph, insn, opts, pseudo);
  // llvm-objdump separates `ld_pseudo` from its operands with a tab, unlike every other form.
  if (pseudo) text = `ld_pseudo\t${text.slice('ld_pseudo '.length)}`;
  return text;
}

/**
 * The LLVM-dialect text of one instruction, as `llvm-objdump -d` prints it. The second-slot marker
 * of a 64-bit load prints as the empty string: the load itself already covers both slots.
 */
export function printInsn(insn: Insn, opts: PrintOptions = {}): string {
  if (insn.kind === 'ldImm64Hi') return '';
  const form = formOf(insn);
  if (!form) return `<no form for ${insn.kind}>`;
  return printWithForm(form, insn, opts);
}
