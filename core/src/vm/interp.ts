/**
 * The stepping interpreter: one `switch` over the pre-decoded operation of each slot, registers kept
 * as 32-bit halves in the machine's Int32Arrays, no BigInt and no allocation on the hot path. It runs
 * until the program ends, a fault, a breakpoint, the step budget the debugger asked for, or (for a
 * nested callback) until the frame it started in returns. Both tiers leave the machine in the same
 * state, so a run can be inspected the same way whichever tier ran it.
 */
import { Op } from './code';
import { type Machine } from './machine';
import {
  W, mul64, udiv64, umod64, sdiv64, smod64, udiv32, umod32, sdiv32, smod32,
  lsh64, rsh64, arsh64, bswap16, bswap32, ult64, slt64,
} from './alu64';
import { VmFault, asFault } from './fault';
import { atomic32, atomic64, ldAbs, outsideProgram } from './ops';
import { FUNC_TAG } from './memory';

export type StopReason = 'exit' | 'fault' | 'breakpoint' | 'budget' | 'return';

export interface InterpOptions {
  /** Stop after this many more instructions (the debugger's step). */
  budget?: number;
  /** Slots to stop at before executing them (ignored for the first instruction of the call). */
  breakpoints?: Uint8Array;
}

/**
 * Runs from m.pc. `stopDepth` is the frame depth whose exit ends this call: 0 for the program, the
 * callback's own depth for a nested call from a helper.
 */
