/**
 * The fast tier: a program compiled to one JavaScript function (through `new Function`) whose
 * registers are local variables holding 32-bit halves. Basic blocks become cases of a `switch (pc)`
 * that fall through into each other, a block that jumps back to its own start becomes an inner loop,
 * as does a loop of several blocks entered only at its head (a loop region, see blocks.ts), and the
 * instruction count is added once per block. Registers known to hold small values (facts.ts) add
 * without carries, and memory accesses go through a cache of regions held in locals. Everything
 * uncommon (the instruction limit within a block, an undecodable slot, a computed call into the
 * middle of a block, a kernel function call) hands the machine over to the stepping interpreter at
 * exactly that instruction, so the results, counts and faults of the two tiers are identical by
 * construction.
 */
import { Op, type Code } from './code';
import { STACK_SIZE, type Frame, type Machine, type PacketInfo } from './machine';
import * as alu from './alu64';
import { atomic32, atomic64, ldAbs } from './ops';
import { asFault, VmFault } from './fault';
import { interpret } from './interp';
import { Memory, REGION_TAG, OFFSET_BIAS } from './memory';
import { cachedLoad, cachedStore, fill1, forget, lit } from './fastMemory';
import { blockSpans, loopRegions, isTerminator, isCondJump } from './blocks';
import { factsAfter, factsNotTaken, smallSum, type Facts } from './facts';

/** What a compiled function returns: finished (exit or callback return), or continue in the interpreter. */
export const FAST_DONE = 0;
export const FAST_DEOPT = 1;

export type FastFn = (m: Machine, stopDepth: number) => number;

const lo = (r: number): string => `l${r}`;
const hi = (r: number): string => `h${r}`;


const ALL = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/*
 * Registers the compiled code assigns: only these can differ from the machine's L/H arrays, so only
 * these are written back when the code hands over, calls out or exits. A register the program never
 * writes keeps the value the arrays already hold (calls and returns reload r6..r10 from the arrays).
 */
let written = new Set<number>(ALL);
let spillAll = '';
/*
 * A call saves the caller's r6..r10 from the locals straight into the callee's frame (Machine.enter)
 * and points r10 at the callee's stack; a return restores them from the frame. All five are saved,
 * since the interpreter may be the one to return, but only the ones compiled code can have changed
 * are restored: the locals of the others still hold the saved values.
 */
let saveCallee = '';
let restoreSaved = '';
function calleeSaves(): void {
  saveCallee = `v=f.saved;${[6, 7, 8, 9, 10].map((r, i) => `v[${2 * i}]=l${r};v[${2 * i + 1}]=h${r};`).join('')}` +
    `l10=${lit((STACK_SIZE + OFFSET_BIAS) | 0)};h10=f.stack.id+${REGION_TAG};`;
  restoreSaved = `v=f.saved;${[6, 7, 8, 9, 10].filter((r) => r === 10 || written.has(r)).map((r) => `l${r}=v[${2 * (r - 6)}];h${r}=v[${2 * (r - 6) + 1}];`).join('')}`;
}
const spill = (rs: number[]): string => rs.filter((r) => written.has(r)).map((r) => `L[${r}]=l${r};H[${r}]=h${r};`).join('');
const reload = (rs: number[]): string => rs.map((r) => `l${r}=L[${r}];h${r}=H[${r}];`).join('');

/** The registers each instruction of the program may assign in compiled code (r0 always: helpers return there). */
function writtenRegisters(code: Code): Set<number> {
  const out = new Set<number>([0]);
  for (let pc = 0; pc < code.length; pc++) {
    const o = code.op[pc]!;
    // A call or return moves the frame pointer in the locals (see calleeSaves).
    if (o === Op.CALL_LOCAL || o === Op.CALLX) out.add(10);
    if (o === Op.INVALID || o === Op.LDIMM64_HI || (o >= Op.STB && o <= Op.STXDW) || o >= Op.JA) continue;
    out.add(code.dst[pc]!);
    if (o >= Op.ATOMIC_ADD_W && o <= Op.ATOMIC_CMPXCHG_DW) out.add(code.src[pc]!);
  }
  return out;
}

/** The registers any instruction names, which the compiled function loads into locals on entry. */
function namedRegisters(code: Code): Set<number> {
  const out = new Set<number>([0, 6, 7, 8, 9, 10]);
  for (let pc = 0; pc < code.length; pc++) { out.add(code.dst[pc]! & 15); out.add(code.src[pc]! & 15); }
  return out;
}

