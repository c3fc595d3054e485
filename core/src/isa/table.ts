/**
 * The one instruction table. Every instruction form of RFC 9669, plus the kernel extensions that
 * `llvm-mc -triple bpfel -mcpu=v4` accepts, is one row here, and every consumer derives what it needs
 * from the rows: the encoder and decoder (opcode byte and the selector values in off/imm/src), the
 * LLVM-dialect printer and parser (the `llvm` template), the mnemonic dialect (`mnemonic`), hover and
 * completion docs (`doc`) and the grammar keywords. Nothing else lists instructions.
 *
 * Template placeholders (see `template.ts`): {dst} {src} as r-registers, {wdst} {wsrc} as
 * w-registers, {imm} a signed 32-bit immediate, {off} a memory offset printed as `+ 0x4` / `- 0x4`,
 * {target} a jump target carried in off, {ltarget} one carried in imm (gotol), {ctarget} a
 * bpf-to-bpf call target, {imm64} the 64-bit immediate of `ll`, {asdst}/{assrc} the address spaces of
 * addr_space_cast, {pseudo} the src field of a pseudo 64-bit load. A field that no placeholder and no
 * selector uses must be zero, which the decoder enforces.
 */
import * as op from './opcode';
import type { AluOp, AtomicOp, Insn, JmpOp, MemSize } from './insn';

/** The fixed semantic attributes of a row: the instruction minus its operand fields. */
export type SemShape = Insn extends infer I ? (I extends Insn ? Omit<I, 'dst' | 'src' | 'off' | 'imm'> : never) : never;

export interface Form {
  /** Unique, stable name of the form, e.g. `add64_reg`, `ldxw`, `atomic_fetch_add_dw`. */
  id: string;
  opcode: number;
  /** Decoding selectors beyond the opcode byte: the field must hold exactly this value. */
  offSel?: number;
  immSel?: number;
  srcSel?: number;
  sem: SemShape;
  /** Canonical LLVM-dialect template, as llvm-objdump prints the instruction. */
  llvm: string;
  /** Further spellings llvm-mc accepts for the same encoding; parsed, never printed. */
  llvmAlt?: string[];
  /**
   * Set on forms that llvm-mc cannot express (it prints them ambiguously): the template is our own
   * spelling, which the differential tests against llvm-mc leave out.
   */
  llvmExtension?: boolean;
  /** Mnemonic of the ubpf / rbpf / bpf_conformance dialect. */
  mnemonic: string;
  /** One-line semantics for hovers and completion. */
  doc: string;
  /** Lowest -mcpu level that has the form (1 base ISA, 2 jlt/jle..., 3 jmp32/atomics, 4 sdiv/movsx/bswap/ldsx/gotol). */
  cpu: 1 | 2 | 3 | 4;
}

const forms: Form[] = [];

// --- Arithmetic -------------------------------------------------------------------------------

