/**
 * Writes an assembled instruction straight into its section's buffer: the bytes that
 * `encodeInto(makeInsn(form, fields))` of the ISA codec gives (the table tests check that), without
 * building the semantic instruction first, since the assembler does this once per instruction of
 * files of hundreds of thousands of lines.
 */
import type { Form } from '../isa/table';
import type { InsnFields } from './llvmParser';

/** Write `v` as four little-endian bytes at `buf[at]`. */
function put32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = v & 0xff;
  buf[at + 1] = (v >> 8) & 0xff;
  buf[at + 2] = (v >> 16) & 0xff;
  buf[at + 3] = (v >>> 24) & 0xff;
}

/** Write the slot(s) of a form with its operand fields at `buf[at]`. */
export function encodeForm(form: Form, f: InsnFields, buf: Uint8Array, at: number): void {
  const src = form.srcSel ?? f.src;
  const off = form.offSel ?? f.off;
  let imm = form.immSel ?? f.imm;
  let hi = 0;
  const wide = form.sem.kind === 'ldImm64';
  if (wide) {
    const v = BigInt.asUintN(64, f.imm64 ?? BigInt(f.imm));
    imm = Number(v & 0xffffffffn) | 0;
    hi = Number(v >> 32n) | 0;
  }
  buf[at] = form.opcode;
  buf[at + 1] = ((src & 0xf) << 4) | (f.dst & 0xf);
  buf[at + 2] = off & 0xff;
  buf[at + 3] = (off >> 8) & 0xff;
  put32(buf, at + 4, imm);
  if (wide) {
    buf.fill(0, at + 8, at + 12);
    put32(buf, at + 12, hi);
  }
}
