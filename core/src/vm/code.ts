/**
 * Pre-decoding: the semantic instructions of a program become flat typed arrays (an internal
 * operation number per slot plus its operands) that both tiers read without allocating or switching
 * on strings. Operations the ISA selects through `off` or `imm` are already separate here, and the
 * 64-bit immediate of `ld_imm64` is resolved to its final value (a map reference, a data-section
 * pointer, a function reference or a plain constant) before the run starts.
 */
import type { Insn, AluOp, JmpOp } from '../isa/insn';

/** Internal operation numbers; one per executable variant. */
export const enum Op {
  INVALID = 0,
  ADD64_IMM = 1,
  ADD64_REG = 2,
  SUB64_IMM = 3,
  SUB64_REG = 4,
  MUL64_IMM = 5,
  MUL64_REG = 6,
  DIV64_IMM = 7,
  DIV64_REG = 8,
  SDIV64_IMM = 9,
  SDIV64_REG = 10,
  OR64_IMM = 11,
  OR64_REG = 12,
  AND64_IMM = 13,
  AND64_REG = 14,
  LSH64_IMM = 15,
  LSH64_REG = 16,
  RSH64_IMM = 17,
  RSH64_REG = 18,
  MOD64_IMM = 19,
  MOD64_REG = 20,
  SMOD64_IMM = 21,
  SMOD64_REG = 22,
  XOR64_IMM = 23,
  XOR64_REG = 24,
  MOV64_IMM = 25,
  MOV64_REG = 26,
  ARSH64_IMM = 27,
  ARSH64_REG = 28,
  NEG64 = 29,
  ADD32_IMM = 30,
  ADD32_REG = 31,
  SUB32_IMM = 32,
  SUB32_REG = 33,
  MUL32_IMM = 34,
  MUL32_REG = 35,
  DIV32_IMM = 36,
  DIV32_REG = 37,
  SDIV32_IMM = 38,
  SDIV32_REG = 39,
  OR32_IMM = 40,
  OR32_REG = 41,
  AND32_IMM = 42,
  AND32_REG = 43,
  LSH32_IMM = 44,
  LSH32_REG = 45,
  RSH32_IMM = 46,
  RSH32_REG = 47,
  MOD32_IMM = 48,
  MOD32_REG = 49,
  SMOD32_IMM = 50,
  SMOD32_REG = 51,
  XOR32_IMM = 52,
  XOR32_REG = 53,
  MOV32_IMM = 54,
  MOV32_REG = 55,
  ARSH32_IMM = 56,
  ARSH32_REG = 57,
  NEG32 = 58,
  MOVSX64_8 = 59,
  MOVSX64_16 = 60,
  MOVSX64_32 = 61,
  MOVSX32_8 = 62,
  MOVSX32_16 = 63,
  ASC = 64,
  LE16 = 65,
  LE32 = 66,
  LE64 = 67,
  BE16 = 68,
  BE32 = 69,
  BE64 = 70,
  LDXB = 71,
  LDXH = 72,
  LDXW = 73,
  LDXDW = 74,
  LDXSB = 75,
  LDXSH = 76,
  LDXSW = 77,
  STB = 78,
  STH = 79,
  STW = 80,
  STDW = 81,
  STXB = 82,
  STXH = 83,
  STXW = 84,
  STXDW = 85,
  ATOMIC_ADD_W = 86,
  ATOMIC_FETCH_ADD_W = 87,
  ATOMIC_OR_W = 88,
  ATOMIC_FETCH_OR_W = 89,
  ATOMIC_AND_W = 90,
  ATOMIC_FETCH_AND_W = 91,
  ATOMIC_XOR_W = 92,
  ATOMIC_FETCH_XOR_W = 93,
  ATOMIC_XCHG_W = 94,
  ATOMIC_CMPXCHG_W = 95,
  ATOMIC_ADD_DW = 96,
  ATOMIC_FETCH_ADD_DW = 97,
  ATOMIC_OR_DW = 98,
  ATOMIC_FETCH_OR_DW = 99,
  ATOMIC_AND_DW = 100,
  ATOMIC_FETCH_AND_DW = 101,
  ATOMIC_XOR_DW = 102,
  ATOMIC_FETCH_XOR_DW = 103,
  ATOMIC_XCHG_DW = 104,
  ATOMIC_CMPXCHG_DW = 105,
  LDIMM64 = 106,
  LDIMM64_HI = 107,
  LDABSB = 108,
  LDABSH = 109,
  LDABSW = 110,
  LDINDB = 111,
  LDINDH = 112,
  LDINDW = 113,
  JA = 114,
  JEQ64_IMM = 115,
  JEQ64_REG = 116,
  JGT64_IMM = 117,
  JGT64_REG = 118,
  JGE64_IMM = 119,
  JGE64_REG = 120,
  JSET64_IMM = 121,
  JSET64_REG = 122,
  JNE64_IMM = 123,
  JNE64_REG = 124,
  JSGT64_IMM = 125,
  JSGT64_REG = 126,
  JSGE64_IMM = 127,
  JSGE64_REG = 128,
  JLT64_IMM = 129,
  JLT64_REG = 130,
  JLE64_IMM = 131,
  JLE64_REG = 132,
  JSLT64_IMM = 133,
  JSLT64_REG = 134,
  JSLE64_IMM = 135,
  JSLE64_REG = 136,
  JEQ32_IMM = 137,
  JEQ32_REG = 138,
  JGT32_IMM = 139,
  JGT32_REG = 140,
  JGE32_IMM = 141,
  JGE32_REG = 142,
  JSET32_IMM = 143,
  JSET32_REG = 144,
  JNE32_IMM = 145,
  JNE32_REG = 146,
  JSGT32_IMM = 147,
  JSGT32_REG = 148,
  JSGE32_IMM = 149,
  JSGE32_REG = 150,
  JLT32_IMM = 151,
  JLT32_REG = 152,
  JLE32_IMM = 153,
  JLE32_REG = 154,
  JSLT32_IMM = 155,
  JSLT32_REG = 156,
  JSLE32_IMM = 157,
  JSLE32_REG = 158,
  CALL_HELPER = 159,
  CALL_LOCAL = 160,
  CALL_KFUNC = 161,
  CALLX = 162,
  EXIT = 163,
  MAY_GOTO = 164,
}