/** The jump condition of a conditional jump at `pc`, as a JavaScript expression. */
function condition(code: Code, pc: number): string {
  const o = code.op[pc]!;
  const d = code.dst[pc]!, s = code.src[pc]!;
  const is64 = o < Op.JEQ32_IMM;
  const base = is64 ? Op.JEQ64_IMM : Op.JEQ32_IMM;
  const k = (o - base) >> 1;
  const reg = ((o - base) & 1) === 1;
  const bl = reg ? lo(s) : lit(code.imm[pc]!), bh = reg ? hi(s) : lit(code.immHi[pc]!);
  const al = lo(d), ah = hi(d);
  const u = (x: string): string => `(${x}>>>0)`;
  if (!is64) {
    switch (k) {
      case 0: return `${al}===${bl}`;
      case 1: return `${u(al)}>${u(bl)}`;
      case 2: return `${u(al)}>=${u(bl)}`;
      case 3: return `(${al}&${bl})!==0`;
      case 4: return `${al}!==${bl}`;
      case 5: return `${al}>${bl}`;
      case 6: return `${al}>=${bl}`;
      case 7: return `${u(al)}<${u(bl)}`;
      case 8: return `${u(al)}<=${u(bl)}`;
      case 9: return `${al}<${bl}`;
      default: return `${al}<=${bl}`;
    }
  }
  const ult = (xl: string, xh: string, yl: string, yh: string): string => `(${xh}===${yh}?${u(xl)}<${u(yl)}:${u(xh)}<${u(yh)})`;
  const slt = (xl: string, xh: string, yl: string, yh: string): string => `(${xh}===${yh}?${u(xl)}<${u(yl)}:${xh}<${yh})`;
  switch (k) {
    case 0: return `${al}===${bl}&&${ah}===${bh}`;
    case 1: return ult(bl, bh, al, ah);
    case 2: return `!${ult(al, ah, bl, bh)}`;
    case 3: return `((${al}&${bl})|(${ah}&${bh}))!==0`;
    case 4: return `(${al}!==${bl}||${ah}!==${bh})`;
    case 5: return slt(bl, bh, al, ah);
    case 6: return `!${slt(al, ah, bl, bh)}`;
    case 7: return ult(al, ah, bl, bh);
    case 8: return `!${ult(bl, bh, al, ah)}`;
    case 9: return slt(al, ah, bl, bh);
    default: return `!${slt(bl, bh, al, ah)}`;
  }
}

/**
 * A 64-bit shift by a constant, open-coded: the shift count is known when compiling, so the case of
 * lsh64/rsh64/arsh64 it would take is chosen here and the call (and its W.hi round trip) disappears.
 */
function constShift(kind: 'lsh' | 'rsh' | 'arsh', k: number, dl: string, dh: string): string {
  if (k === 0) return '';
  if (k < 32) {
    if (kind === 'lsh') return `${dh}=(${dh}<<${k})|(${dl}>>>${32 - k});${dl}<<=${k};`;
    const hiOp = kind === 'rsh' ? '>>>' : '>>';
    return `${dl}=(${dl}>>>${k})|(${dh}<<${32 - k});${dh}=(${dh}${hiOp}${k})|0;`;
  }
  if (kind === 'lsh') return `${dh}=${dl}<<${k - 32};${dl}=0;`;
  if (kind === 'rsh') return `${dl}=(${dh}>>>${k - 32})|0;${dh}=0;`;
  return `${dl}=${dh}>>${k - 32};${dh}>>=31;`;
}

/** Addends up to this bound make a carry out of the low half rare enough to branch on it. */
const RARE_CARRY = 0xfffff;

