/**
 * Seeded generators of programs the kernel's verifier accepts, for the differential tests against
 * BPF_PROG_TEST_RUN and for the robustness test: straight-line ALU programs, counted loops with
 * branches, packet readers for socket filters (legacy loads), XDP (direct access and head/tail/meta
 * adjustment) and tc (direct access, skb_load_bytes/store_bytes, checksum helpers), and map users.
 * Every register is initialised first and every packet access is bounds-checked, as the verifier
 * demands; everything else is random.
 */
import { I, slots } from './harness';
import { FORMS, makeInsn, type Insn } from '../../core/src/isa';
import type { MapDef } from '../../core/src/program/model';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const INTERESTING64 = [0n, 1n, 2n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0xffffffffn, 0x80000000n,
  0x7fffffffn, 0x100000000n, 0xfffffffffffffffen, 0xffffffff80000000n, 31n, 32n, 63n, 64n, 7n, 0xdeadbeefcafebaben];
const INTERESTING32 = [0, 1, -1, 2, -2, 0x7fffffff, -0x80000000, 31, 32, 33, 63, 64, 7, 0x55aa, -12345];

export function rand64(r: Rand): bigint {
  if (r() < 0.5) return pick(r, INTERESTING64);
  return (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32));
}

function rand32(r: Rand): number {
  return r() < 0.5 ? pick(r, INTERESTING32) : (Math.floor(r() * 2 ** 32) | 0);
}

const ALU_OPS = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];

/** One random ALU instruction on registers 0..maxReg (never r10), accepted by the verifier. */
export function randomAlu(r: Rand, maxReg: number): Insn {
  const dst = int(r, 0, maxReg), src = int(r, 0, maxReg);
  const k = r();
  if (k < 0.06) return I(r() < 0.5 ? 'neg64' : 'neg32', { dst });
  if (k < 0.14) {
    const id = pick(r, ['movsx8_64', 'movsx16_64', 'movsx32_64', 'movsx8_32', 'movsx16_32']);
    return I(id, { dst, src });
  }
  if (k < 0.22) return I(pick(r, ['le16', 'le32', 'le64', 'be16', 'be32', 'be64', 'bswap16', 'bswap32', 'bswap64']), { dst });
  const op = pick(r, ALU_OPS);
  const is64 = r() < 0.6;
  const useReg = r() < 0.5;
  const id = `${op}${is64 ? '64' : '32'}_${useReg ? 'reg' : 'imm'}`;
  if (useReg) return I(id, { dst, src });
  let imm = rand32(r);
  if (op === 'lsh' || op === 'rsh' || op === 'arsh') imm = int(r, 0, is64 ? 63 : 31);
  if ((op === 'div' || op === 'sdiv' || op === 'mod' || op === 'smod') && imm === 0) imm = 3;
  return I(id, { dst, imm });
}

export interface GenMap { def: MapDef; typeId: number }

export interface GenProgram {
  name: string;
  insns: Insn[];
  progType: 'socket_filter' | 'xdp' | 'sched_cls';
  data: Uint8Array;
  maps?: GenMap[];
  /** Slots of ld_imm64 map references and the map index each names. */
  mapRefs?: [number, number][];
}

export const PROG_TYPE_IDS = { socket_filter: 1, sched_cls: 3, xdp: 6 } as const;

/** A random frame: Ethernet + IPv4/UDP, IPv6 or ARP, 14..200 bytes. */
export function randomPacket(r: Rand): Uint8Array {
  const kind = int(r, 0, 2);
  const len = kind === 0 ? int(r, 34, 200) : kind === 1 ? int(r, 54, 200) : int(r, 14, 120);
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = Math.floor(r() * 256);
  if (r() < 0.5) b.fill(0, 0, 6);
  if (kind === 0) { b[12] = 0x08; b[13] = 0x00; b[14] = 0x45; b[16] = 0; b[17] = Math.min(len - 14, 255); }
  else if (kind === 1) { b[12] = 0x86; b[13] = 0xdd; b[14] = 0x60; }
  else { b[12] = 0x08; b[13] = 0x06; }
  return b;
}

/** Folds r0..r9 into r0 so every bit of every register matters, then exits (32-bit retval). */
function foldAndExit(regs: number): Insn[] {
  const out: Insn[] = [];
  for (let i = 1; i <= regs; i++) {
    out.push(I('mul64_imm', { dst: 0, imm: 31 }), I('add64_reg', { dst: 0, src: i }));
  }
  out.push(I('mov64_reg', { dst: 1, src: 0 }), I('rsh64_imm', { dst: 1, imm: 32 }), I('xor64_reg', { dst: 0, src: 1 }), I('exit'));
  return out;
}

