/**
 * The fields of the eBPF opcode byte and the layout of one 8-byte instruction slot (RFC 9669).
 * Only the encoder and decoder look at these bits; everything downstream works on the semantic
 * instruction type in `insn.ts`.
 *
 *   opcode byte, arithmetic and jump classes:    opcode byte, load and store classes:
 *     +--------+----+-------+                      +------+------+-------+
 *     | code:4 | s:1| class:3|                     | mode:3| size:2| class:3|
 *     +--------+----+-------+                      +------+------+-------+
 *
 *   slot (little-endian):  opcode:8 | dst:4 (low nibble) | src:4 (high nibble) | off:16 | imm:32
 */

/** Instruction classes: the low three bits of the opcode. */
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_JMP32 = 0x06;
export const BPF_ALU64 = 0x07;

/** Source bit of arithmetic and jump opcodes: immediate or register operand. */
export const BPF_K = 0x00;
export const BPF_X = 0x08;

/** Arithmetic operation codes (high four bits). */
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;
export const BPF_MOV = 0xb0;
export const BPF_ARSH = 0xc0;
export const BPF_END = 0xd0;

/** Jump operation codes (high four bits). */
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
export const BPF_JNE = 0x50;
export const BPF_JSGT = 0x60;
export const BPF_JSGE = 0x70;
export const BPF_CALL = 0x80;
export const BPF_EXIT = 0x90;
export const BPF_JLT = 0xa0;
export const BPF_JLE = 0xb0;
export const BPF_JSLT = 0xc0;
export const BPF_JSLE = 0xd0;
export const BPF_JCOND = 0xe0;

/** Size field of load and store opcodes. */
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
export const BPF_DW = 0x18;

/** Mode field of load and store opcodes. */
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_MEMSX = 0x80;
export const BPF_ATOMIC = 0xc0;

/** Atomic operation selectors carried in `imm`. */
export const BPF_FETCH = 0x01;
export const BPF_XCHG = 0xe0 | BPF_FETCH;
export const BPF_CMPXCHG = 0xf0 | BPF_FETCH;
export const BPF_LOAD_ACQ = 0x100;
export const BPF_STORE_REL = 0x110;

/** `src` values of a 64-bit immediate load (kernel BPF_PSEUDO_*): what the immediate means. */
export const BPF_PSEUDO_MAP_FD = 1;
export const BPF_PSEUDO_MAP_VALUE = 2;
export const BPF_PSEUDO_BTF_ID = 3;
export const BPF_PSEUDO_FUNC = 4;
export const BPF_PSEUDO_MAP_IDX = 5;
export const BPF_PSEUDO_MAP_IDX_VALUE = 6;

/** `src` values of a call: helper by number, bpf-to-bpf call, kernel function. */
export const BPF_PSEUDO_CALL = 1;
export const BPF_PSEUDO_KFUNC_CALL = 2;

export const SLOT_SIZE = 8;
/** Number of general registers r0..r10; r10 is the read-only frame pointer. */
export const MAX_REG = 10;

export function classOf(opcode: number): number {
  return opcode & 0x07;
}

export function sizeBytes(sizeField: number): 1 | 2 | 4 | 8 {
  switch (sizeField) {
    case BPF_B: return 1;
    case BPF_H: return 2;
    case BPF_W: return 4;
    default: return 8;
  }
}

export function sizeField(bytes: 1 | 2 | 4 | 8): number {
  switch (bytes) {
    case 1: return BPF_B;
    case 2: return BPF_H;
    case 4: return BPF_W;
    case 8: return BPF_DW;
  }
}

/** The raw 8-byte slot, fields already split. `off` and `imm` are signed. */
export interface RawSlot {
  opcode: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

export function readSlot(bytes: Uint8Array, byteOffset: number): RawSlot {
  const regs = bytes[byteOffset + 1]!;
  const off = bytes[byteOffset + 2]! | (bytes[byteOffset + 3]! << 8);
  const imm =
    bytes[byteOffset + 4]! |
    (bytes[byteOffset + 5]! << 8) |
    (bytes[byteOffset + 6]! << 16) |
    (bytes[byteOffset + 7]! << 24);
  return {
    opcode: bytes[byteOffset]!,
    dst: regs & 0x0f,
    src: regs >> 4,
    off: (off << 16) >> 16,
    imm: imm | 0,
  };
}

export function writeSlot(out: Uint8Array, byteOffset: number, s: RawSlot): void {
  out[byteOffset] = s.opcode & 0xff;
  out[byteOffset + 1] = (s.dst & 0x0f) | ((s.src & 0x0f) << 4);
  out[byteOffset + 2] = s.off & 0xff;
  out[byteOffset + 3] = (s.off >> 8) & 0xff;
  out[byteOffset + 4] = s.imm & 0xff;
  out[byteOffset + 5] = (s.imm >> 8) & 0xff;
  out[byteOffset + 6] = (s.imm >> 16) & 0xff;
  out[byteOffset + 7] = (s.imm >>> 24) & 0xff;
}