interface AluSpec { op: AluOp; code: number; llvm: string; name: string; doc: string; offSel?: number; cpu?: 4 }
const aluSpecs: AluSpec[] = [
  { op: 'add', code: op.BPF_ADD, llvm: '+=', name: 'add', doc: 'dst += src' },
  { op: 'sub', code: op.BPF_SUB, llvm: '-=', name: 'sub', doc: 'dst -= src' },
  { op: 'mul', code: op.BPF_MUL, llvm: '*=', name: 'mul', doc: 'dst *= src' },
  { op: 'div', code: op.BPF_DIV, llvm: '/=', name: 'div', doc: 'dst = dst / src, unsigned; 0 when src is 0', offSel: 0 },
  { op: 'sdiv', code: op.BPF_DIV, llvm: 's/=', name: 'sdiv', doc: 'dst = dst / src, signed; 0 when src is 0', offSel: 1, cpu: 4 },
  { op: 'or', code: op.BPF_OR, llvm: '|=', name: 'or', doc: 'dst |= src' },
  { op: 'and', code: op.BPF_AND, llvm: '&=', name: 'and', doc: 'dst &= src' },
  { op: 'lsh', code: op.BPF_LSH, llvm: '<<=', name: 'lsh', doc: 'dst <<= src, shift amount masked to the width' },
  { op: 'rsh', code: op.BPF_RSH, llvm: '>>=', name: 'rsh', doc: 'dst >>= src, logical, shift amount masked to the width' },
  { op: 'mod', code: op.BPF_MOD, llvm: '%=', name: 'mod', doc: 'dst = dst % src, unsigned; dst unchanged when src is 0', offSel: 0 },
  { op: 'smod', code: op.BPF_MOD, llvm: 's%=', name: 'smod', doc: 'dst = dst % src, signed; dst unchanged when src is 0', offSel: 1, cpu: 4 },
  { op: 'xor', code: op.BPF_XOR, llvm: '^=', name: 'xor', doc: 'dst ^= src' },
  { op: 'mov', code: op.BPF_MOV, llvm: '=', name: 'mov', doc: 'dst = src', offSel: 0 },
  { op: 'arsh', code: op.BPF_ARSH, llvm: 's>>=', name: 'arsh', doc: 'dst >>= src, arithmetic (sign-filling), shift amount masked' },
];

for (const is64 of [true, false]) {
  const cls = is64 ? op.BPF_ALU64 : op.BPF_ALU;
  const d = is64 ? '{dst}' : '{wdst}';
  const s = is64 ? '{src}' : '{wsrc}';
  const bits = is64 ? '64' : '32';
  const mnSuffix = is64 ? '' : '32';
  const widthDoc = is64 ? '64-bit' : '32-bit, result zero-extended to 64 bits';
  for (const a of aluSpecs) {
    for (const useReg of [false, true]) {
      forms.push({
        id: `${a.name}${bits}_${useReg ? 'reg' : 'imm'}`,
        opcode: cls | a.code | (useReg ? op.BPF_X : op.BPF_K),
        ...(a.offSel !== undefined ? { offSel: a.offSel } : {}),
        sem: { kind: 'alu', op: a.op, is64, useReg },
        llvm: `${d} ${a.llvm} ${useReg ? s : '{imm}'}`,
        mnemonic: `${a.name}${mnSuffix}`,
        doc: `${a.doc} (${widthDoc})`,
        cpu: a.cpu ?? (is64 ? 1 : 3),
      });
    }
  }
  forms.push({
    id: `neg${bits}`,
    opcode: cls | op.BPF_NEG | op.BPF_K,
    sem: { kind: 'alu', op: 'neg', is64, useReg: false },
    llvm: `${d} = -${d}`,
    mnemonic: `neg${mnSuffix}`,
    doc: `dst = -dst (${widthDoc})`,
    cpu: is64 ? 1 : 3,
  });
  for (const sx of is64 ? ([8, 16, 32] as const) : ([8, 16] as const)) {
    forms.push({
      id: `movsx${sx}_${bits}`,
      opcode: cls | op.BPF_MOV | op.BPF_X,
      offSel: sx,
      sem: { kind: 'movsx', is64, bits: sx },
      llvm: `${d} = (s${sx})${s}`,
      mnemonic: `movsx${sx}${bits}`,
      doc: `dst = src sign-extended from ${sx} bits (${widthDoc})`,
      cpu: 4,
    });
  }
}

forms.push({
  id: 'addr_space_cast',
  opcode: op.BPF_ALU64 | op.BPF_MOV | op.BPF_X,
  offSel: 1,
  sem: { kind: 'addrSpaceCast' },
  llvm: '{dst} = addr_space_cast({src}, {asdst}, {assrc})',
  mnemonic: 'addr_space_cast',
  doc: 'dst = src converted from address space src_as to dst_as (arena pointers)',
  cpu: 4,
});

