/**
 * Arithmetic instructions (the kernel's check_alu_op): operand checks, moves with scalar id linking,
 * sign-extending moves, byte swaps, and the dispatch between pointer arithmetic (ptrArith.ts) and
 * scalar arithmetic (scalar.ts).
 */
import type { AluInsn, EndianInsn, MovsxInsn } from '../isa/insn';
import type { Env } from './env';
import { newId } from './env';
import { Reg, unknownScalar, constScalar, immScalar, isPointer, cloneReg } from './regState';
import { reject } from './errors';
import { curFrame, ownReg } from './state';
import { aluScalar, zext32, syncBounds, signExtend } from './scalar';
import { adjustPtr } from './ptrArith';
import { isConst, tcast } from './tnum';
import { regWidth } from './stack';

/** check_reg_arg(SRC_OP): the register must hold a value. */
export function readReg(env: Env, regno: number): Reg {
  const r = curFrame(env.cur).regs[regno]!;
  if (r.type === 'not_init') reject(`R${regno} !read_ok`);
  env.scratched |= 1 << regno;
  return r;
}

/** check_reg_arg(DST_OP): r10 cannot be written. */
export function checkWritable(regno: number): void {
  if (regno === 10) reject('frame pointer is read only');
}

export function setReg(env: Env, regno: number, r: Reg): void {
  curFrame(env.cur).regs[regno] = r;
  env.scratched |= 1 << regno;
}

/**
 * Links source and destination of a scalar move by a fresh id. The source register object may be
 * shared with other states, so the frame gets a new object carrying the id; returns the source as it
 * now is.
 */
export function assignIdBeforeMov(env: Env, regno: number, src: Reg): Reg {
  if (src.type !== 'scalar' || src.id || isConst(src.var)) return src;
  const r = ownReg(curFrame(env.cur), regno);
  r.id = newId(env);
  return r;
}

export function checkAlu(env: Env, insn: AluInsn): void {
  const { dst, op, is64 } = insn;
  if (op === 'mov') {
    if (insn.useReg) {
      let src = readReg(env, insn.src);
      checkWritable(dst);
      if (is64) {
        src = assignIdBeforeMov(env, insn.src, src);
        setReg(env, dst, cloneReg(src));
      } else {
        let r: Reg;
        if (src.type === 'scalar') {
          const u32 = regWidth(src) <= 32;
          if (u32) src = assignIdBeforeMov(env, insn.src, src);
          r = cloneReg(src);
          if (!u32) r.id = 0;
        } else {
          if (!env.privileged) reject(`R${insn.src} partial copy of pointer`);
          r = unknownScalar();
        }
        zext32(r);
        syncBounds(r);
        setReg(env, dst, r);
      }
    } else {
      checkWritable(dst);
      setReg(env, dst, constScalar(is64 ? BigInt(insn.imm) : BigInt(insn.imm >>> 0)));
    }
    return;
  }
  if (op === 'neg') {
    const d = readReg(env, dst);
    checkWritable(dst);
    if (d.type === 'scalar') {
      const r = cloneReg(d);
      r.id = 0;
      aluScalar('neg', r, r, is64);
      setReg(env, dst, r);
    } else {
      if (!env.privileged) reject(`R${dst} pointer arithmetic prohibited`);
      setReg(env, dst, unknownScalar());
    }
    return;
  }
  let src: Reg;
  if (insn.useReg) src = readReg(env, insn.src);
  else src = immScalar(insn.imm);
  const d = readReg(env, dst);
  if ((op === 'mod' || op === 'div' || op === 'sdiv' || op === 'smod') && !insn.useReg && insn.imm === 0) reject('div by zero');
  if ((op === 'lsh' || op === 'rsh' || op === 'arsh') && !insn.useReg) {
    const size = is64 ? 64 : 32;
    if (insn.imm < 0 || insn.imm >= size) reject(`invalid shift ${insn.imm}`);
  }
  checkWritable(dst);
  if (insn.useReg && isPointer(src)) {
    if (isPointer(d)) {
      if (op === 'sub' && env.privileged) { setReg(env, dst, unknownScalar()); return; }
      reject(`R${dst} pointer ${opText(op)} pointer prohibited`);
    }
    setReg(env, dst, adjustPtr(env, op, is64, dst, src, d, true));
    return;
  }
  if (isPointer(d)) {
    setReg(env, dst, adjustPtr(env, op, is64, dst, d, src, false));
    return;
  }
  const r: Reg = cloneReg(d);
  r.id = 0;
  aluScalar(op === 'sdiv' || op === 'smod' ? op : op, r, src, is64);
  setReg(env, dst, r);
}

function opText(op: string): string {
  const names: { [k: string]: string } = { add: '+=', sub: '-=', mul: '*=', div: '/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=', mod: '%=', xor: '^=', arsh: 's>>=' };
  return names[op] ?? op;
}

export function checkMovsx(env: Env, insn: MovsxInsn): void {
  let src = readReg(env, insn.src);
  checkWritable(insn.dst);
  if (src.type !== 'scalar') {
    if (!env.privileged) reject(`R${insn.src} sign-extension part of pointer`);
    const r = unknownScalar();
    if (!insn.is64) zext32(r);
    setReg(env, insn.dst, r);
    return;
  }
  const noSext = src.umax < 1n << BigInt(insn.bits - 1);
  if (noSext) src = assignIdBeforeMov(env, insn.src, src);
  const r: Reg = cloneReg(src);
  if (!noSext) r.id = 0;
  if (insn.is64) signExtend(r, insn.bits / 8);
  else {
    signExtend(r, insn.bits / 8, true);
    syncBounds(r);
  }
  setReg(env, insn.dst, r);
}

function swapBytes(v: bigint, bytes: number): bigint {
  let out = 0n;
  for (let i = 0; i < bytes; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

export function checkEndian(env: Env, insn: EndianInsn): void {
  const d = readReg(env, insn.dst);
  checkWritable(insn.dst);
  if (d.type !== 'scalar' && !env.privileged) reject(`R${insn.dst} pointer arithmetic prohibited`);
  const r = unknownScalar();
  if (d.type === 'scalar') {
    // The kernel tracks byte swaps on the tnum: `le` on a little-endian host truncates, `be` and
    // `bswap` also reverse the bytes of the low `bits` bits.
    const bytes = insn.bits / 8;
    const v = tcast(d.var, bytes);
    r.var = insn.order === 'le' ? v : { value: swapBytes(v.value, bytes), mask: swapBytes(v.mask, bytes) };
    syncBounds(r);
  }
  setReg(env, insn.dst, r);
}
