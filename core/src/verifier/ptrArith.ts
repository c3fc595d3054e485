/**
 * Pointer arithmetic (the kernel's adjust_ptr_min_max_vals): which pointer types may be moved, the
 * fixed offset a constant accumulates into, the variable offset a scalar adds, and the messages for
 * everything refused (null pointers, stack subtraction, bitwise operators, out-of-range offsets).
 */
import type { Env } from './env';
import { newId } from './env';
import { demandRegPrecision } from './callbackPrecision';
import { Reg, typeName, unknownScalar, isPktPointer, cloneReg } from './regState';
import { reject } from './errors';
import { Bounds, syncBounds, mark32Unbounded, S64_MIN, S64_MAX } from './scalar';
import { U64, isConst, tadd, tsub } from './tnum';

const MAX_VAR_OFF = 1n << 29n;

const ALU_NAME: { [op: string]: string } = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', sdiv: 's/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=',
  neg: 'neg', mod: '%=', smod: 's%=', xor: '^=', mov: '=', arsh: 's>>=',
};

export function aluOpName(op: string): string {
  return ALU_NAME[op] ?? op;
}

function saneOffset(reg: Bounds & { off: number }, ptr: Reg, fixedOff = reg.off): void {
  const known = isConst(reg.var);
  const val = BigInt.asIntN(64, reg.var.value);
  if (known && (val >= MAX_VAR_OFF || val <= -MAX_VAR_OFF)) reject(`math between ${typeName(ptr)} pointer and ${val} is not allowed`);
  if (fixedOff >= Number(MAX_VAR_OFF) || fixedOff <= -Number(MAX_VAR_OFF)) reject(`${typeName(ptr)} pointer offset ${fixedOff} is not allowed`);
  if (reg.smin === S64_MIN) reject(`math between ${typeName(ptr)} pointer and register with unbounded min value is not allowed`);
  if (reg.smin >= MAX_VAR_OFF || reg.smin <= -MAX_VAR_OFF) reject(`value ${reg.smin} makes ${typeName(ptr)} pointer be out of bounds`);
}

/**
 * `dst op= src` where one side is a pointer and the other a scalar. `ptr` and `offReg` are the two
 * operands; the result replaces the destination register and is returned.
 */
export function adjustPtr(env: Env, op: string, is64: boolean, dstno: number, ptr: Reg, offReg: Reg, dstIsOff: boolean): Reg {
  const known = isConst(offReg.var);
  const sminV = offReg.smin, smaxV = offReg.smax, uminV = offReg.umin, umaxV = offReg.umax;
  if ((known && (sminV !== smaxV || uminV !== umaxV)) || sminV > smaxV || uminV > umaxV) return unknownScalar();
  if (!is64) {
    if (op === 'sub' && env.privileged) return unknownScalar();
    reject(`R${dstno} 32-bit pointer arithmetic prohibited`);
  }
  if (ptr.maybeNull) reject(`R${dstno} pointer arithmetic on ${typeName(ptr)} prohibited, null-check it first`);
  switch (ptr.type) {
    case 'ctx': case 'map_value': case 'map_key': case 'fp': case 'pkt_meta': case 'pkt': case 'btf_id': case 'mem': case 'func':
      break;
    case 'flow_keys':
      if (known) break;
      reject(`R${dstno} pointer arithmetic on ${typeName(ptr)} prohibited`);
      break;
    case 'map_ptr':
      if (known && sminV === 0n && op === 'add') break;
      reject(`R${dstno} pointer arithmetic on ${typeName(ptr)} prohibited`);
      break;
    default:
      reject(`R${dstno} pointer arithmetic on ${typeName(ptr)} prohibited`);
  }
  const dst: Reg = cloneReg(ptr);
  // The scalar operand must be exact; the instruction says which register holds it.
  const insn = env.insns[env.insnIdx];
  demandRegPrecision(env, insn?.kind === 'alu' && insn.useReg ? (dstIsOff ? insn.dst : insn.src) : -1);
  saneOffset(offReg, ptr, 0);
  saneOffset(ptr, ptr);
  mark32Unbounded(dst);
  switch (op) {
    case 'add': {
      const sum = ptr.off + Number(sminV);
      if (known && sum === (sum | 0)) {
        dst.off = sum;
        break;
      }
      addRange(dst, ptr, offReg);
      dst.var = tadd(ptr.var, offReg.var);
      if (isPktPointer(ptr)) { dst.id = newId(env); dst.range = 0; }
      break;
    }
    case 'sub': {
      if (dstIsOff) reject(`R${dstno} tried to subtract pointer from scalar`);
      if (ptr.type === 'fp') reject(`R${dstno} subtraction from stack pointer prohibited`);
      const diff = ptr.off - Number(sminV);
      if (known && diff === (diff | 0)) {
        dst.off = diff;
        break;
      }
      const a = ptr.smin - smaxV, b = ptr.smax - sminV;
      if (a < S64_MIN || a > S64_MAX || b < S64_MIN || b > S64_MAX) { dst.smin = S64_MIN; dst.smax = S64_MAX; } else { dst.smin = a; dst.smax = b; }
      if (ptr.umin < umaxV) { dst.umin = 0n; dst.umax = U64; } else { dst.umin = ptr.umin - umaxV; dst.umax = ptr.umax - uminV; }
      dst.var = tsub(ptr.var, offReg.var);
      if (isPktPointer(ptr)) { dst.id = newId(env); if (sminV < 0n) dst.range = 0; }
      break;
    }
    case 'and': case 'or': case 'xor':
      reject(`R${dstno} bitwise operator ${aluOpName(op)} on pointer prohibited`);
      break;
    default:
      reject(`R${dstno} pointer arithmetic with ${aluOpName(op)} operator prohibited`);
  }
  saneOffset(dst, ptr);
  syncBounds(dst);
  return dst;
}

function addRange(dst: Reg, ptr: Reg, off: Reg): void {
  const a = ptr.smin + off.smin, b = ptr.smax + off.smax;
  if (a < S64_MIN || a > S64_MAX || b < S64_MIN || b > S64_MAX) { dst.smin = S64_MIN; dst.smax = S64_MAX; } else { dst.smin = a; dst.smax = b; }
  const c = ptr.umin + off.umin, d = ptr.umax + off.umax;
  if (c > U64 || d > U64) { dst.umin = 0n; dst.umax = U64; } else { dst.umin = c; dst.umax = d; }
}