for (const bits of [16, 32, 64] as const) {
  forms.push({
    id: `le${bits}`, opcode: op.BPF_ALU | op.BPF_END | op.BPF_K, immSel: bits,
    sem: { kind: 'endian', order: 'le', bits },
    llvm: `{dst} = le${bits} {dst}`, mnemonic: `le${bits}`,
    doc: `dst = the low ${bits} bits of dst converted to little endian, zero-extended`, cpu: 1,
  });
  forms.push({
    id: `be${bits}`, opcode: op.BPF_ALU | op.BPF_END | op.BPF_X, immSel: bits,
    sem: { kind: 'endian', order: 'be', bits },
    llvm: `{dst} = be${bits} {dst}`, mnemonic: `be${bits}`,
    doc: `dst = the low ${bits} bits of dst converted to big endian, zero-extended`, cpu: 1,
  });
  forms.push({
    id: `bswap${bits}`, opcode: op.BPF_ALU64 | op.BPF_END | op.BPF_K, immSel: bits,
    sem: { kind: 'endian', order: 'swap', bits },
    llvm: `{dst} = bswap${bits} {dst}`, mnemonic: `bswap${bits}`,
    doc: `dst = the low ${bits} bits of dst byte-swapped, zero-extended`, cpu: 4,
  });
}

// --- Memory ---------------------------------------------------------------------------------

const sizeNames: Record<MemSize, { c: string; mn: string }> = {
  1: { c: '8', mn: 'b' }, 2: { c: '16', mn: 'h' }, 4: { c: '32', mn: 'w' }, 8: { c: '64', mn: 'dw' },
};
const allSizes: MemSize[] = [1, 2, 4, 8];

for (const size of allSizes) {
  const { c, mn } = sizeNames[size];
  const sf = op.sizeField(size);
  const narrow = size !== 8;
  forms.push({
    id: `ldx${mn}`, opcode: op.BPF_LDX | op.BPF_MEM | sf,
    sem: { kind: 'load', size, signed: false },
    llvm: `${narrow ? '{wdst}' : '{dst}'} = *(u${c} *)({src} {off})`,
    ...(narrow ? { llvmAlt: [`{dst} = *(u${c} *)({src} {off})`] } : {}),
    mnemonic: `ldx${mn}`,
    doc: `dst = *(u${c} *)(src + off), zero-extended`, cpu: 1,
  });
  if (narrow) {
    forms.push({
      id: `ldxs${mn}`, opcode: op.BPF_LDX | op.BPF_MEMSX | sf,
      sem: { kind: 'load', size, signed: true },
      llvm: `{dst} = *(s${c} *)({src} {off})`,
      mnemonic: `ldxs${mn}`,
      doc: `dst = *(s${c} *)(src + off), sign-extended to 64 bits`, cpu: 4,
    });
  }
  forms.push({
    id: `st${mn}`, opcode: op.BPF_ST | op.BPF_MEM | sf,
    sem: { kind: 'store', size, useReg: false },
    llvm: `*(u${c} *)({dst} {off}) = {imm}`,
    mnemonic: `st${mn}`,
    doc: `*(u${c} *)(dst + off) = imm`, cpu: 1,
  });
  forms.push({
    id: `stx${mn}`, opcode: op.BPF_STX | op.BPF_MEM | sf,
    sem: { kind: 'store', size, useReg: true },
    llvm: `*(u${c} *)({dst} {off}) = ${narrow ? '{wsrc}' : '{src}'}`,
    ...(narrow ? { llvmAlt: [`*(u${c} *)({dst} {off}) = {src}`] } : {}),
    mnemonic: `stx${mn}`,
    doc: `*(u${c} *)(dst + off) = src`, cpu: 1,
  });
  forms.push({
    id: `load_acquire_${mn}`, opcode: op.BPF_STX | op.BPF_ATOMIC | sf, immSel: op.BPF_LOAD_ACQ,
    sem: { kind: 'loadAcquire', size },
    llvm: `${narrow ? '{wdst}' : '{dst}'} = load_acquire((u${c} *)({src} {off}))`,
    mnemonic: `load_acquire${c}`,
    doc: `dst = *(u${c} *)(src + off) with acquire ordering`, cpu: 4,
  });
  forms.push({
    id: `store_release_${mn}`, opcode: op.BPF_STX | op.BPF_ATOMIC | sf, immSel: op.BPF_STORE_REL,
    sem: { kind: 'storeRelease', size },
    llvm: `store_release((u${c} *)({dst} {off}), ${narrow ? '{wsrc}' : '{src}'})`,
    mnemonic: `store_release${c}`,
    doc: `*(u${c} *)(dst + off) = src with release ordering`, cpu: 4,
  });
}