function initRegs(r: Rand, upTo: number): Insn[] {
  const out: Insn[] = [];
  for (let i = 0; i <= upTo; i++) out.push(I('lddw', { dst: i, imm64: rand64(r) }));
  return out;
}

export function aluProgram(r: Rand, name: string): GenProgram {
  const body: Insn[] = [I('mov64_reg', { dst: 9, src: 1 }), ...initRegs(r, 8)];
  const n = int(r, 5, 60);
  for (let i = 0; i < n; i++) body.push(randomAlu(r, 8));
  return { name, insns: slots([...body, ...foldAndExit(8)]), progType: 'socket_filter', data: randomPacket(r) };
}

const JMP_OPS = ['jeq', 'jgt', 'jge', 'jset', 'jne', 'jsgt', 'jsge', 'jlt', 'jle', 'jslt', 'jsle'];

/** A counted loop (r9) whose body mixes ALU operations and forward branches over them. */
export function loopProgram(r: Rand, name: string): GenProgram {
  const pre = initRegs(r, 8);
  const body: Insn[] = [];
  const m = int(r, 2, 12);
  for (let i = 0; i < m; i++) {
    if (r() < 0.25) {
      const is64 = r() < 0.5, useReg = r() < 0.5;
      const id = `${pick(r, JMP_OPS)}${is64 ? '' : '32'}_${useReg ? 'reg' : 'imm'}`;
      body.push(I(id, useReg ? { dst: int(r, 0, 8), src: int(r, 0, 8), off: 1 } : { dst: int(r, 0, 8), imm: rand32(r), off: 1 }));
      body.push(randomAlu(r, 8));
    } else body.push(randomAlu(r, 8));
  }
  const loop = slots([...body, I('sub64_imm', { dst: 9, imm: 1 })]);
  const back = I('jne_imm', { dst: 9, imm: 0, off: -(loop.length + 1) });
  const count = int(r, 1, 40);
  const insns = slots([...pre, I('mov64_imm', { dst: 9, imm: count })]);
  return { name, insns: [...insns, ...loop, back, ...slots(foldAndExit(8))], progType: 'socket_filter', data: randomPacket(r) };
}

/** Socket filter reading the packet with legacy loads (some out of bounds) and __sk_buff fields. */
export function ldAbsProgram(r: Rand, name: string): GenProgram {
  const data = randomPacket(r);
  const insns: Insn[] = [I('mov64_reg', { dst: 6, src: 1 }), I('mov64_imm', { dst: 7, imm: 0 }), I('mov64_imm', { dst: 8, imm: int(r, 0, 40) })];
  const n = int(r, 1, 10);
  for (let i = 0; i < n; i++) {
    const size = pick(r, [1, 2, 4] as const);
    const sz = size === 1 ? 'b' : size === 2 ? 'h' : 'w';
    const limit = data.length - 14 + (r() < 0.15 ? 8 : -size);
    if (r() < 0.3) insns.push(I(`ldind${sz}`, { src: 8, imm: int(r, 0, Math.max(0, limit - 40)) }));
    else insns.push(I(`ldabs${sz}`, { imm: int(r, 0, Math.max(0, limit)) }));
    insns.push(I('mul64_imm', { dst: 7, imm: 31 }), I('add64_reg', { dst: 7, src: 0 }));
    if (r() < 0.3) {
      const off = pick(r, [0, 4, 16, 40, 48, 68]);
      insns.push(I('ldxw', { dst: 0, src: 6, off }), I('xor64_reg', { dst: 7, src: 0 }));
    }
  }
  insns.push(I('mov64_reg', { dst: 0, src: 7 }), I('exit'));
  return { name, insns: slots(insns), progType: 'socket_filter', data };
}

