/**
 * Slots the decoder could not turn into an instruction, worded as the Linux 6.18 verifier words them.
 * The kernel looks at such slots at two moments: a first pass over all slots in order, before the
 * control-flow checks, refuses opcodes outside its instruction table, malformed 64-bit immediate loads
 * and loads with reserved fields set; reserved fields of every other class are refused only when the
 * main pass reaches the slot, so code that is never reached may carry them. Observed as root with
 * `bpf_syscall.py`: "unknown opcode ff", "BPF_LDX uses reserved fields", "invalid bpf_ld_imm64 insn",
 * "unrecognized bpf_ld_imm64 insn" (first pass); "BPF_ALU uses reserved fields", "BPF_MOV ...",
 * "BPF_NEG ...", "BPF_END ...", "BPF_JA ...", "BPF_JMP/JMP32 ...", "BPF_CALL ...", "BPF_EXIT ...",
 * "BPF_ST ...", "BPF_STX ...", "BPF_LD_[ABS|IND] ...", "BPF_LD_IMM64 uses reserved fields",
 * "BPF_ATOMIC uses invalid atomic opcode 77", "invalid may_goto imm 0", "R11 is invalid" (main pass).
 */
import type { Insn } from '../isa/insn';
import { decodeSlot } from '../isa/codec';
import { readSlot, type RawSlot } from '../isa/opcode';
import type { Program } from '../program/model';

const LD_IMM64 = 0x18;

function hex2(v: number): string {
  return v.toString(16).padStart(2, '0');
}

/** Whether the decoder knows the opcode byte at all (the kernel's bpf_opcode_in_insntable). */
function knownOpcode(raw: RawSlot): boolean {
  const r = decodeSlot(raw);
  return !('error' in r) || !r.error.startsWith('unknown opcode');
}

/**
 * The kernel's first pass over the slots (resolve_pseudo_ldimm64 and its opcode check): the first
 * refused slot in slot order, or undefined. It runs after the function-boundary checks and before the
 * reachability walk.
 */
export function firstPassError(prog: Program): { insn: number; message: string } | undefined {
  const raws = prog.rawSlots;
  const insns = prog.insns;
  for (let pc = 0; pc < insns.length; pc++) {
    const raw = raws?.get(pc);
    const insn = insns[pc];
    if (raw && (raw.opcode & 0x07) === 0x01 && ((raw.opcode & 0xe0) !== 0x60 && (raw.opcode & 0xe0) !== 0x80 || raw.imm !== 0)) {
      return { insn: pc, message: 'BPF_LDX uses reserved fields' };
    }
    const opcode = raw ? raw.opcode : insn?.kind === 'ldImm64' ? LD_IMM64 : -1;
    if (opcode === LD_IMM64) {
      const nextRaw = raws?.get(pc + 1);
      const pairOk = pc + 1 < insns.length &&
        (nextRaw ? nextRaw.opcode === 0 && nextRaw.dst === 0 && nextRaw.src === 0 && nextRaw.off === 0 : insns[pc + 1]?.kind === 'ldImm64Hi');
      if (!pairOk) return { insn: pc, message: 'invalid bpf_ld_imm64 insn' };
      const src = raw ? raw.src : insn?.kind === 'ldImm64' ? insn.src : 0;
      if (src > 6) return { insn: pc, message: 'unrecognized bpf_ld_imm64 insn' };
      pc++;
      continue;
    }
    if (raw && !knownOpcode(raw)) return { insn: pc, message: `unknown opcode ${hex2(raw.opcode)}` };
    // Indirect calls are not in the kernel's table either.
    if (!raw && insn?.kind === 'callx') return { insn: pc, message: 'unknown opcode 8d' };
  }
  return undefined;
}

/** The message for an undecodable slot the main pass reaches (check_alu_op, check_cond_jmp_op and the rest). */
export function mainPassMessage(raw: RawSlot): string {
  const decoded = decodeSlot(raw);
  if ('error' in decoded && decoded.error.startsWith('invalid register')) {
    // The kernel checks the source register before the destination.
    return `R${raw.src > 10 ? raw.src : raw.dst} is invalid`;
  }
  const cls = raw.opcode & 0x07;
  const op = raw.opcode & 0xf0;
  switch (cls) {
    case 0x04: case 0x07:
      if (op === 0xb0) return 'BPF_MOV uses reserved fields';
      if (op === 0x80) return 'BPF_NEG uses reserved fields';
      if (op === 0xd0) return 'BPF_END uses reserved fields';
      return 'BPF_ALU uses reserved fields';
    case 0x05: case 0x06:
      if (op === 0x00) return 'BPF_JA uses reserved fields';
      if (op === 0x80) return 'BPF_CALL uses reserved fields';
      if (op === 0x90) return 'BPF_EXIT uses reserved fields';
      if (raw.opcode === 0xe5) return `invalid may_goto imm ${raw.imm}`;
      return 'BPF_JMP/JMP32 uses reserved fields';
    case 0x02: return 'BPF_ST uses reserved fields';
    case 0x03:
      if ((raw.opcode & 0xe0) === 0xc0) return `BPF_ATOMIC uses invalid atomic opcode ${hex2(raw.imm & 0xff)}`;
      return 'BPF_STX uses reserved fields';
    case 0x00:
      if (raw.opcode === LD_IMM64) return 'BPF_LD_IMM64 uses reserved fields';
      return 'BPF_LD_[ABS|IND] uses reserved fields';
    default:
      return 'error' in decoded ? decoded.error : `unknown opcode ${hex2(raw.opcode)}`;
  }
}

/**
 * What the control-flow checks see at an undecodable slot: the kernel reads only the opcode and the
 * jump offset there, so an exit stays an exit and a jump keeps its target; anything else falls through
 * (undefined). Slots that belong to a 64-bit load keep their decoded form.
 */
export function cfgStandIn(raw: RawSlot, decoded: Insn | undefined): Insn | undefined {
  if (decoded && (decoded.kind === 'ldImm64' || decoded.kind === 'ldImm64Hi')) return decoded;
  const cls = raw.opcode & 0x07;
  if (cls !== 0x05 && cls !== 0x06) return undefined;
  const op = raw.opcode & 0xf0;
  const base = { dst: 0, src: 0, off: raw.off, imm: raw.imm };
  if (op === 0x90) return { kind: 'exit', ...base };
  if (op === 0x80) return undefined;
  if (op === 0x00) return { kind: 'ja', ...base, long: cls === 0x06 } as Insn;
  return { kind: 'jcond', ...base, op: 'jeq', useReg: false, is64: cls === 0x05 } as Insn;
}

/** The raw slots of a program's bytes at the given slots (for programs built from bytes, as the tests do). */
export function rawSlotsAt(bytes: Uint8Array, slots: Iterable<number>): Map<number, RawSlot> {
  const out = new Map<number, RawSlot>();
  for (const s of slots) if (s >= 0 && (s + 1) * 8 <= bytes.length) out.set(s, readSlot(bytes, s * 8));
  return out;
}