export interface Code {
  length: number;
  op: Uint8Array;
  /** op | dst << 8 | src << 12 | off << 16 in one word, so the interpreter reads one array per operand set. */
  word: Int32Array;
  dst: Uint8Array;
  src: Uint8Array;
  off: Int32Array;
  imm: Int32Array;
  /** High half of a 64-bit immediate (ld_imm64), or the sign extension of imm for 64-bit ALU. */
  immHi: Int32Array;
  /** The semantic instructions, for printing and for messages. */
  insns: readonly (Insn | undefined)[];
  /** Why a slot cannot execute (undecodable, unresolved reference), by slot. */
  bad: Map<number, string>;
}

/** Resolves the value of a 64-bit immediate load at a slot, or gives a reason why it cannot. */
export type LdImm64Resolver = (slot: number, insn: Insn & { kind: 'ldImm64' }) => [number, number] | string;

const ALU_ORDER: AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];
const JMP_ORDER: JmpOp[] = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'];
const ATOMIC_ORDER = ['add', 'or', 'and', 'xor'];

function opOf(insn: Insn): number {
  switch (insn.kind) {
    case 'alu': {
      const base = insn.is64 ? Op.ADD64_IMM : Op.ADD32_IMM;
      if (insn.op === 'neg') return insn.is64 ? Op.NEG64 : Op.NEG32;
      return base + ALU_ORDER.indexOf(insn.op) * 2 + (insn.useReg ? 1 : 0);
    }
    case 'movsx':
      if (insn.is64) return insn.bits === 8 ? Op.MOVSX64_8 : insn.bits === 16 ? Op.MOVSX64_16 : Op.MOVSX64_32;
      return insn.bits === 8 ? Op.MOVSX32_8 : insn.bits === 16 ? Op.MOVSX32_16 : Op.INVALID;
    case 'addrSpaceCast': return Op.ASC;
    case 'endian': {
      const le = insn.order === 'le';
      if (insn.bits === 16) return le ? Op.LE16 : Op.BE16;
      if (insn.bits === 32) return le ? Op.LE32 : Op.BE32;
      return le ? Op.LE64 : Op.BE64;
    }
    case 'load': case 'loadAcquire': {
      const signed = insn.kind === 'load' && insn.signed;
      switch (insn.size) {
        case 1: return signed ? Op.LDXSB : Op.LDXB;
        case 2: return signed ? Op.LDXSH : Op.LDXH;
        case 4: return signed ? Op.LDXSW : Op.LDXW;
        default: return Op.LDXDW;
      }
    }
    case 'store': case 'storeRelease': {
      const reg = insn.kind === 'storeRelease' || insn.useReg;
      switch (insn.size) {
        case 1: return reg ? Op.STXB : Op.STB;
        case 2: return reg ? Op.STXH : Op.STH;
        case 4: return reg ? Op.STXW : Op.STW;
        default: return reg ? Op.STXDW : Op.STDW;
      }
    }
    case 'atomic': {
      const base = insn.size === 4 ? Op.ATOMIC_ADD_W : Op.ATOMIC_ADD_DW;
      if (insn.op === 'xchg') return base + 8;
      if (insn.op === 'cmpxchg') return base + 9;
      return base + ATOMIC_ORDER.indexOf(insn.op) * 2 + (insn.fetch ? 1 : 0);
    }
    case 'ldImm64': return Op.LDIMM64;
    case 'ldImm64Hi': return Op.LDIMM64_HI;
    case 'ldAbs': return insn.size === 1 ? Op.LDABSB : insn.size === 2 ? Op.LDABSH : Op.LDABSW;
    case 'ldInd': return insn.size === 1 ? Op.LDINDB : insn.size === 2 ? Op.LDINDH : Op.LDINDW;
    case 'ja': return Op.JA;
    case 'jcond': return (insn.is64 ? Op.JEQ64_IMM : Op.JEQ32_IMM) + JMP_ORDER.indexOf(insn.op) * 2 + (insn.useReg ? 1 : 0);
    case 'call': return insn.src === 1 ? Op.CALL_LOCAL : insn.src === 2 ? Op.CALL_KFUNC : Op.CALL_HELPER;
    case 'callx': return Op.CALLX;
    case 'exit': return Op.EXIT;
    case 'mayGoto': return Op.MAY_GOTO;
  }
}