export function interpret(m: Machine, stopDepth = 0, opts?: InterpOptions): StopReason {
  const L = m.L, H = m.H, mem = m.mem;
  let code = m.code;
  let word = code.word, off = code.off, imm = code.imm, immHi = code.immHi;
  let pc = m.pc;
  let n = m.count;
  const limit = m.limit;
  const until = opts?.budget !== undefined ? Math.min(limit, n + opts.budget) : limit;
  const bp = opts?.breakpoints;
  const first = n;
  try {
    for (;;) {
      if (n >= until) {
        m.pc = pc; m.count = n;
        if (n >= limit) { m.fault = new VmFault('insn-limit', pc, `instruction limit of ${limit} reached`); return 'fault'; }
        return 'budget';
      }
      if (bp !== undefined && bp[pc] === 1 && n !== first) { m.pc = pc; m.count = n; return 'breakpoint'; }
      n++;
      const w = word[pc]!;
      switch (w & 0xff) {
        // ---- 64-bit arithmetic -------------------------------------------------------------
        case Op.ADD64_IMM: { const d = ((w >>> 8) & 15), a = L[d]!, r = (a + imm[pc]!) | 0; H[d] = (H[d]! + immHi[pc]! + ((r >>> 0) < (a >>> 0) ? 1 : 0)) | 0; L[d] = r; pc++; break; }
        case Op.ADD64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15), a = L[d]!, r = (a + L[s]!) | 0; H[d] = (H[d]! + H[s]! + ((r >>> 0) < (a >>> 0) ? 1 : 0)) | 0; L[d] = r; pc++; break; }
        case Op.SUB64_IMM: { const d = ((w >>> 8) & 15), a = L[d]!, b = imm[pc]!; H[d] = (H[d]! - immHi[pc]! - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0; L[d] = (a - b) | 0; pc++; break; }
        case Op.SUB64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15), a = L[d]!, b = L[s]!; H[d] = (H[d]! - H[s]! - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0; L[d] = (a - b) | 0; pc++; break; }
        case Op.MUL64_IMM: { const d = ((w >>> 8) & 15); L[d] = mul64(L[d]!, H[d]!, imm[pc]!, immHi[pc]!); H[d] = W.hi; pc++; break; }
        case Op.MUL64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); L[d] = mul64(L[d]!, H[d]!, L[s]!, H[s]!); H[d] = W.hi; pc++; break; }
        case Op.DIV64_IMM: { const d = ((w >>> 8) & 15); L[d] = udiv64(L[d]!, H[d]!, imm[pc]!, immHi[pc]!); H[d] = W.hi; pc++; break; }
        case Op.DIV64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); L[d] = udiv64(L[d]!, H[d]!, L[s]!, H[s]!); H[d] = W.hi; pc++; break; }
        case Op.SDIV64_IMM: { const d = ((w >>> 8) & 15); L[d] = sdiv64(L[d]!, H[d]!, imm[pc]!, immHi[pc]!); H[d] = W.hi; pc++; break; }
        case Op.SDIV64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); L[d] = sdiv64(L[d]!, H[d]!, L[s]!, H[s]!); H[d] = W.hi; pc++; break; }
        case Op.OR64_IMM: { const d = ((w >>> 8) & 15); L[d] = L[d]! | imm[pc]!; H[d] = H[d]! | immHi[pc]!; pc++; break; }
        case Op.OR64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); L[d] = L[d]! | L[s]!; H[d] = H[d]! | H[s]!; pc++; break; }
        case Op.AND64_IMM: { const d = ((w >>> 8) & 15); L[d] = L[d]! & imm[pc]!; H[d] = H[d]! & immHi[pc]!; pc++; break; }
        case Op.AND64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); L[d] = L[d]! & L[s]!; H[d] = H[d]! & H[s]!; pc++; break; }
        case Op.LSH64_IMM: { const d = ((w >>> 8) & 15); L[d] = lsh64(L[d]!, H[d]!, imm[pc]! & 63); H[d] = W.hi; pc++; break; }
        case Op.LSH64_REG: { const d = ((w >>> 8) & 15); L[d] = lsh64(L[d]!, H[d]!, L[((w >>> 12) & 15)]! & 63); H[d] = W.hi; pc++; break; }
        case Op.RSH64_IMM: { const d = ((w >>> 8) & 15); L[d] = rsh64(L[d]!, H[d]!, imm[pc]! & 63); H[d] = W.hi; pc++; break; }
        case Op.RSH64_REG: { const d = ((w >>> 8) & 15); L[d] = rsh64(L[d]!, H[d]!, L[((w >>> 12) & 15)]! & 63); H[d] = W.hi; pc++; break; }
        case Op.MOD64_IMM: { const d = ((w >>> 8) & 15); L[d] = umod64(L[d]!, H[d]!, imm[pc]!, immHi[pc]!); H[d] = W.hi; pc++; break; }
        case Op.MOD64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); L[d] = umod64(L[d]!, H[d]!, L[s]!, H[s]!); H[d] = W.hi; pc++; break; }
        case Op.SMOD64_IMM: { const d = ((w >>> 8) & 15); L[d] = smod64(L[d]!, H[d]!, imm[pc]!, immHi[pc]!); H[d] = W.hi; pc++; break; }
        case Op.SMOD64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); L[d] = smod64(L[d]!, H[d]!, L[s]!, H[s]!); H[d] = W.hi; pc++; break; }
        case Op.XOR64_IMM: { const d = ((w >>> 8) & 15); L[d] = L[d]! ^ imm[pc]!; H[d] = H[d]! ^ immHi[pc]!; pc++; break; }
        case Op.XOR64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); L[d] = L[d]! ^ L[s]!; H[d] = H[d]! ^ H[s]!; pc++; break; }
        case Op.MOV64_IMM: { const d = ((w >>> 8) & 15); L[d] = imm[pc]!; H[d] = immHi[pc]!; pc++; break; }
        case Op.MOV64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); L[d] = L[s]!; H[d] = H[s]!; pc++; break; }
        case Op.ARSH64_IMM: { const d = ((w >>> 8) & 15); L[d] = arsh64(L[d]!, H[d]!, imm[pc]! & 63); H[d] = W.hi; pc++; break; }
        case Op.ARSH64_REG: { const d = ((w >>> 8) & 15); L[d] = arsh64(L[d]!, H[d]!, L[((w >>> 12) & 15)]! & 63); H[d] = W.hi; pc++; break; }
        case Op.NEG64: { const d = ((w >>> 8) & 15), a = L[d]!; L[d] = -a | 0; H[d] = (~H[d]! + (a === 0 ? 1 : 0)) | 0; pc++; break; }
        // ---- 32-bit arithmetic: results zero-extended --------------------------------------
        case Op.ADD32_IMM: { const d = ((w >>> 8) & 15); L[d] = (L[d]! + imm[pc]!) | 0; H[d] = 0; pc++; break; }
        case Op.ADD32_REG: { const d = ((w >>> 8) & 15); L[d] = (L[d]! + L[((w >>> 12) & 15)]!) | 0; H[d] = 0; pc++; break; }
        case Op.SUB32_IMM: { const d = ((w >>> 8) & 15); L[d] = (L[d]! - imm[pc]!) | 0; H[d] = 0; pc++; break; }
        case Op.SUB32_REG: { const d = ((w >>> 8) & 15); L[d] = (L[d]! - L[((w >>> 12) & 15)]!) | 0; H[d] = 0; pc++; break; }
        case Op.MUL32_IMM: { const d = ((w >>> 8) & 15); L[d] = Math.imul(L[d]!, imm[pc]!); H[d] = 0; pc++; break; }
        case Op.MUL32_REG: { const d = ((w >>> 8) & 15); L[d] = Math.imul(L[d]!, L[((w >>> 12) & 15)]!); H[d] = 0; pc++; break; }
        case Op.DIV32_IMM: { const d = ((w >>> 8) & 15); L[d] = udiv32(L[d]!, imm[pc]!); H[d] = 0; pc++; break; }
        case Op.DIV32_REG: { const d = ((w >>> 8) & 15); L[d] = udiv32(L[d]!, L[((w >>> 12) & 15)]!); H[d] = 0; pc++; break; }
        case Op.SDIV32_IMM: { const d = ((w >>> 8) & 15); L[d] = sdiv32(L[d]!, imm[pc]!); H[d] = 0; pc++; break; }
        case Op.SDIV32_REG: { const d = ((w >>> 8) & 15); L[d] = sdiv32(L[d]!, L[((w >>> 12) & 15)]!); H[d] = 0; pc++; break; }
        case Op.OR32_IMM: { const d = ((w >>> 8) & 15); L[d] = L[d]! | imm[pc]!; H[d] = 0; pc++; break; }
        case Op.OR32_REG: { const d = ((w >>> 8) & 15); L[d] = L[d]! | L[((w >>> 12) & 15)]!; H[d] = 0; pc++; break; }
        case Op.AND32_IMM: { const d = ((w >>> 8) & 15); L[d] = L[d]! & imm[pc]!; H[d] = 0; pc++; break; }
        case Op.AND32_REG: { const d = ((w >>> 8) & 15); L[d] = L[d]! & L[((w >>> 12) & 15)]!; H[d] = 0; pc++; break; }
        case Op.LSH32_IMM: { const d = ((w >>> 8) & 15); L[d] = L[d]! << (imm[pc]! & 31); H[d] = 0; pc++; break; }
        case Op.LSH32_REG: { const d = ((w >>> 8) & 15); L[d] = L[d]! << (L[((w >>> 12) & 15)]! & 31); H[d] = 0; pc++; break; }
        case Op.RSH32_IMM: { const d = ((w >>> 8) & 15); L[d] = (L[d]! >>> (imm[pc]! & 31)) | 0; H[d] = 0; pc++; break; }
        case Op.RSH32_REG: { const d = ((w >>> 8) & 15); L[d] = (L[d]! >>> (L[((w >>> 12) & 15)]! & 31)) | 0; H[d] = 0; pc++; break; }
        case Op.MOD32_IMM: { const d = ((w >>> 8) & 15); L[d] = umod32(L[d]!, imm[pc]!); H[d] = 0; pc++; break; }
        case Op.MOD32_REG: { const d = ((w >>> 8) & 15); L[d] = umod32(L[d]!, L[((w >>> 12) & 15)]!); H[d] = 0; pc++; break; }
        case Op.SMOD32_IMM: { const d = ((w >>> 8) & 15); L[d] = smod32(L[d]!, imm[pc]!); H[d] = 0; pc++; break; }
        case Op.SMOD32_REG: { const d = ((w >>> 8) & 15); L[d] = smod32(L[d]!, L[((w >>> 12) & 15)]!); H[d] = 0; pc++; break; }
        case Op.XOR32_IMM: { const d = ((w >>> 8) & 15); L[d] = L[d]! ^ imm[pc]!; H[d] = 0; pc++; break; }
        case Op.XOR32_REG: { const d = ((w >>> 8) & 15); L[d] = L[d]! ^ L[((w >>> 12) & 15)]!; H[d] = 0; pc++; break; }
        case Op.MOV32_IMM: { const d = ((w >>> 8) & 15); L[d] = imm[pc]!; H[d] = 0; pc++; break; }
        case Op.MOV32_REG: { const d = ((w >>> 8) & 15); L[d] = L[((w >>> 12) & 15)]!; H[d] = 0; pc++; break; }
        case Op.ARSH32_IMM: { const d = ((w >>> 8) & 15); L[d] = L[d]! >> (imm[pc]! & 31); H[d] = 0; pc++; break; }
        case Op.ARSH32_REG: { const d = ((w >>> 8) & 15); L[d] = L[d]! >> (L[((w >>> 12) & 15)]! & 31); H[d] = 0; pc++; break; }
        case Op.NEG32: { const d = ((w >>> 8) & 15); L[d] = -L[d]! | 0; H[d] = 0; pc++; break; }
        case Op.MOVSX64_8: { const d = ((w >>> 8) & 15), v = (L[((w >>> 12) & 15)]! << 24) >> 24; L[d] = v; H[d] = v >> 31; pc++; break; }
        case Op.MOVSX64_16: { const d = ((w >>> 8) & 15), v = (L[((w >>> 12) & 15)]! << 16) >> 16; L[d] = v; H[d] = v >> 31; pc++; break; }
        case Op.MOVSX64_32: { const d = ((w >>> 8) & 15), v = L[((w >>> 12) & 15)]!; L[d] = v; H[d] = v >> 31; pc++; break; }
        case Op.MOVSX32_8: { const d = ((w >>> 8) & 15); L[d] = (L[((w >>> 12) & 15)]! << 24) >> 24; H[d] = 0; pc++; break; }
        case Op.MOVSX32_16: { const d = ((w >>> 8) & 15); L[d] = (L[((w >>> 12) & 15)]! << 16) >> 16; H[d] = 0; pc++; break; }
        case Op.ASC: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); L[d] = L[s]!; H[d] = H[s]!; pc++; break; }
        case Op.LE16: { const d = ((w >>> 8) & 15); L[d] = L[d]! & 0xffff; H[d] = 0; pc++; break; }
        case Op.LE32: { H[((w >>> 8) & 15)] = 0; pc++; break; }
        case Op.LE64: { pc++; break; }
        case Op.BE16: { const d = ((w >>> 8) & 15); L[d] = bswap16(L[d]!); H[d] = 0; pc++; break; }
        case Op.BE32: { const d = ((w >>> 8) & 15); L[d] = bswap32(L[d]!); H[d] = 0; pc++; break; }
        case Op.BE64: { const d = ((w >>> 8) & 15), lo = L[d]!; L[d] = bswap32(H[d]!); H[d] = bswap32(lo); pc++; break; }
        // ---- memory ------------------------------------------------------------------------
        case Op.LDXB: { const s = ((w >>> 12) & 15), d = ((w >>> 8) & 15); L[d] = mem.load(L[s]!, H[s]!, (w >> 16), 1, pc); H[d] = 0; pc++; break; }
        case Op.LDXH: { const s = ((w >>> 12) & 15), d = ((w >>> 8) & 15); L[d] = mem.load(L[s]!, H[s]!, (w >> 16), 2, pc); H[d] = 0; pc++; break; }
        case Op.LDXW: { const s = ((w >>> 12) & 15), d = ((w >>> 8) & 15); L[d] = mem.load(L[s]!, H[s]!, (w >> 16), 4, pc); H[d] = W.hi; pc++; break; }
        case Op.LDXDW: { const s = ((w >>> 12) & 15), d = ((w >>> 8) & 15); L[d] = mem.load(L[s]!, H[s]!, (w >> 16), 8, pc); H[d] = W.hi; pc++; break; }
        case Op.LDXSB: { const s = ((w >>> 12) & 15), d = ((w >>> 8) & 15), v = (mem.load(L[s]!, H[s]!, (w >> 16), 1, pc) << 24) >> 24; L[d] = v; H[d] = v >> 31; pc++; break; }
        case Op.LDXSH: { const s = ((w >>> 12) & 15), d = ((w >>> 8) & 15), v = (mem.load(L[s]!, H[s]!, (w >> 16), 2, pc) << 16) >> 16; L[d] = v; H[d] = v >> 31; pc++; break; }
        case Op.LDXSW: { const s = ((w >>> 12) & 15), d = ((w >>> 8) & 15), v = mem.load(L[s]!, H[s]!, (w >> 16), 4, pc); L[d] = v; H[d] = W.hi !== 0 ? W.hi : v >> 31; pc++; break; }
        case Op.STB: { const d = ((w >>> 8) & 15); mem.store(L[d]!, H[d]!, (w >> 16), 1, imm[pc]!, 0, pc); pc++; break; }
        case Op.STH: { const d = ((w >>> 8) & 15); mem.store(L[d]!, H[d]!, (w >> 16), 2, imm[pc]!, 0, pc); pc++; break; }
        case Op.STW: { const d = ((w >>> 8) & 15); mem.store(L[d]!, H[d]!, (w >> 16), 4, imm[pc]!, 0, pc); pc++; break; }
        case Op.STDW: { const d = ((w >>> 8) & 15); mem.store(L[d]!, H[d]!, (w >> 16), 8, imm[pc]!, immHi[pc]!, pc); pc++; break; }
        case Op.STXB: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); mem.store(L[d]!, H[d]!, (w >> 16), 1, L[s]!, 0, pc); pc++; break; }
        case Op.STXH: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); mem.store(L[d]!, H[d]!, (w >> 16), 2, L[s]!, 0, pc); pc++; break; }
        case Op.STXW: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); mem.store(L[d]!, H[d]!, (w >> 16), 4, L[s]!, 0, pc); pc++; break; }
        case Op.STXDW: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); mem.store(L[d]!, H[d]!, (w >> 16), 8, L[s]!, H[s]!, pc); pc++; break; }
        case Op.ATOMIC_ADD_W: case Op.ATOMIC_FETCH_ADD_W: case Op.ATOMIC_OR_W: case Op.ATOMIC_FETCH_OR_W:
        case Op.ATOMIC_AND_W: case Op.ATOMIC_FETCH_AND_W: case Op.ATOMIC_XOR_W: case Op.ATOMIC_FETCH_XOR_W:
        case Op.ATOMIC_XCHG_W: case Op.ATOMIC_CMPXCHG_W:
          atomic32(m, (w & 0xff) - Op.ATOMIC_ADD_W, ((w >>> 8) & 15), ((w >>> 12) & 15), (w >> 16), pc); pc++; break;
        case Op.ATOMIC_ADD_DW: case Op.ATOMIC_FETCH_ADD_DW: case Op.ATOMIC_OR_DW: case Op.ATOMIC_FETCH_OR_DW:
        case Op.ATOMIC_AND_DW: case Op.ATOMIC_FETCH_AND_DW: case Op.ATOMIC_XOR_DW: case Op.ATOMIC_FETCH_XOR_DW:
        case Op.ATOMIC_XCHG_DW: case Op.ATOMIC_CMPXCHG_DW:
          atomic64(m, (w & 0xff) - Op.ATOMIC_ADD_DW, ((w >>> 8) & 15), ((w >>> 12) & 15), (w >> 16), pc); pc++; break;
        case Op.LDIMM64: { const d = ((w >>> 8) & 15); L[d] = imm[pc]!; H[d] = immHi[pc]!; pc += 2; break; }
        case Op.LDABSB: case Op.LDABSH: case Op.LDABSW: case Op.LDINDB: case Op.LDINDH: case Op.LDINDW: {
          const o = w & 0xff;
          const ind = o >= Op.LDINDB;
          const size = [1, 2, 4][(o - (ind ? Op.LDINDB : Op.LDABSB))]!;
          const at = ind ? (L[((w >>> 12) & 15)]! + imm[pc]!) | 0 : imm[pc]!;
          if (!ldAbs(m, at, size, pc)) { m.pc = pc; m.count = n; m.finished = true; return 'exit'; }
          pc++; break;
        }
        // ---- jumps -------------------------------------------------------------------------
        case Op.JA: pc += off[pc]! + 1; break; // gotol's target does not fit the packed word
        case Op.JEQ64_IMM: { const d = ((w >>> 8) & 15); pc += L[d] === imm[pc] && H[d] === immHi[pc] ? (w >> 16) + 1 : 1; break; }
        case Op.JEQ64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); pc += L[d] === L[s] && H[d] === H[s] ? (w >> 16) + 1 : 1; break; }
        case Op.JNE64_IMM: { const d = ((w >>> 8) & 15); pc += L[d] !== imm[pc] || H[d] !== immHi[pc] ? (w >> 16) + 1 : 1; break; }
        case Op.JNE64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); pc += L[d] !== L[s] || H[d] !== H[s] ? (w >> 16) + 1 : 1; break; }
        case Op.JSET64_IMM: { const d = ((w >>> 8) & 15); pc += (L[d]! & imm[pc]!) !== 0 || (H[d]! & immHi[pc]!) !== 0 ? (w >> 16) + 1 : 1; break; }
        case Op.JSET64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); pc += (L[d]! & L[s]!) !== 0 || (H[d]! & H[s]!) !== 0 ? (w >> 16) + 1 : 1; break; }
        case Op.JGT64_IMM: { const d = ((w >>> 8) & 15); pc += ult64(imm[pc]!, immHi[pc]!, L[d]!, H[d]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JGT64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); pc += ult64(L[s]!, H[s]!, L[d]!, H[d]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JGE64_IMM: { const d = ((w >>> 8) & 15); pc += !ult64(L[d]!, H[d]!, imm[pc]!, immHi[pc]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JGE64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); pc += !ult64(L[d]!, H[d]!, L[s]!, H[s]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JLT64_IMM: { const d = ((w >>> 8) & 15); pc += ult64(L[d]!, H[d]!, imm[pc]!, immHi[pc]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JLT64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); pc += ult64(L[d]!, H[d]!, L[s]!, H[s]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JLE64_IMM: { const d = ((w >>> 8) & 15); pc += !ult64(imm[pc]!, immHi[pc]!, L[d]!, H[d]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JLE64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); pc += !ult64(L[s]!, H[s]!, L[d]!, H[d]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JSGT64_IMM: { const d = ((w >>> 8) & 15); pc += slt64(imm[pc]!, immHi[pc]!, L[d]!, H[d]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JSGT64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); pc += slt64(L[s]!, H[s]!, L[d]!, H[d]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JSGE64_IMM: { const d = ((w >>> 8) & 15); pc += !slt64(L[d]!, H[d]!, imm[pc]!, immHi[pc]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JSGE64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); pc += !slt64(L[d]!, H[d]!, L[s]!, H[s]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JSLT64_IMM: { const d = ((w >>> 8) & 15); pc += slt64(L[d]!, H[d]!, imm[pc]!, immHi[pc]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JSLT64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); pc += slt64(L[d]!, H[d]!, L[s]!, H[s]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JSLE64_IMM: { const d = ((w >>> 8) & 15); pc += !slt64(imm[pc]!, immHi[pc]!, L[d]!, H[d]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JSLE64_REG: { const d = ((w >>> 8) & 15), s = ((w >>> 12) & 15); pc += !slt64(L[s]!, H[s]!, L[d]!, H[d]!) ? (w >> 16) + 1 : 1; break; }
        case Op.JEQ32_IMM: { pc += L[((w >>> 8) & 15)] === imm[pc] ? (w >> 16) + 1 : 1; break; }
        case Op.JEQ32_REG: { pc += L[((w >>> 8) & 15)] === L[((w >>> 12) & 15)] ? (w >> 16) + 1 : 1; break; }
        case Op.JNE32_IMM: { pc += L[((w >>> 8) & 15)] !== imm[pc] ? (w >> 16) + 1 : 1; break; }
        case Op.JNE32_REG: { pc += L[((w >>> 8) & 15)] !== L[((w >>> 12) & 15)] ? (w >> 16) + 1 : 1; break; }
        case Op.JSET32_IMM: { pc += (L[((w >>> 8) & 15)]! & imm[pc]!) !== 0 ? (w >> 16) + 1 : 1; break; }
        case Op.JSET32_REG: { pc += (L[((w >>> 8) & 15)]! & L[((w >>> 12) & 15)]!) !== 0 ? (w >> 16) + 1 : 1; break; }
        case Op.JGT32_IMM: { pc += (L[((w >>> 8) & 15)]! >>> 0) > (imm[pc]! >>> 0) ? (w >> 16) + 1 : 1; break; }
        case Op.JGT32_REG: { pc += (L[((w >>> 8) & 15)]! >>> 0) > (L[((w >>> 12) & 15)]! >>> 0) ? (w >> 16) + 1 : 1; break; }
        case Op.JGE32_IMM: { pc += (L[((w >>> 8) & 15)]! >>> 0) >= (imm[pc]! >>> 0) ? (w >> 16) + 1 : 1; break; }
        case Op.JGE32_REG: { pc += (L[((w >>> 8) & 15)]! >>> 0) >= (L[((w >>> 12) & 15)]! >>> 0) ? (w >> 16) + 1 : 1; break; }
        case Op.JLT32_IMM: { pc += (L[((w >>> 8) & 15)]! >>> 0) < (imm[pc]! >>> 0) ? (w >> 16) + 1 : 1; break; }
        case Op.JLT32_REG: { pc += (L[((w >>> 8) & 15)]! >>> 0) < (L[((w >>> 12) & 15)]! >>> 0) ? (w >> 16) + 1 : 1; break; }
        case Op.JLE32_IMM: { pc += (L[((w >>> 8) & 15)]! >>> 0) <= (imm[pc]! >>> 0) ? (w >> 16) + 1 : 1; break; }
        case Op.JLE32_REG: { pc += (L[((w >>> 8) & 15)]! >>> 0) <= (L[((w >>> 12) & 15)]! >>> 0) ? (w >> 16) + 1 : 1; break; }
        case Op.JSGT32_IMM: { pc += L[((w >>> 8) & 15)]! > imm[pc]! ? (w >> 16) + 1 : 1; break; }
        case Op.JSGT32_REG: { pc += L[((w >>> 8) & 15)]! > L[((w >>> 12) & 15)]! ? (w >> 16) + 1 : 1; break; }
        case Op.JSGE32_IMM: { pc += L[((w >>> 8) & 15)]! >= imm[pc]! ? (w >> 16) + 1 : 1; break; }
        case Op.JSGE32_REG: { pc += L[((w >>> 8) & 15)]! >= L[((w >>> 12) & 15)]! ? (w >> 16) + 1 : 1; break; }
        case Op.JSLT32_IMM: { pc += L[((w >>> 8) & 15)]! < imm[pc]! ? (w >> 16) + 1 : 1; break; }
        case Op.JSLT32_REG: { pc += L[((w >>> 8) & 15)]! < L[((w >>> 12) & 15)]! ? (w >> 16) + 1 : 1; break; }
        case Op.JSLE32_IMM: { pc += L[((w >>> 8) & 15)]! <= imm[pc]! ? (w >> 16) + 1 : 1; break; }
        case Op.JSLE32_REG: { pc += L[((w >>> 8) & 15)]! <= L[((w >>> 12) & 15)]! ? (w >> 16) + 1 : 1; break; }
        case Op.MAY_GOTO: { if (m.mayGoto > 0) { m.mayGoto--; pc++; } else pc += (w >> 16) + 1; break; }
        // ---- calls -------------------------------------------------------------------------
        case Op.CALL_HELPER: {
          m.pc = pc; m.count = n;
          const before = m.code;
          const helpers = m.helpers;
          if (helpers === undefined) throw new VmFault('unknown-helper', pc, `helper #${imm[pc]} called, but no helpers are available`);
          helpers.call(m, imm[pc]!, pc);
          n = m.count;
          if (m.code !== before || m.tailCallPending) {
            m.tailCallPending = false;
            // A tail call replaced the program: continue at its first slot.
            code = m.code; word = code.word; off = code.off; imm = code.imm; immHi = code.immHi;
            pc = 0;
          } else pc++;
          break;
        }
        case Op.CALL_LOCAL: m.pushFrame(pc + 1, pc); pc += imm[pc]! + 1; break;
        case Op.CALLX: {
          const d = ((w >>> 8) & 15);
          if (H[d] !== FUNC_TAG && H[d] === 0) {
            // A plain number in the register names a helper, as ubpf and bpf_conformance define callx.
            m.pc = pc; m.count = n;
            if (m.helpers === undefined) throw new VmFault('unknown-helper', pc, `helper #${L[d]} called, but no helpers are available`);
            m.helpers.call(m, L[d]!, pc);
            n = m.count;
            if (m.tailCallPending) {
              m.tailCallPending = false;
              code = m.code; word = code.word; off = code.off; imm = code.imm; immHi = code.immHi;
              pc = 0;
            } else pc++;
            break;
          }
          const t = m.funcSlot(L[d]!, H[d]!, pc); m.pushFrame(pc + 1, pc); pc = t; break;
        }
        case Op.EXIT: {
          if (m.frames.length - 1 <= stopDepth) {
            if (stopDepth > 0) { m.popFrame(); m.pc = pc; m.count = n; return 'return'; }
            m.pc = pc; m.count = n; m.finished = true; return 'exit';
          }
          pc = m.popFrame();
          break;
        }
        case Op.CALL_KFUNC:
          throw new VmFault('helper-not-emulated', pc, `kernel function call (BTF id ${imm[pc]}) is not emulated`);
        default:
          throw outsideProgram(code, pc);
      }
    }
  } catch (e) {
    // A fault raised by a nested callback already recorded where it happened.
    if (e !== m.fault) { m.pc = pc; m.count = n; m.fault = asFault(e, pc); }
    return 'fault';
  }
}