/** Straight-line JavaScript for one non-terminating instruction. */
function straight(code: Code, pc: number, before: number, facts: Facts): string {
  const o = code.op[pc]!;
  const d = code.dst[pc]!, s = code.src[pc]!, off = code.off[pc]!, imm = code.imm[pc]!, immHi = code.immHi[pc]!;
  const dl = lo(d), dh = hi(d), sl = lo(s), sh = hi(s);
  // Negative constants are parenthesised so that `a - -1` never becomes the decrement `a--1`.
  const IM = lit(imm), IH = lit(immHi);
  const z = `${dh}=0;`;
  const bin64 = (fn: string, bl: string, bh: string): string => `${dl}=${fn}(${dl},${dh},${bl},${bh});${dh}=W.hi;`;
  const sh64 = (fn: string, n: string): string => `${dl}=${fn}(${dl},${dh},${n});${dh}=W.hi;`;
  const ld = (size: number, hiParts?: { hit: string; ctx: string; slow: string }): string => cachedLoad(size, sl, sh, off, pc, dl, dh, hiParts);
  const st = (size: number, vl: string, vh: string): string => cachedStore(size, dl, dh, off, pc, vl, vh);
  // A small value plus a small value fits the low half: the high half stays 0 and no carry is computed.
  if ((o === Op.ADD64_IMM || o === Op.ADD64_REG) && smallSum(facts, code, pc) !== undefined) return `${dl}=(${dl}+${o === Op.ADD64_IMM ? IM : sl})|0;`;
  // Adding a small non-negative value (a packet offset to a pointer, a byte to a sum) carries only
  // when the low half is within that value of 2^32, which is rare: a branch the processor predicts
  // costs less than computing the carry on every addition.
  const addend = o === Op.ADD64_IMM ? (imm >= 0 ? imm : undefined) : o === Op.ADD64_REG ? facts.get(s) : undefined;
  if (addend !== undefined && addend <= RARE_CARRY) return `t=(${dl}+${o === Op.ADD64_IMM ? IM : sl})|0;if((t>>>0)<(${dl}>>>0)){${dh}=(${dh}+1)|0;}${dl}=t;`;
  switch (o) {
    case Op.ADD64_IMM: return `t=(${dl}+${IM})|0;${dh}=(${dh}+${IH}+((t>>>0)<(${dl}>>>0)))|0;${dl}=t;`;
    case Op.ADD64_REG: return `t=(${dl}+${sl})|0;${dh}=(${dh}+${sh}+((t>>>0)<(${dl}>>>0)))|0;${dl}=t;`;
    case Op.SUB64_IMM: return `${dh}=(${dh}-${IH}-((${dl}>>>0)<${imm >>> 0}))|0;${dl}=(${dl}-${IM})|0;`;
    case Op.SUB64_REG: return `${dh}=(${dh}-${sh}-((${dl}>>>0)<(${sl}>>>0)))|0;${dl}=(${dl}-${sl})|0;`;
    case Op.MUL64_IMM: return bin64('mul64', IM, IH);
    case Op.MUL64_REG: return bin64('mul64', sl, sh);
    case Op.DIV64_IMM: return bin64('udiv64', IM, IH);
    case Op.DIV64_REG: return bin64('udiv64', sl, sh);
    case Op.SDIV64_IMM: return bin64('sdiv64', IM, IH);
    case Op.SDIV64_REG: return bin64('sdiv64', sl, sh);
    case Op.MOD64_IMM: return bin64('umod64', IM, IH);
    case Op.MOD64_REG: return bin64('umod64', sl, sh);
    case Op.SMOD64_IMM: return bin64('smod64', IM, IH);
    case Op.SMOD64_REG: return bin64('smod64', sl, sh);
    // A sign-extended immediate has a high half of 0 or -1: the half that would not change is left out.
    case Op.OR64_IMM: return `${dl}|=${IM};${immHi === 0 ? '' : `${dh}=-1;`}`;
    case Op.OR64_REG: return `${dl}|=${sl};${dh}|=${sh};`;
    case Op.AND64_IMM: return `${dl}&=${IM};${immHi === 0 ? `${dh}=0;` : ''}`;
    case Op.AND64_REG: return `${dl}&=${sl};${dh}&=${sh};`;
    case Op.XOR64_IMM: return `${dl}^=${IM};${immHi === 0 ? '' : `${dh}=~${dh};`}`;
    case Op.XOR64_REG: return `${dl}^=${sl};${dh}^=${sh};`;
    case Op.MOV64_IMM: return `${dl}=${IM};${dh}=${IH};`;
    case Op.MOV64_REG: return d === s ? '' : `${dl}=${sl};${dh}=${sh};`;
    case Op.LSH64_IMM: return constShift('lsh', imm & 63, dl, dh);
    case Op.LSH64_REG: return sh64('lsh64', `(${sl}&63)`);
    case Op.RSH64_IMM: return constShift('rsh', imm & 63, dl, dh);
    case Op.RSH64_REG: return sh64('rsh64', `(${sl}&63)`);
    case Op.ARSH64_IMM: return constShift('arsh', imm & 63, dl, dh);
    case Op.ARSH64_REG: return sh64('arsh64', `(${sl}&63)`);
    case Op.NEG64: return `${dh}=(~${dh}+(${dl}===0))|0;${dl}=-${dl}|0;`;
    case Op.ADD32_IMM: return `${dl}=(${dl}+${IM})|0;${z}`;
    case Op.ADD32_REG: return `${dl}=(${dl}+${sl})|0;${z}`;
    case Op.SUB32_IMM: return `${dl}=(${dl}-${IM})|0;${z}`;
    case Op.SUB32_REG: return `${dl}=(${dl}-${sl})|0;${z}`;
    case Op.MUL32_IMM: return `${dl}=Math.imul(${dl},${IM});${z}`;
    case Op.MUL32_REG: return `${dl}=Math.imul(${dl},${sl});${z}`;
    case Op.DIV32_IMM: return `${dl}=udiv32(${dl},${IM});${z}`;
    case Op.DIV32_REG: return `${dl}=udiv32(${dl},${sl});${z}`;
    case Op.SDIV32_IMM: return `${dl}=sdiv32(${dl},${IM});${z}`;
    case Op.SDIV32_REG: return `${dl}=sdiv32(${dl},${sl});${z}`;
    case Op.MOD32_IMM: return `${dl}=umod32(${dl},${IM});${z}`;
    case Op.MOD32_REG: return `${dl}=umod32(${dl},${sl});${z}`;
    case Op.SMOD32_IMM: return `${dl}=smod32(${dl},${IM});${z}`;
    case Op.SMOD32_REG: return `${dl}=smod32(${dl},${sl});${z}`;
    case Op.OR32_IMM: return `${dl}|=${IM};${z}`;
    case Op.OR32_REG: return `${dl}|=${sl};${z}`;
    case Op.AND32_IMM: return `${dl}&=${IM};${z}`;
    case Op.AND32_REG: return `${dl}&=${sl};${z}`;
    case Op.XOR32_IMM: return `${dl}^=${IM};${z}`;
    case Op.XOR32_REG: return `${dl}^=${sl};${z}`;
    case Op.MOV32_IMM: return `${dl}=${IM};${z}`;
    case Op.MOV32_REG: return `${dl}=${sl};${z}`;
    case Op.LSH32_IMM: return `${dl}<<=${imm & 31};${z}`;
    case Op.LSH32_REG: return `${dl}<<=(${sl}&31);${z}`;
    case Op.RSH32_IMM: return `${dl}=(${dl}>>>${imm & 31})|0;${z}`;
    case Op.RSH32_REG: return `${dl}=(${dl}>>>(${sl}&31))|0;${z}`;
    case Op.ARSH32_IMM: return `${dl}>>=${imm & 31};${z}`;
    case Op.ARSH32_REG: return `${dl}>>=(${sl}&31);${z}`;
    case Op.NEG32: return `${dl}=-${dl}|0;${z}`;
    case Op.MOVSX64_8: return `${dl}=(${sl}<<24)>>24;${dh}=${dl}>>31;`;
    case Op.MOVSX64_16: return `${dl}=(${sl}<<16)>>16;${dh}=${dl}>>31;`;
    case Op.MOVSX64_32: return `${dl}=${sl};${dh}=${dl}>>31;`;
    case Op.MOVSX32_8: return `${dl}=(${sl}<<24)>>24;${z}`;
    case Op.MOVSX32_16: return `${dl}=(${sl}<<16)>>16;${z}`;
    case Op.ASC: return `${dl}=${sl};${dh}=${sh};`;
    case Op.LE16: return `${dl}&=0xffff;${z}`;
    case Op.LE32: return z;
    case Op.LE64: return '';
    case Op.BE16: return `${dl}=bswap16(${dl});${z}`;
    case Op.BE32: return `${dl}=bswap32(${dl});${z}`;
    case Op.BE64: return `t=${dl};${dl}=bswap32(${dh});${dh}=bswap32(t);`;
    case Op.LDXB: return `${ld(1)}${z}`;
    case Op.LDXH: return `${ld(2)}${z}`;
    // A 32-bit load of a context pointer field gives a whole pointer: a cached region has none, so a hit
    // clears the high half, the context path sets the packet tag and the slow path takes it from W.hi.
    case Op.LDXW: return ld(4, { hit: `${dh}=0;`, ctx: `${dh}=PH;`, slow: `${dh}=W.hi;` });
    case Op.LDXDW: return ld(8);
    case Op.LDXSB: return `${ld(1)}${dl}=(${dl}<<24)>>24;${dh}=${dl}>>31;`;
    case Op.LDXSH: return `${ld(2)}${dl}=(${dl}<<16)>>16;${dh}=${dl}>>31;`;
    case Op.LDXSW: return ld(4, { hit: `${dh}=${dl}>>31;`, ctx: `${dh}=PH;`, slow: `${dh}=W.hi!==0?W.hi:${dl}>>31;` });
    case Op.STB: return st(1, IM, '0');
    case Op.STH: return st(2, IM, '0');
    case Op.STW: return st(4, IM, '0');
    case Op.STDW: return st(8, IM, IH);
    case Op.STXB: return st(1, sl, '0');
    case Op.STXH: return st(2, sl, '0');
    case Op.STXW: return st(4, sl, '0');
    case Op.STXDW: return st(8, sl, sh);
    case Op.LDIMM64: return `${dl}=${IM};${dh}=${IH};`;
    default:
      if (o >= Op.ATOMIC_ADD_W && o <= Op.ATOMIC_CMPXCHG_DW) {
        const w = o <= Op.ATOMIC_CMPXCHG_W;
        const kind = o - (w ? Op.ATOMIC_ADD_W : Op.ATOMIC_ADD_DW);
        const regs = [...new Set([0, d, s])];
        return `pc=${pc};${spill(regs)}${w ? 'atomic32' : 'atomic64'}(m,${kind},${d},${s},${off},${pc});${reload(regs)}`;
      }
      // Unreachable for valid op numbers: hand over to the interpreter at this slot.
      return deopt(pc, before);
  }
}