/** XDP: bounds-checked direct reads and writes, sometimes after adjusting head, tail or meta. */
export function xdpProgram(r: Rand, name: string): GenProgram {
  const data = randomPacket(r);
  const insns: Insn[] = [I('mov64_reg', { dst: 6, src: 1 }), I('mov64_imm', { dst: 7, imm: 0 })];
  const adj = r();
  if (adj < 0.45) {
    const helper = pick(r, [44, 65, 54]);
    const delta = helper === 54 ? pick(r, [-4, -8, -32, -36, -3, 4]) : helper === 44 ? pick(r, [-16, -4, 8, 14, -216, -300, 100]) : pick(r, [-4, 10, -40, 200, 4000]);
    insns.push(I('mov64_reg', { dst: 1, src: 6 }), I('mov64_imm', { dst: 2, imm: delta }), I('call', { imm: helper }), I('mov64_reg', { dst: 7, src: 0 }));
  }
  const span = int(r, 1, 40);
  insns.push(
    I('ldxw', { dst: 2, src: 6, off: 0 }), I('ldxw', { dst: 3, src: 6, off: 4 }),
    I('mov64_reg', { dst: 4, src: 2 }), I('add64_imm', { dst: 4, imm: span }),
  );
  const work: Insn[] = [];
  const n = int(r, 1, 8);
  for (let i = 0; i < n; i++) {
    const size = pick(r, [1, 2, 4, 8] as const);
    if (size > span) continue;
    const off = int(r, 0, span - size);
    const sz = size === 1 ? 'b' : size === 2 ? 'h' : size === 4 ? 'w' : 'dw';
    if (r() < 0.35) work.push(I(`st${sz}`, { dst: 2, off, imm: rand32(r) }));
    else work.push(I(`ldx${sz}`, { dst: 5, src: 2, off }), I('mul64_imm', { dst: 7, imm: 33 }), I('add64_reg', { dst: 7, src: 5 }));
  }
  if (r() < 0.3) {
    // Read the metadata area when there is one: data_meta + 4 <= data.
    work.push(I('ldxw', { dst: 5, src: 6, off: 8 }), I('mov64_reg', { dst: 4, src: 5 }), I('add64_imm', { dst: 4, imm: 4 }),
      I('jgt_reg', { dst: 4, src: 2, off: 1 }), I('ldxw', { dst: 7, src: 5, off: 0 }));
  }
  insns.push(I('jgt_reg', { dst: 4, src: 3, off: work.length }), ...work);
  insns.push(I('mov64_reg', { dst: 0, src: 7 }), I('exit'));
  return { name, insns: slots(insns), progType: 'xdp', data };
}

/** tc: skb_load_bytes to the stack, skb_store_bytes, l3_csum_replace, csum_diff, direct reads. */
export function tcProgram(r: Rand, name: string): GenProgram {
  const data = randomPacket(r);
  const insns: Insn[] = [I('mov64_reg', { dst: 6, src: 1 }), I('mov64_imm', { dst: 7, imm: 0 }), I('stdw', { dst: 10, off: -8, imm: 0 }), I('stdw', { dst: 10, off: -16, imm: 0 })];
  const n = int(r, 1, 5);
  for (let i = 0; i < n; i++) {
    const k = r();
    const len = pick(r, [1, 2, 4, 8]);
    const off = int(r, 0, data.length + 4);
    if (k < 0.35) {
      insns.push(I('mov64_reg', { dst: 1, src: 6 }), I('mov64_imm', { dst: 2, imm: off }), I('mov64_reg', { dst: 3, src: 10 }), I('add64_imm', { dst: 3, imm: -16 }),
        I('mov64_imm', { dst: 4, imm: len }), I('call', { imm: 26 }), I('add64_reg', { dst: 7, src: 0 }), I('ldxdw', { dst: 0, src: 10, off: -16 }), I('xor64_reg', { dst: 7, src: 0 }));
    } else if (k < 0.6) {
      insns.push(I('stdw', { dst: 10, off: -8, imm: rand32(r) }), I('mov64_reg', { dst: 1, src: 6 }), I('mov64_imm', { dst: 2, imm: off }), I('mov64_reg', { dst: 3, src: 10 }),
        I('add64_imm', { dst: 3, imm: -8 }), I('mov64_imm', { dst: 4, imm: len }), I('mov64_imm', { dst: 5, imm: pick(r, [0, 0, 2, 8]) }), I('call', { imm: 9 }), I('add64_reg', { dst: 7, src: 0 }));
    } else if (k < 0.8) {
      insns.push(I('mov64_reg', { dst: 1, src: 6 }), I('mov64_imm', { dst: 2, imm: int(r, 0, data.length) }), I('mov64_imm', { dst: 3, imm: rand32(r) }),
        I('mov64_imm', { dst: 4, imm: rand32(r) }), I('mov64_imm', { dst: 5, imm: pick(r, [0, 2, 4, 4, 2]) }), I('call', { imm: 10 }), I('add64_reg', { dst: 7, src: 0 }));
    } else {
      insns.push(I('stdw', { dst: 10, off: -8, imm: rand32(r) }), I('stdw', { dst: 10, off: -16, imm: rand32(r) }),
        I('mov64_reg', { dst: 1, src: 10 }), I('add64_imm', { dst: 1, imm: -16 }), I('mov64_imm', { dst: 2, imm: pick(r, [0, 4, 8]) }),
        I('mov64_reg', { dst: 3, src: 10 }), I('add64_imm', { dst: 3, imm: -8 }), I('mov64_imm', { dst: 4, imm: pick(r, [4, 8]) }),
        I('mov64_imm', { dst: 5, imm: rand32(r) }), I('call', { imm: 28 }), I('add64_reg', { dst: 7, src: 0 }));
    }
  }
  // A direct read of the first bytes, bounds-checked.
  insns.push(I('ldxw', { dst: 2, src: 6, off: 76 }), I('ldxw', { dst: 3, src: 6, off: 80 }), I('mov64_reg', { dst: 4, src: 2 }), I('add64_imm', { dst: 4, imm: 14 }),
    I('jgt_reg', { dst: 4, src: 3, off: 2 }), I('ldxh', { dst: 5, src: 2, off: 12 }), I('add64_reg', { dst: 7, src: 5 }),
    I('ldxw', { dst: 5, src: 6, off: 0 }), I('add64_reg', { dst: 7, src: 5 }));
  insns.push(I('mov64_reg', { dst: 0, src: 7 }), I('exit'));
  return { name, insns: slots(insns), progType: 'sched_cls', data };
}