interface AtomicSpec { op: AtomicOp; code: number; lock: string; fetchName: string }
const atomicSpecs: AtomicSpec[] = [
  { op: 'add', code: op.BPF_ADD, lock: '+=', fetchName: 'atomic_fetch_add' },
  { op: 'or', code: op.BPF_OR, lock: '|=', fetchName: 'atomic_fetch_or' },
  { op: 'and', code: op.BPF_AND, lock: '&=', fetchName: 'atomic_fetch_and' },
  { op: 'xor', code: op.BPF_XOR, lock: '^=', fetchName: 'atomic_fetch_xor' },
];

for (const size of [4, 8] as const) {
  const { c, mn } = sizeNames[size];
  const opcode = op.BPF_STX | op.BPF_ATOMIC | op.sizeField(size);
  const s = size === 4 ? '{wsrc}' : '{src}';
  for (const a of atomicSpecs) {
    forms.push({
      id: `atomic_${a.op}_${mn}`, opcode, immSel: a.code,
      sem: { kind: 'atomic', size, op: a.op, fetch: false },
      llvm: `lock *(u${c} *)({dst} {off}) ${a.lock} ${s}`,
      // llvm-mc takes an r-register for the 32-bit add only; or/and/xor insist on a w-register.
      ...(size === 4 && a.op === 'add' ? { llvmAlt: [`lock *(u${c} *)({dst} {off}) ${a.lock} {src}`] } : {}),
      mnemonic: `lock ${a.op}${size === 4 ? '32' : ''}`,
      doc: `atomically *(u${c} *)(dst + off) ${a.lock} src`, cpu: 3,
    });
    forms.push({
      id: `atomic_fetch_${a.op}_${mn}`, opcode, immSel: a.code | op.BPF_FETCH,
      sem: { kind: 'atomic', size, op: a.op, fetch: true },
      llvm: `${s} = ${a.fetchName}((u${c} *)({dst} {off}), ${s})`,
      mnemonic: `lock fetch ${a.op}${size === 4 ? '32' : ''}`,
      doc: `atomically *(u${c} *)(dst + off) ${a.lock} src; src = the old value`, cpu: 3,
    });
  }
  forms.push({
    id: `atomic_xchg_${mn}`, opcode, immSel: op.BPF_XCHG,
    sem: { kind: 'atomic', size, op: 'xchg', fetch: true },
    llvm: size === 4 ? '{wsrc} = xchg32_32({dst} {off}, {wsrc})' : '{src} = xchg_64({dst} {off}, {src})',
    mnemonic: `lock xchg${size === 4 ? '32' : ''}`,
    doc: `atomically swap *(u${c} *)(dst + off) and src`, cpu: 3,
  });
  forms.push({
    id: `atomic_cmpxchg_${mn}`, opcode, immSel: op.BPF_CMPXCHG,
    sem: { kind: 'atomic', size, op: 'cmpxchg', fetch: true },
    llvm: size === 4 ? 'w0 = cmpxchg32_32({dst} {off}, w0, {wsrc})' : 'r0 = cmpxchg_64({dst} {off}, r0, {src})',
    mnemonic: `lock cmpxchg${size === 4 ? '32' : ''}`,
    doc: `atomically: if *(u${c} *)(dst + off) == r0 then store src; r0 = the old value`, cpu: 3,
  });
}