/** Pre-decodes a program given slot by slot. Never throws: bad slots fault when executed. */
export function buildCode(insns: readonly (Insn | undefined)[], resolve?: LdImm64Resolver, bad?: Map<number, string>): Code {
  const n = insns.length;
  const code: Code = {
    length: n,
    op: new Uint8Array(n), word: new Int32Array(n), dst: new Uint8Array(n), src: new Uint8Array(n),
    off: new Int32Array(n), imm: new Int32Array(n), immHi: new Int32Array(n),
    insns, bad: new Map(bad ?? []),
  };
  for (let pc = 0; pc < n; pc++) {
    const insn = insns[pc];
    if (insn === undefined) {
      if (!code.bad.has(pc)) code.bad.set(pc, 'invalid instruction');
      continue;
    }
    let o = opOf(insn);
    code.dst[pc] = insn.dst & 15;
    code.src[pc] = insn.src & 15;
    code.off[pc] = insn.off | 0;
    code.imm[pc] = insn.imm | 0;
    code.immHi[pc] = (insn.imm | 0) >> 31;
    // gotol keeps its target in imm; both tiers read every jump target from off.
    if (insn.kind === 'ja' && insn.long) code.off[pc] = insn.imm | 0;
    if (insn.kind === 'ldImm64') {
      if (insn.src === 0) {
        code.imm[pc] = Number(BigInt.asIntN(32, insn.imm64));
        code.immHi[pc] = Number(BigInt.asIntN(32, insn.imm64 >> 32n));
      } else {
        const v = resolve ? resolve(pc, insn) : `unresolved 64-bit immediate load (pseudo ${insn.src})`;
        if (typeof v === 'string') { code.bad.set(pc, v); o = Op.INVALID; }
        else { code.imm[pc] = v[0] | 0; code.immHi[pc] = v[1] | 0; }
      }
      if (pc + 1 >= n || insns[pc + 1]?.kind !== 'ldImm64Hi') { code.bad.set(pc, 'truncated 64-bit immediate load'); o = Op.INVALID; }
    }
    if (o === Op.INVALID && !code.bad.has(pc)) code.bad.set(pc, 'invalid instruction');
    if ((insn.dst > 10 || insn.src > 10) && insn.kind !== 'ldImm64' && insn.kind !== 'call') {
      code.bad.set(pc, `invalid register r${Math.max(insn.dst, insn.src)}`);
      o = Op.INVALID;
    }
    code.op[pc] = o;
    code.word[pc] = o | (code.dst[pc]! << 8) | (code.src[pc]! << 12) | (code.off[pc]! << 16);
  }
  return code;
}