function mapDef(name: string, type: string, keySize: number, valueSize: number, maxEntries: number): MapDef {
  return { name, type, keySize, valueSize, maxEntries, flags: 0, flagNames: [] };
}

/** Array and hash map traffic: lookups with NULL checks, updates with flags, deletes, atomic adds. */
export function mapProgram(r: Rand, name: string): GenProgram {
  const maps: GenMap[] = [
    { def: mapDef('arr', 'array', 4, 8, 8), typeId: 2 },
    { def: mapDef('h', 'hash', 4, 8, 4), typeId: 1 },
  ];
  const insns: Insn[] = [I('mov64_imm', { dst: 7, imm: 0 })];
  const refs: [number, number][] = [];
  const slotCount = (): number => slots(insns).length;
  const loadMap = (idx: number): void => { refs.push([slotCount(), idx]); insns.push(I('ld_pseudo_1', { dst: 1, imm: idx })); };
  const n = int(r, 2, 10);
  for (let i = 0; i < n; i++) {
    const mapIdx = r() < 0.5 ? 0 : 1;
    const key = int(r, 0, mapIdx === 0 ? 9 : 6);
    insns.push(I('stw', { dst: 10, off: -4, imm: key }), I('stdw', { dst: 10, off: -16, imm: rand32(r) }));
    const k = r();
    if (k < 0.4) {
      loadMap(mapIdx);
      insns.push(I('mov64_reg', { dst: 2, src: 10 }), I('add64_imm', { dst: 2, imm: -4 }), I('mov64_reg', { dst: 3, src: 10 }), I('add64_imm', { dst: 3, imm: -16 }),
        I('mov64_imm', { dst: 4, imm: pick(r, [0, 0, 1, 2]) }), I('call', { imm: 2 }), I('mul64_imm', { dst: 7, imm: 7 }), I('add64_reg', { dst: 7, src: 0 }));
    } else if (k < 0.8) {
      loadMap(mapIdx);
      insns.push(I('mov64_reg', { dst: 2, src: 10 }), I('add64_imm', { dst: 2, imm: -4 }), I('call', { imm: 1 }),
        I('jeq_imm', { dst: 0, imm: 0, off: 4 }), I('ldxdw', { dst: 1, src: 0, off: 0 }), I('add64_reg', { dst: 7, src: 1 }),
        I('mov64_imm', { dst: 1, imm: int(r, 1, 100) }), I('atomic_add_dw', { dst: 0, src: 1, off: 0 }),
        I('add64_imm', { dst: 7, imm: 1 }));
    } else {
      loadMap(mapIdx);
      insns.push(I('mov64_reg', { dst: 2, src: 10 }), I('add64_imm', { dst: 2, imm: -4 }), I('call', { imm: 3 }), I('mul64_imm', { dst: 7, imm: 5 }), I('add64_reg', { dst: 7, src: 0 }));
    }
  }
  insns.push(I('mov64_reg', { dst: 0, src: 7 }), I('exit'));
  return { name, insns: slots(insns), progType: 'socket_filter', data: randomPacket(r), maps, mapRefs: refs };
}