forms.push({
  id: 'lddw', opcode: op.BPF_LD | op.BPF_IMM | op.BPF_DW, srcSel: 0,
  sem: { kind: 'ldImm64', imm64: 0n },
  llvm: '{dst} = {imm64} ll', mnemonic: 'lddw',
  doc: 'dst = 64-bit immediate (two slots); with a symbol, the address of a map or function', cpu: 1,
});
for (let pseudo = op.BPF_PSEUDO_MAP_FD; pseudo <= op.BPF_PSEUDO_MAP_IDX_VALUE; pseudo++) {
  forms.push({
    id: `ld_pseudo_${pseudo}`, opcode: op.BPF_LD | op.BPF_IMM | op.BPF_DW, srcSel: pseudo,
    sem: { kind: 'ldImm64', imm64: 0n },
    llvm: `ld_pseudo {dst}, {pseudo}, {imm}`, mnemonic: 'lddw',
    doc: 'dst = the object named by imm as the kernel resolves a pseudo 64-bit load (map fd, map value, BTF id, function, map index)',
    cpu: 1,
  });
}

for (const size of [1, 2, 4] as const) {
  const { c, mn } = sizeNames[size];
  forms.push({
    id: `ldabs${mn}`, opcode: op.BPF_LD | op.BPF_ABS | op.sizeField(size),
    sem: { kind: 'ldAbs', size },
    llvm: `r0 = *(u${c} *)skb[{imm}]`, mnemonic: `ldabs${mn}`,
    doc: `r0 = u${c} at packet offset imm, in host order (legacy socket-filter load; r6 must hold the skb)`, cpu: 1,
  });
  forms.push({
    id: `ldind${mn}`, opcode: op.BPF_LD | op.BPF_IND | op.sizeField(size),
    sem: { kind: 'ldInd', size },
    llvm: `r0 = *(u${c} *)skb[{src}]`, mnemonic: `ldind${mn}`,
    doc: `r0 = u${c} at packet offset src, in host order (legacy socket-filter load; r6 must hold the skb)`, cpu: 1,
  });
}

// --- Jumps and calls ------------------------------------------------------------------------

forms.push({
  id: 'ja', opcode: op.BPF_JMP | op.BPF_JA, sem: { kind: 'ja', long: false },
  llvm: 'goto {target}', mnemonic: 'ja', doc: 'jump to target (16-bit offset)', cpu: 1,
});
forms.push({
  id: 'gotol', opcode: op.BPF_JMP32 | op.BPF_JA, sem: { kind: 'ja', long: true },
  llvm: 'gotol {ltarget}', mnemonic: 'ja32', doc: 'jump to target (32-bit offset in imm)', cpu: 4,
});