function deopt(pc: number, before: number): string {
  return `${spillAll}m.pc=${pc};m.count=n0+n-${before};return ${FAST_DEOPT};`;
}

/** Compiles a program; the function runs from m.pc until the frame at stopDepth exits. */
export function compileFast(code: Code): FastFn {
  const n = code.length;
  written = writtenRegisters(code);
  spillAll = spill(ALL);
  calleeSaves();
  const named = [...namedRegisters(code)].filter((r) => r <= 10);
  const leader = new Uint8Array(n + 1);
  // Slots entered other than by falling through (jump and call targets, return addresses, callbacks):
  // only blocks starting there check the instruction limit, for themselves and the blocks they fall into.
  const target = new Uint8Array(n + 1);
  leader[0] = 1;
  target[0] = 1;
  // Targets entered other than by a jump (the entry, calls, returns, callbacks) are `entered`.
  const entered = new Uint8Array(n + 1);
  entered[0] = 1;
  const mark = (t: number, jump = false): void => { if (t >= 0 && t < n) { leader[t] = 1; target[t] = 1; if (!jump) entered[t] = 1; } };
  for (let pc = 0; pc < n; pc++) {
    const o = code.op[pc]!;
    const next = o === Op.LDIMM64 ? pc + 2 : pc + 1;
    if (isTerminator(o) && next <= n) leader[next] = 1;
    if (o === Op.JA || isCondJump(o) || o === Op.MAY_GOTO) mark(pc + code.off[pc]! + 1, true);
    if (o === Op.CALL_LOCAL) mark(pc + code.imm[pc]! + 1);
    if (o === Op.CALL_LOCAL || o === Op.CALLX) mark(next);
    if (o === Op.LDIMM64 && code.immHi[pc] === 0xfd) mark(code.imm[pc]!);
  }
  for (let pc = 0; pc < n; pc++) if (code.op[pc] === Op.LDIMM64 && pc + 1 < n) { leader[pc + 1] = 0; target[pc + 1] = 0; }
  const parts: string[] = [];
  // Per slot: how much to subtract from n for the count before the slot (see `rest` below).
  const beforeOf = new Int32Array(n + 1);
  // Slots whose compiled access goes through a DataView on a window (loads wider than a byte, stores).
  const viewed = new Uint8Array(n + 1);
  for (let pc = 0; pc < n; pc++) {
    const o = code.op[pc]!;
    if ((o >= Op.LDXH && o <= Op.LDXDW) || o === Op.LDXSH || o === Op.LDXSW || (o >= Op.STB && o <= Op.STXDW)) viewed[pc] = 1;
  }
  const blocks: { start: number; body: string; selfLoop: boolean }[] = [];
  const spans = blockSpans(code, leader);
  const { regionOf, inner, opens } = loopRegions(code, spans, target, entered);
  const nb = spans.length;
  // A loop region without calls checks the limit once per iteration, at its head, for the whole
  // region and the blocks it falls into after it; its inner targets (reached only from inside the
  // same iteration) then check nothing. A conservative check is exact all the same: when it fails,
  // the interpreter takes over at the head and stops at precisely the instruction the limit allows.
  const plain = new Map<number, boolean>();
  spans.forEach((sp, i) => {
    const r = regionOf[i]!;
    if (r < 0) return;
    const calls = sp.slots.some((x) => { const o = code.op[x]!; return o === Op.CALL_HELPER || o === Op.CALL_LOCAL || o === Op.CALLX || o === Op.CALL_KFUNC || (o >= Op.LDABSB && o <= Op.LDINDW); });
    plain.set(r, (plain.get(r) ?? true) && !calls);
  });
  /*
   * Chains: a block that checks the limit and the blocks after it up to the next such block. The
   * head of a chain checks and counts the whole chain at once, so n is always the exact count plus
   * the instructions left on the straight path to the end of the chain (`rest`, per block). Every
   * way out of the chain subtracts what it skips: a jump to another chain (or back to a loop head)
   * the rest of the chain, a forward jump inside it the blocks it jumps over.
   */
  const checks = spans.map((sp, i) => {
    const region = regionOf[i]!;
    return target[sp.start] === 1 && !(region >= 0 && region !== sp.start && plain.get(region) === true);
  });
  const rest = new Array<number>(nb).fill(0);
  for (let i = nb - 2; i >= 0; i--) rest[i] = checks[i + 1] ? 0 : rest[i + 1]! + spans[i + 1]!.slots.length;
  const blockAt = new Map<number, number>();
  spans.forEach((sp, i) => blockAt.set(sp.start, i));
  const facts: Facts = new Map();
  spans.forEach(({ start, slots, end }, bi) => {
    // Facts flow only along a fall-through from a block that ends in straight code or a conditional jump.
    const prevLast = bi > 0 ? code.op[spans[bi - 1]!.slots[spans[bi - 1]!.slots.length - 1]!]! : Op.INVALID;
    if (target[start] === 1 || bi === 0 || (isTerminator(prevLast) && !isCondJump(prevLast))) facts.clear();
    // Inside a loop region, a jump back to its head continues the region's own loop (no dispatch).
    const head = regionOf[bi]!;
    const lastOfRegion = head >= 0 && (bi + 1 >= nb || regionOf[bi + 1] !== head);
    const len = slots.length;
    const last = slots[len - 1]!;
    const lastOp = code.op[last]!;
    const selfLoop = isCondJump(lastOp) && last + code.off[last]! + 1 === start;
    const leaveChain = rest[bi]! > 0 ? `n=(n-${rest[bi]})|0;` : '';
    let body = '';
    slots.forEach((s, i) => {
      const before = len - i + rest[bi]!;
      beforeOf[s] = before;
      const o = code.op[s]!;
      if (!isTerminator(o)) { body += straight(code, s, before, facts); factsAfter(facts, code, s); return; }
      if (isCondJump(o)) factsNotTaken(facts, code, s);
      const fall = o === Op.LDIMM64 ? s + 2 : s + 1;
      const jumpTo = (t: number): string => {
        if (head >= 0 && t === head) return `${leaveChain}pc=${t};continue R${t};`;
        if (head >= 0 && inner.has(t)) {
          // A forward jump to a block of the same chain skips the blocks in between.
          const tb = blockAt.get(t)!;
          const skip = checks[tb] ? rest[bi]! : rest[bi]! - rest[tb]! - spans[tb]!.slots.length;
          return `${skip > 0 ? `n=(n-${skip})|0;` : ''}pc=${t};break F${t};`;
        }
        return `${leaveChain}pc=${t};continue D;`;
      };
      switch (o) {
        case Op.JA: body += jumpTo(s + code.off[s]! + 1); break;
        case Op.MAY_GOTO: body += `if(m.mayGoto>0){m.mayGoto--;}else{${jumpTo(s + code.off[s]! + 1)}}pc=${fall};`; break;
        case Op.EXIT:
          body += `if(m.frames.length-1<=stopDepth){${spillAll}m.pc=${s};m.count=n0+n-${before - 1};if(stopDepth>0){m.popFrame();}else{m.finished=true;}return ${FAST_DONE};}`;
          body += `${leaveChain}f=m.frames.pop();${restoreSaved}pc=f.returnPc;continue D;`;
          break;
        case Op.CALL_LOCAL:
          // enter may fault (too many frames): the count is taken down only once it succeeded.
          body += `pc=${s};f=m.enter(${fall},${s});${saveCallee}${jumpTo(s + code.imm[s]! + 1)}`;
          break;
        case Op.CALLX: {
          const d = code.dst[s]!;
          body += `pc=${s};if(h${d}===0){${spillAll}m.pc=${s};m.count=n0+n-${before - 1};m.helpers.call(m,l${d},${s});` +
            `if(m.tailCallPending){return ${FAST_DEOPT};}n=m.count-n0;l0=L[0];h0=H[0];${forget}pc=${fall};continue D;}`;
          body += `${spill([6, 7, 8, 9, 10])}t=m.funcSlot(l${d},h${d},${s});m.pushFrame(${fall},${s});${leaveChain}${reload([10])}pc=t;` +
            `if(CK[t]!==1){${spillAll}m.pc=t;m.count=n0+n;return ${FAST_DEOPT};}continue D;`;
          break;
        }
        case Op.CALL_HELPER:
          body += `pc=${s};${spillAll}m.pc=${s};m.count=n0+n-${before - 1};m.helpers.call(m,${code.imm[s]},${s});` +
            `if(m.tailCallPending){return ${FAST_DEOPT};}n=m.count-n0+${before - 1};l0=L[0];h0=H[0];${forget}pc=${fall};`;
          break;
        case Op.LDABSB: case Op.LDABSH: case Op.LDABSW: case Op.LDINDB: case Op.LDINDH: case Op.LDINDW: {
          const ind = o >= Op.LDINDB;
          const size = [1, 2, 4][o - (ind ? Op.LDINDB : Op.LDABSB)]!;
          const at = ind ? `(l${code.src[s]}+${lit(code.imm[s]!)})|0` : lit(code.imm[s]!);
          body += `pc=${s};t=ldAbs(m,${at},${size},${s});l0=L[0];h0=H[0];if(!t){${spillAll}m.pc=${s};m.count=n0+n-${before - 1};m.finished=true;return ${FAST_DONE};}pc=${fall};`;
          break;
        }
        default:
          if (isCondJump(o)) {
            const t = s + code.off[s]! + 1;
            if (selfLoop) body += `if(${condition(code, s)}){${leaveChain}continue;}pc=${fall};break;`;
            else body += `if(${condition(code, s)}){${jumpTo(t)}}pc=${fall};`;
            // The last block of a region leaves its loop when the backward jump is not taken.
            if (head >= 0 && t === head && lastOfRegion) body += `break R${t};`;
          } else body += deopt(s, before);
      }
    });
    // A block that runs off the end of the program must say where it went, or the switch would re-enter it.
    if (!isTerminator(lastOp) && end >= n) body += `pc=${end};`;
    blocks.push({ start, body, selfLoop });
  });
  let open = -1;
  blocks.forEach((b, i) => {
    let head = '';
    const region = regionOf[i]!;
    if (checks[i]) {
      const chain = spans[i]!.slots.length + rest[i]!;
      // The count stays below 2^30 plus one chain (the limit is capped), so `|0` is exact; it spares
      // V8's overflow check on each addition, which measured 7% of a packet loop's time.
      head = `if(((n+${chain})|0)>limit){${spillAll}m.pc=${b.start};m.count=n0+n;return ${FAST_DEOPT};}n=(n+${chain})|0;`;
    }
    // Forward jumps inside a region leave a labelled block that ends just before their target.
    const labels = (opens.get(i) ?? []).map((x) => `F${x}:{`).join('');
    const closes = inner.has(b.start) ? '}' : '';
    if (region >= 0 && region !== b.start) { parts.push(`${closes}${labels}${head}${b.body}`); }
    else if (region === b.start) { parts.push(`case ${b.start}:R${b.start}:for(;;){${labels}${head}${b.body}`); open = region; }
    else if (b.selfLoop) parts.push(`case ${b.start}:for(;;){${head}${b.body}}`);
    else parts.push(`case ${b.start}:${head}${b.body}`);
    // Close the region's loop after its last block.
    if (open >= 0 && (i + 1 >= blocks.length || regionOf[i + 1] !== open)) { parts[parts.length - 1] += '}'; open = -1; }
  });
  // The packet and the current frame's stack are where nearly every access goes: the cache starts
  // with them (the packet in the first entry, which every access checks first), and with the context
  // for its pointer fields. Only what the program can use is looked up: entering costs on every run.
  const memOps = code.op.some((o) => o >= Op.LDXB && o <= Op.ATOMIC_CMPXCHG_DW);
  const ctxLoads = code.op.some((o) => o === Op.LDXW || o === Op.LDXSW);
  let namesFp = false;
  for (let pc = 0; pc < n; pc++) if (code.op[pc] !== Op.INVALID && (code.dst[pc] === 10 || code.src[pc] === 10)) namesFp = true;
  const seed = (!memOps ? '' : (namesFp ? `q = m.frames[m.frames.length - 1].stack;${fill1('q')}` : '') +
    'q = m.packet === undefined ? NOREG : m.packet.region;' +
    `if (q.live && q.ptrFields === undefined && q.kind !== "ringbuf") { H2 = H1; S2 = S1; B2 = B1; V2 = V1; W2 = W1; ${fill1('q')} }`) +
    (ctxLoads ? 'q = m.ctxRegion === undefined || m.ctxRegion.ptrFields === undefined ? NOREG : m.ctxRegion;' : 'q = NOREG;') +
    `const XH = q.id + ${REGION_TAG}, XE = q === NOREG ? 0 : q.end, XK = q === NOREG || q.ptrKinds === undefined ? NOK : q.ptrKinds;` +
    `const P = m.packet === undefined ? NOPKT : m.packet, PH = P.region.id + ${REGION_TAG};`;
  const src = `
return function fast(m, stopDepth) {
  if (CK[m.pc] !== 1) return ${FAST_DEOPT};
  // Counts run relative to the count on entry, against a limit capped to a small integer, so that the
  // per-block additions and limit checks stay integer operations even when the run's limit (or count)
  // is beyond 32 bits. Reaching the cap only hands over to the interpreter, which goes on exactly.
  const n0 = m.count, limit = Math.max(Math.min(m.limit - n0, ${LIMIT_CAP}), -1) | 0;
  const L = m.L, H = m.H, mem = m.mem;
  let ${ALL.map((r) => (named.includes(r) ? `l${r}=L[${r}],h${r}=H[${r}]` : `l${r}=0,h${r}=0`)).join(',')};
  let pc = m.pc, n = 0, t = 0, a = 0, b = 0, i = 0, k = 0, q = NOREG, f = NOFRAME, v = NOFRAME.saved;
  let H1 = -1, S1 = 0, B1 = NOREG.view, V1 = NOREG.viewDv, W1 = false;
  let H2 = -1, S2 = 0, B2 = NOREG.view, V2 = NOREG.viewDv, W2 = false;
  ${seed}
  try {
    D: for (;;) {
      switch (pc) {
        ${parts.join('\n        ')}
        default: ${spillAll}m.pc=pc;m.count=n0+n;return ${FAST_DEOPT};
      }
    }
  } catch (e) {
    if (e === m.fault) throw e;
    ${spillAll}
    // A view's own bounds check failed (see the region cache): the interpreter performs the access
    // at pc again and raises its fault. Every call out of compiled code sets pc first, so a RangeError
    // from anywhere else never lands on such a slot.
    if (e instanceof RangeError && AV[pc] === 1) { m.pc = pc; m.count = n0 + n - B[pc]; return ${FAST_DEOPT}; }
    const slot = e instanceof VmFault ? e.slot : pc;
    m.pc = slot; m.count = n0 + n - (B[slot] === undefined ? 0 : B[slot]) + 1;
    throw asFault(e, slot);
  }
};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('W', 'mul64', 'udiv64', 'umod64', 'sdiv64', 'smod64', 'udiv32', 'umod32', 'sdiv32', 'smod32',
    'lsh64', 'rsh64', 'arsh64', 'bswap16', 'bswap32', 'atomic32', 'atomic64', 'ldAbs', 'VmFault', 'asFault', 'B', 'NOREG', 'CK', 'NOK', 'NOPKT', 'AV', 'NOFRAME', src) as (...a: unknown[]) => FastFn;
  const fn = factory(alu.W, alu.mul64, alu.udiv64, alu.umod64, alu.sdiv64, alu.smod64, alu.udiv32, alu.umod32, alu.sdiv32, alu.smod32,
    alu.lsh64, alu.rsh64, alu.arsh64, alu.bswap16, alu.bswap32, atomic32, atomic64, ldAbs, VmFault, asFault, beforeOf, NOREG, target, NOK, NOPKT, viewed, NOFRAME);
  return fn;
}

/**
 * The region the cache starts with: an empty window, so the first access always misses. It is made
 * by Memory.add like every real region, so that the compiled code's property reads of the cached
 * region see one object shape and stay monomorphic.
 */
const NOREG = new Memory().add('scratch', '', 'no region', new Uint8Array(0), false);

/** What the frame locals start as: a frame of the pool's shape, never entered. */
const NOFRAME: Frame = { returnPc: -2, callSlot: -1, saved: new Int32Array(10), stack: NOREG };

/** The most instructions one entry into a compiled function counts before handing over (2^30). */
const LIMIT_CAP = 0x40000000;

/** The context pointer field kinds of a program without such a context: none. */
const NOK = new Int8Array(0);
/** The packet bounds of a run without a packet; never read, since only a packet's context has field kinds. */
const NOPKT: PacketInfo = { region: NOREG, meta: 0, data: 0, end: 0, netOff: 0, macOff: 0 };

const cache = new WeakMap<Code, FastFn>();
/**
 * Compiled functions by instruction array and resolved immediates, so loading the same program again
 * (a benchmark, the debugger restarting) does not compile it again.
 */
const byInsns = new WeakMap<object, Map<string, FastFn>>();

function signature(code: Code): string {
  let s = '';
  for (let pc = 0; pc < code.length; pc++) if (code.op[pc] === Op.LDIMM64) s += `${pc}:${code.imm[pc]}:${code.immHi[pc]},`;
  return s;
}

/** The last program looked up and its function: repeated runs of one program skip the WeakMap. */
let lastCode: Code | undefined;
let lastFn: FastFn | undefined;

export function fastFor(code: Code): FastFn {
  if (code === lastCode) return lastFn!;
  let f = cache.get(code);
  if (f !== undefined) { lastCode = code; lastFn = f; return f; }
  let bySig = byInsns.get(code.insns);
  if (bySig === undefined) { bySig = new Map(); byInsns.set(code.insns, bySig); }
  const sig = signature(code);
  f = bySig.get(sig);
  if (f === undefined) { f = compileFast(code); bySig.set(sig, f); }
  cache.set(code, f);
  lastCode = code; lastFn = f;
  return f;
}

/**
 * Runs the machine in the fast tier until the frame at stopDepth exits, falling back to the stepping
 * interpreter whenever the compiled code hands over. Faults end up in m.fault, as with `interpret`.
 */
export function runFast(m: Machine, stopDepth = 0): void {
  const prevTier = m.tier;
  m.tier = runFastNested;
  try {
    for (;;) {
      const r = fastFor(m.code)(m, stopDepth);
      if (r === FAST_DONE) return;
      // Handed over: a tail call switched programs (continue compiled), or the interpreter takes the next step.
      if (m.tailCallPending) { m.tailCallPending = false; continue; }
      const why = interpret(m, stopDepth, { budget: 1 });
      if (why === 'fault' || why === 'exit' || why === 'return') return;
    }
  } catch (e) {
    m.fault = asFault(e, m.pc);
  } finally {
    m.tier = prevTier;
  }
}

function runFastNested(m: Machine, depth: number): void {
  runFast(m, depth);
  if (m.fault) throw m.fault;
}
