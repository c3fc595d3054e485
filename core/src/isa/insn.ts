/**
 * The semantic instruction: a tagged union that the interpreter, the verifier, the printers and the
 * language services switch over. Operations that the ISA selects through `off` or `imm` (signed
 * division, sign-extending moves, the atomic operations, byte swaps) are distinct variants here, so a
 * consumer never decodes bits. Only `encode.ts` and `decode.ts` know the bit layout.
 *
 * Every variant keeps the four raw operand fields (`dst`, `src`, `off`, `imm`) under their ISA
 * meaning, so a consumer reads `insn.dst` for the destination register of an ALU operation or the
 * base register of a store, exactly as the kernel's verifier does.
 *
 * A program is an array indexed by slot, as in the kernel: a 64-bit immediate load takes two slots,
 * the second of which holds an `ldImm64Hi` marker.
 */

export type AluOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'sdiv' | 'or' | 'and' | 'lsh' | 'rsh'
  | 'neg' | 'mod' | 'smod' | 'xor' | 'mov' | 'arsh';

export type JmpOp =
  | 'jeq' | 'jgt' | 'jge' | 'jset' | 'jne' | 'jsgt' | 'jsge' | 'jlt' | 'jle' | 'jslt' | 'jsle';

export type AtomicOp = 'add' | 'or' | 'and' | 'xor' | 'xchg' | 'cmpxchg';

export type MemSize = 1 | 2 | 4 | 8;

interface Operands {
  dst: number;
  src: number;
  off: number;
  imm: number;
}

/** `dst op= src` or `dst op= imm`, 32-bit (`is64` false, result zero-extended) or 64-bit. */
export interface AluInsn extends Operands { kind: 'alu'; op: AluOp; is64: boolean; useReg: boolean }
/** `dst = (sN)src`: sign-extending move of the low `bits` bits. */
export interface MovsxInsn extends Operands { kind: 'movsx'; is64: boolean; bits: 8 | 16 | 32 }
/** Byte order conversion: to little endian, to big endian, or unconditional swap (ALU64 class). */
export interface EndianInsn extends Operands { kind: 'endian'; order: 'le' | 'be' | 'swap'; bits: 16 | 32 | 64 }
/** Arena pointer cast between address spaces; imm = (dst_as << 16) | src_as. */
export interface AddrSpaceCastInsn extends Operands { kind: 'addrSpaceCast' }
/** `dst = *(size *)(src + off)`, zero- or sign-extended. */
export interface LoadInsn extends Operands { kind: 'load'; size: MemSize; signed: boolean }
/** `*(size *)(dst + off) = src` (useReg) or `= imm`. */
export interface StoreInsn extends Operands { kind: 'store'; size: MemSize; useReg: boolean }
/** Atomic read-modify-write at `dst + off` with `src`; `fetch` returns the old value in src (r0 for cmpxchg). */
export interface AtomicInsn extends Operands { kind: 'atomic'; size: 4 | 8; op: AtomicOp; fetch: boolean }
/** `dst = load_acquire((size *)(src + off))`. */
export interface LoadAcquireInsn extends Operands { kind: 'loadAcquire'; size: MemSize }
/** `store_release((size *)(dst + off), src)`. */
export interface StoreReleaseInsn extends Operands { kind: 'storeRelease'; size: MemSize }
/** 64-bit immediate load; `src` is the pseudo kind (0 plain, BPF_PSEUDO_MAP_FD, ...). Takes two slots. */
export interface LdImm64Insn extends Operands { kind: 'ldImm64'; imm64: bigint }
/** Marker in the second slot of a 64-bit immediate load; it has no encoding of its own. */
export interface LdImm64HiInsn extends Operands { kind: 'ldImm64Hi' }
/** Legacy packet load `r0 = *(size *)skb[imm]`. */
export interface LdAbsInsn extends Operands { kind: 'ldAbs'; size: 1 | 2 | 4 }
/** Legacy packet load `r0 = *(size *)skb[src]` (plus imm). */
export interface LdIndInsn extends Operands { kind: 'ldInd'; size: 1 | 2 | 4 }
/** Unconditional jump: `goto` (target in off) or `gotol` (`long`, target in imm). */
export interface JaInsn extends Operands { kind: 'ja'; long: boolean }
/** Conditional jump comparing dst with src (useReg) or imm, on 64 or 32 bits; target in off. */
export interface JcondInsn extends Operands { kind: 'jcond'; op: JmpOp; is64: boolean; useReg: boolean }
/** Call: helper by number (src 0), bpf-to-bpf (src 1, imm is pc-relative), kfunc (src 2). */
export interface CallInsn extends Operands { kind: 'call' }
/** Indirect call through the register in dst. */
export interface CallxInsn extends Operands { kind: 'callx' }
export interface ExitInsn extends Operands { kind: 'exit' }
/** `may_goto`: jump to off when the loop budget is spent, else fall through. */
export interface MayGotoInsn extends Operands { kind: 'mayGoto' }

export type Insn =
  | AluInsn | MovsxInsn | EndianInsn | AddrSpaceCastInsn
  | LoadInsn | StoreInsn | AtomicInsn | LoadAcquireInsn | StoreReleaseInsn
  | LdImm64Insn | LdImm64HiInsn | LdAbsInsn | LdIndInsn
  | JaInsn | JcondInsn | CallInsn | CallxInsn | ExitInsn | MayGotoInsn;

export type InsnKind = Insn['kind'];

/** Slots an instruction occupies in the program (the ldImm64 marker occupies none of its own). */
export function slotCount(insn: Insn): 0 | 1 | 2 {
  return insn.kind === 'ldImm64' ? 2 : insn.kind === 'ldImm64Hi' ? 0 : 1;
}

/** Slot index a jump lands on, or undefined when the instruction does not jump to a fixed target. */
export function jumpTarget(insn: Insn, pc: number): number | undefined {
  switch (insn.kind) {
    case 'ja': return pc + 1 + (insn.long ? insn.imm : insn.off);
    case 'jcond': case 'mayGoto': return pc + 1 + insn.off;
    case 'call': return insn.src === 1 ? pc + 1 + insn.imm : undefined;
    default: return undefined;
  }
}