interface JmpSpec { op: JmpOp; code: number; llvm: string; doc: string; cpu: 1 | 2 }
const jmpSpecs: JmpSpec[] = [
  { op: 'jeq', code: op.BPF_JEQ, llvm: '==', doc: 'if dst == src', cpu: 1 },
  { op: 'jgt', code: op.BPF_JGT, llvm: '>', doc: 'if dst > src (unsigned)', cpu: 1 },
  { op: 'jge', code: op.BPF_JGE, llvm: '>=', doc: 'if dst >= src (unsigned)', cpu: 1 },
  { op: 'jset', code: op.BPF_JSET, llvm: '&', doc: 'if dst & src is not zero', cpu: 1 },
  { op: 'jne', code: op.BPF_JNE, llvm: '!=', doc: 'if dst != src', cpu: 1 },
  { op: 'jsgt', code: op.BPF_JSGT, llvm: 's>', doc: 'if dst > src (signed)', cpu: 1 },
  { op: 'jsge', code: op.BPF_JSGE, llvm: 's>=', doc: 'if dst >= src (signed)', cpu: 1 },
  { op: 'jlt', code: op.BPF_JLT, llvm: '<', doc: 'if dst < src (unsigned)', cpu: 2 },
  { op: 'jle', code: op.BPF_JLE, llvm: '<=', doc: 'if dst <= src (unsigned)', cpu: 2 },
  { op: 'jslt', code: op.BPF_JSLT, llvm: 's<', doc: 'if dst < src (signed)', cpu: 2 },
  { op: 'jsle', code: op.BPF_JSLE, llvm: 's<=', doc: 'if dst <= src (signed)', cpu: 2 },
];
for (const is64 of [true, false]) {
  const cls = is64 ? op.BPF_JMP : op.BPF_JMP32;
  const d = is64 ? '{dst}' : '{wdst}';
  const s = is64 ? '{src}' : '{wsrc}';
  for (const j of jmpSpecs) {
    for (const useReg of [false, true]) {
      forms.push({
        id: `${j.op}${is64 ? '' : '32'}_${useReg ? 'reg' : 'imm'}`,
        opcode: cls | j.code | (useReg ? op.BPF_X : op.BPF_K),
        sem: { kind: 'jcond', op: j.op, is64, useReg },
        llvm: `if ${d} ${j.llvm} ${useReg ? s : '{imm}'} goto {target}`,
        mnemonic: `${j.op}${is64 ? '' : '32'}`,
        doc: `${j.doc}, comparing ${is64 ? '64' : 'the low 32'} bits, goto target`,
        cpu: is64 ? j.cpu : 3,
      });
    }
  }
}

forms.push({
  id: 'call', opcode: op.BPF_JMP | op.BPF_CALL, srcSel: 0, sem: { kind: 'call' },
  llvm: 'call {imm}', mnemonic: 'call', doc: 'call helper function number imm; r1-r5 are arguments, r0 the result', cpu: 1,
});
forms.push({
  id: 'call_local', opcode: op.BPF_JMP | op.BPF_CALL, srcSel: op.BPF_PSEUDO_CALL, sem: { kind: 'call' },
  llvm: 'call {ctarget}', mnemonic: 'call local', doc: 'call a bpf-to-bpf function (new stack frame; r6-r9 preserved)', cpu: 1,
});
forms.push({
  id: 'call_kfunc', opcode: op.BPF_JMP | op.BPF_CALL, srcSel: op.BPF_PSEUDO_KFUNC_CALL, sem: { kind: 'call' },
  llvm: 'call kfunc {imm}', llvmExtension: true, mnemonic: 'call runtime',
  doc: 'call the kernel function whose BTF id is imm', cpu: 1,
});
forms.push({
  id: 'callx', opcode: op.BPF_JMP | op.BPF_CALL | op.BPF_X, sem: { kind: 'callx' },
  llvm: 'callx {dst}', mnemonic: 'call', doc: 'call the function whose address is in dst', cpu: 1,
});
forms.push({
  id: 'exit', opcode: op.BPF_JMP | op.BPF_EXIT, sem: { kind: 'exit' },
  llvm: 'exit', mnemonic: 'exit', doc: 'return r0 to the caller (or end the program)', cpu: 1,
});
forms.push({
  id: 'may_goto', opcode: op.BPF_JMP | op.BPF_JCOND, sem: { kind: 'mayGoto' },
  llvm: 'may_goto {target}', mnemonic: 'may_goto',
  doc: 'goto target once the loop budget is spent, otherwise fall through', cpu: 1,
});

/** All instruction forms. */
export const FORMS: readonly Form[] = forms;

const byId = new Map<string, Form>();
for (const f of forms) {
  if (byId.has(f.id)) throw new Error(`duplicate instruction form id ${f.id}`);
  byId.set(f.id, f);
}

export function formById(id: string): Form | undefined {
  return byId.get(id);
}