/** Any instruction form with random operands (jumps anywhere, random pointers, calls), ending in exit. */
const USABLE = FORMS.filter((f) => f.sem.kind !== 'ldImm64Hi' && !(f.sem.kind === 'ldImm64' && f.srcSel !== 0 && f.srcSel !== 4));

export function structuredProgram(r: Rand): Insn[] {
  const n = 1 + Math.floor(r() * 30);
  const insns: Insn[] = [];
  for (let i = 0; i < n; i++) {
    const form = USABLE[Math.floor(r() * USABLE.length)]!;
    const reg = (): number => (r() < 0.3 ? 10 : r() < 0.5 ? 1 : Math.floor(r() * 10));
    const imm = r() < 0.5 ? Math.floor(r() * 16) - 8 : (Math.floor(r() * 2 ** 32) | 0);
    const off = r() < 0.7 ? Math.floor(r() * 24) - 16 : Math.floor(r() * 65536) - 32768;
    const fields = { dst: reg(), src: reg(), off: form.sem.kind === 'jcond' || form.sem.kind === 'ja' ? Math.floor(r() * 9) - 4 : off, imm,
      imm64: r() < 0.5 ? BigInt(Math.floor(r() * 2 ** 32)) : BigInt(Math.floor(r() * 8)) };
    if (form.sem.kind === 'call' && form.srcSel === 0) fields.imm = [1, 2, 3, 5, 6, 7, 8, 12, 13, 181, 9999][Math.floor(r() * 11)]!;
    if (form.sem.kind === 'call' && form.srcSel === 1) fields.imm = Math.floor(r() * 9) - 4;
    insns.push(makeInsn(form, fields));
  }
  insns.push(makeInsn(USABLE.find((f) => f.id === 'exit')!, {}));
  return slots(insns);
}


/**
 * bpf-to-bpf calls: the caller keeps values in r6..r9 and its stack across a call to a subprogram
 * that computes on its arguments with its own stack; r0 and the preserved registers are folded.
 */
export function callProgram(r: Rand, name: string): GenProgram {
  const main: Insn[] = [...initRegs(r, 9).slice(1)];
  main.unshift(I('lddw', { dst: 0, imm64: rand64(r) }));
  main.push(I('stdw', { dst: 10, off: -8, imm: rand32(r) }));
  const sub: Insn[] = [I('mov64_reg', { dst: 0, src: 1 }), I('stxdw', { dst: 10, src: 2, off: -8 })];
  const m = int(r, 1, 12);
  for (let i = 0; i < m; i++) sub.push(randomAlu(r, 5));
  sub.push(I('ldxdw', { dst: 3, src: 10, off: -8 }), I('add64_reg', { dst: 0, src: 3 }), I('exit'));
  const calls = int(r, 1, 3);
  const body: Insn[] = [];
  for (let i = 0; i < calls; i++) {
    body.push(I('mov64_reg', { dst: 1, src: 6 + (i % 4) }), I('mov64_reg', { dst: 2, src: 9 - (i % 4) }), I('mov64_imm', { dst: 3, imm: rand32(r) }),
      I('mov64_imm', { dst: 4, imm: rand32(r) }), I('mov64_imm', { dst: 5, imm: rand32(r) }));
    body.push(I('call_local', { imm: 0 }));
    body.push(I('add64_reg', { dst: 6, src: 0 }));
  }
  body.push(I('ldxdw', { dst: 1, src: 10, off: -8 }), I('add64_reg', { dst: 6, src: 1 }), I('mov64_reg', { dst: 0, src: 6 }));
  const fold: Insn[] = [];
  for (let i = 7; i <= 9; i++) fold.push(I('mul64_imm', { dst: 0, imm: 31 }), I('add64_reg', { dst: 0, src: i }));
  fold.push(I('mov64_reg', { dst: 1, src: 0 }), I('rsh64_imm', { dst: 1, imm: 32 }), I('xor64_reg', { dst: 0, src: 1 }), I('exit'));
  const head = slots([...main, ...body, ...fold]);
  // Point every call at the subprogram, which starts right after the caller.
  const subStart = head.length;
  head.forEach((insn, slot) => { if (insn.kind === 'call' && insn.src === 1) insn.imm = subStart - slot - 1; });
  return { name, insns: [...head, ...slots(sub)], progType: 'socket_filter', data: randomPacket(r) };
}
