/**
 * The stack of a frame as the kernel models it: 64 slots of 8 bytes, each byte invalid, misc, zero or
 * part of a spilled register. Spills of whole registers (and of scalars at 8-byte aligned offsets)
 * keep the register state, so a fill restores it; other writes degrade the bytes to misc or zero.
 * Reads of uninitialised bytes are allowed under the privileged rules, as in the kernel.
 */
import { Frame, StackSlot, MAX_BPF_STACK } from './state';
import { Reg, unknownScalar, constScalar, cloneReg, isPointer } from './regState';
import { reject } from './errors';
import { isConst } from './tnum';

function slotAt(f: Frame, spi: number): StackSlot {
  while (f.stack.length <= spi) f.stack.push({ types: '????????' });
  return f.stack[spi]!;
}

function setType(types: string, idx: number, t: string): string {
  return types.slice(0, idx) + t + types.slice(idx + 1);
}

/** Byte index inside its slot for a byte at fp offset `off` (negative), as the kernel's slot_type index. */
function byteIndex(off: number): { spi: number; idx: number } {
  const slot = -off - 1;
  return { spi: Math.floor(slot / 8), idx: slot % 8 };
}

/** Width in bits a scalar needs (the kernel's get_reg_width). */
export function regWidth(r: Reg): number {
  return r.umax === 0n ? 0 : r.umax.toString(2).length;
}

/**
 * A store of `size` bytes at fixed fp offset `off` (already including the pointer's offset). `value`
 * is the stored register, or undefined for a store of `imm`.
 */
export function stackWrite(f: Frame, off: number, size: number, value: Reg | undefined, imm: number, privileged: boolean): void {
  const { spi } = byteIndex(off);
  const slot = slotAt(f, spi);
  const aligned = off % 8 === 0;
  if (value && aligned && value.type === 'scalar' && privileged) {
    saveSpill(slot, value, size);
    if (regWidth(value) > size * 8) slot.spilled!.id = 0;
    return;
  }
  if (!value && aligned && privileged) {
    saveSpill(slot, constScalar(BigInt(imm)), size);
    return;
  }
  if (value && isPointer(value)) {
    if (size !== 8) reject('invalid size of register spill');
    saveSpill(slot, value, size);
    return;
  }
  // A plain data write destroys any spilled register in the slot.
  let types = slot.types;
  if (slot.spilled) {
    slot.spilled = undefined;
    types = types.replace(/r/g, 'm');
  }
  const zero = value ? isConst(value.var) && value.var.value === 0n && value.type === 'scalar' : imm === 0;
  for (let i = 0; i < size; i++) {
    const b = byteIndex(off + i);
    if (b.spi !== spi) break;
    types = setType(types, b.idx, zero ? '0' : 'm');
  }
  slot.types = types;
}

function saveSpill(slot: StackSlot, reg: Reg, size: number): void {
  slot.spilled = cloneReg(reg);
  let types = slot.types;
  for (let i = 8; i > 8 - size; i--) types = setType(types, i - 1, 'r');
  for (let i = 8 - size; i > 0; i--) {
    const t = types[i - 1]!;
    if (t !== '0' && t !== '?') types = setType(types, i - 1, 'm');
  }
  slot.types = types;
}

/** A load of `size` bytes at fixed fp offset `off` into a register: returns the register state. */
export function stackRead(f: Frame, off: number, size: number, forHelper = false): Reg {
  const { spi } = byteIndex(off);
  const slot = f.stack[spi];
  const types = slot ? slot.types : '????????';
  if (slot?.spilled && types[7] === 'r') {
    let spillSize = 1;
    for (let i = 7; i > 0 && types[i - 1] === 'r'; i--) spillSize++;
    const reg = slot.spilled;
    if (size !== 8 || spillSize !== 8) {
      if (reg.type !== 'scalar') reject('invalid size of register fill');
      if (size <= spillSize && off % 8 === 0) {
        const r = cloneReg(reg);
        if (size < 4) r.id = 0;
        return r;
      }
      let spills = 0;
      let zeros = 0;
      for (let i = 0; i < size; i++) {
        const t = types[byteIndex(off + i).idx]!;
        if (t === 'r') spills++;
        else if (t === '0') zeros++;
      }
      if ((spills === size && isConst(reg.var) && reg.var.value === 0n) || zeros === size) return constScalar(0n);
      return unknownScalar();
    }
    if (forHelper && isPointer(reg)) return reg;
    return cloneReg(reg);
  }
  let zeros = 0;
  for (let i = 0; i < size; i++) {
    const b = byteIndex(off + i);
    const t = (f.stack[b.spi]?.types ?? '????????')[b.idx]!;
    if (t === '0') zeros++;
  }
  return zeros === size ? constScalar(0n) : unknownScalar();
}

/** The kernel's check_stack_access_within_bounds for a fixed offset. */
export function checkStackBounds(regno: number, off: number, size: number, write: boolean, what?: string): void {
  if (off < -MAX_BPF_STACK || off + size > 0) {
    const extra = what ?? (write ? ' write to' : ' read from');
    reject(`invalid${extra} stack R${regno} off=${off} size=${size}`);
  }
}

/** Bytes of stack the frame uses, for the combined-stack check: the deepest slot touched. */
export function stackDepth(f: Frame): number {
  return f.stack.length * 8;
}

/** Marks a helper's output buffer on the stack as written (misc), as the kernel does for uninit memory args. */
export function stackMarkWritten(f: Frame, off: number, size: number): void {
  for (let i = 0; i < size; i++) {
    const b = byteIndex(off + i);
    const slot = slotAt(f, b.spi);
    if (slot.spilled) { slot.spilled = undefined; slot.types = slot.types.replace(/r/g, 'm'); }
    slot.types = setType(slot.types, b.idx, 'm');
  }
}

/** Checks a helper's read of `size` bytes at fp offset `off`: spilled pointers may not be read as data in unprivileged mode. */
export function stackCheckReadable(f: Frame, off: number, size: number, regno: number, privileged: boolean): void {
  for (let i = 0; i < size; i++) {
    const b = byteIndex(off + i);
    const slot = f.stack[b.spi];
    const t = slot ? slot.types[b.idx]! : '?';
    if (t === '?' && !privileged) {
      reject(`invalid indirect read from stack R${regno} off ${off}+${i} size ${size}`);
    }
  }
}
