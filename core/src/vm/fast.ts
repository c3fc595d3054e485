/**
 * The fast tier: a program compiled to one JavaScript function (through `new Function`) whose
 * registers are local variables holding 32-bit halves. Basic blocks become cases of a `switch (pc)`
 * that fall through into each other, a block that jumps back to its own start becomes an inner loop,
 * as does a loop of several blocks entered only at its head (a loop region, see blocks.ts), and the
 * instruction count is added once per block. Everything uncommon (the instruction limit
 * within a block, an undecodable slot, a computed call into the middle of a block, a kernel function
 * call) hands the machine over to the stepping interpreter at exactly that instruction, so the
 * results, counts and faults of the two tiers are identical by construction.
 */
import { Op, type Code } from './code';
import type { Machine } from './machine';
import * as alu from './alu64';
import { atomic32, atomic64, ldAbs } from './ops';
import { asFault, VmFault } from './fault';
import { interpret } from './interp';
import { Memory } from './memory';
import { blockSpans, loopRegions, isTerminator, isCondJump } from './blocks';

/** What a compiled function returns: finished (exit or callback return), or continue in the interpreter. */
export const FAST_DONE = 0;
export const FAST_DEOPT = 1;

export type FastFn = (m: Machine, stopDepth: number) => number;

const lo = (r: number): string => `l${r}`;
const hi = (r: number): string => `h${r}`;

function lit(v: number): string {
  return v < 0 ? `(${v})` : String(v);
}

const ALL = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const spillAll = ALL.map((r) => `L[${r}]=l${r};H[${r}]=h${r};`).join('');
const spill = (rs: number[]): string => rs.map((r) => `L[${r}]=l${r};H[${r}]=h${r};`).join('');
const reload = (rs: number[]): string => rs.map((r) => `l${r}=L[${r}];h${r}=H[${r}];`).join('');

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

/** Straight-line JavaScript for one non-terminating instruction. */
function straight(code: Code, pc: number, before: number): string {
  const o = code.op[pc]!;
  const d = code.dst[pc]!, s = code.src[pc]!, off = code.off[pc]!, imm = code.imm[pc]!, immHi = code.immHi[pc]!;
  const dl = lo(d), dh = hi(d), sl = lo(s), sh = hi(s);
  // Negative constants are parenthesised so that `a - -1` never becomes the decrement `a--1`.
  const IM = lit(imm), IH = lit(immHi);
  const z = `${dh}=0;`;
  const bin64 = (fn: string, bl: string, bh: string): string => `${dl}=${fn}(${dl},${dh},${bl},${bh});${dh}=W.hi;`;
  const sh64 = (fn: string, n: string): string => `${dl}=${fn}(${dl},${dh},${n});${dh}=W.hi;`;
  const ld = (size: number): string => cachedLoad(size, sl, sh, off, pc, dl, size === 8 ? dh : undefined);
  const st = (size: number, vl: string, vh: string): string => cachedStore(size, dl, dh, off, pc, vl, vh);
  switch (o) {
    case Op.ADD64_IMM: return `t=(${dl}+${IM})|0;${dh}=(${dh}+${IH}+((t>>>0)<(${dl}>>>0)?1:0))|0;${dl}=t;`;
    case Op.ADD64_REG: return `t=(${dl}+${sl})|0;${dh}=(${dh}+${sh}+((t>>>0)<(${dl}>>>0)?1:0))|0;${dl}=t;`;
    case Op.SUB64_IMM: return `${dh}=(${dh}-${IH}-((${dl}>>>0)<${imm >>> 0}?1:0))|0;${dl}=(${dl}-${IM})|0;`;
    case Op.SUB64_REG: return `${dh}=(${dh}-${sh}-((${dl}>>>0)<(${sl}>>>0)?1:0))|0;${dl}=(${dl}-${sl})|0;`;
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
    case Op.OR64_IMM: return `${dl}|=${IM};${dh}|=${IH};`;
    case Op.OR64_REG: return `${dl}|=${sl};${dh}|=${sh};`;
    case Op.AND64_IMM: return `${dl}&=${IM};${dh}&=${IH};`;
    case Op.AND64_REG: return `${dl}&=${sl};${dh}&=${sh};`;
    case Op.XOR64_IMM: return `${dl}^=${IM};${dh}^=${IH};`;
    case Op.XOR64_REG: return `${dl}^=${sl};${dh}^=${sh};`;
    case Op.MOV64_IMM: return `${dl}=${IM};${dh}=${IH};`;
    case Op.MOV64_REG: return d === s ? '' : `${dl}=${sl};${dh}=${sh};`;
    case Op.LSH64_IMM: return constShift('lsh', imm & 63, dl, dh);
    case Op.LSH64_REG: return sh64('lsh64', `(${sl}&63)`);
    case Op.RSH64_IMM: return constShift('rsh', imm & 63, dl, dh);
    case Op.RSH64_REG: return sh64('rsh64', `(${sl}&63)`);
    case Op.ARSH64_IMM: return constShift('arsh', imm & 63, dl, dh);
    case Op.ARSH64_REG: return sh64('arsh64', `(${sl}&63)`);
    case Op.NEG64: return `${dh}=(~${dh}+(${dl}===0?1:0))|0;${dl}=-${dl}|0;`;
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
    // A 32-bit load of a context pointer field gives a whole pointer: only the slow path (never cached) sets W.hi.
    case Op.LDXW: return `W.hi=0;${ld(4)}${dh}=W.hi;`;
    case Op.LDXDW: return ld(8);
    case Op.LDXSB: return `${ld(1)}${dl}=(${dl}<<24)>>24;${dh}=${dl}>>31;`;
    case Op.LDXSH: return `${ld(2)}${dl}=(${dl}<<16)>>16;${dh}=${dl}>>31;`;
    case Op.LDXSW: return `W.hi=0;${ld(4)}${dh}=W.hi!==0?W.hi:${dl}>>31;`;
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
        return `${spill(regs)}${w ? 'atomic32' : 'atomic64'}(m,${kind},${d},${s},${off},${pc});${reload(regs)}`;
      }
      // Unreachable for valid op numbers: hand over to the interpreter at this slot.
      return deopt(pc, before);
  }
}

/*
 * Memory accesses in compiled code go through a two-entry cache of recently used regions held in
 * locals (CR/CH and CR2/CH2: the region and the high half of pointers into it). A hit costs one
 * comparison of the high half and a window check; a miss calls the checked Memory method, which
 * raises the fault if there is one, and then caches the region. Regions whose loads are special
 * (context pointer fields) or that can be released are never cached, and helper calls (the only
 * thing that moves a window or releases a region) empty the cache. Emptying means pointing both
 * entries at NOREG, whose window is empty, and never resetting only the tags: every 32-bit value is
 * a possible high half (a sign-extended scalar has 0xffffffff there), so a tag alone cannot mark an
 * entry unused, and a stale region with a matching tag would let a non-pointer read real memory.
 */
function readExpr(R: string, size: number, hiDst?: string): string {
  switch (size) {
    case 1: return `${R}.bytes[a]`;
    case 2: return `${R}.dv.getUint16(a,true)`;
    case 4: return `${R}.dv.getInt32(a,true)`;
    default: return `${R}.dv.getInt32(a,true);${hiDst}=${R}.dv.getInt32(a+4,true)`;
  }
}

const remember = 'q=mem.regionOf(b);if(q!==undefined&&q.ptrFields===undefined&&q.kind!=="ringbuf"){CR2=CR;CH2=CH;CR=q;CH=b;}';

function cachedLoad(size: number, bl: string, bh: string, off: number, pc: number, dl: string, dh?: string): string {
  const hit = (R: string): string => `${dl}=${readExpr(R, size, dh)};`;
  const slow = `${dl}=mem.load(${bl},b,${off},${size},${pc});${dh !== undefined ? `${dh}=W.hi;` : ''}${remember}`;
  return `a=((${bl}+${lit(off)})|0)^-2147483648;b=${bh};` +
    `if(b===CH&&a>=CR.start&&a+${size}<=CR.end){${hit('CR')}}` +
    `else if(b===CH2&&a>=CR2.start&&a+${size}<=CR2.end){${hit('CR2')}}else{${slow}}`;
}

function cachedStore(size: number, bl: string, bh: string, off: number, pc: number, vl: string, vh: string): string {
  const write = (R: string): string => {
    switch (size) {
      case 1: return `${R}.bytes[a]=${vl};`;
      case 2: return `${R}.dv.setUint16(a,${vl},true);`;
      case 4: return `${R}.dv.setInt32(a,${vl},true);`;
      default: return `${R}.dv.setInt32(a,${vl},true);${R}.dv.setInt32(a+4,${vh},true);`;
    }
  };
  return `a=((${bl}+${lit(off)})|0)^-2147483648;b=${bh};` +
    `if(b===CH&&a>=CR.start&&a+${size}<=CR.end&&CR.writable){${write('CR')}}` +
    `else if(b===CH2&&a>=CR2.start&&a+${size}<=CR2.end&&CR2.writable){${write('CR2')}}` +
    `else{mem.store(${bl},b,${lit(off)},${size},${vl},${vh},${pc});${remember}}`;
}

function deopt(pc: number, before: number): string {
  return `${spillAll}m.pc=${pc};m.count=n-${before};return ${FAST_DEOPT};`;
}

/** Compiles a program; the function runs from m.pc until the frame at stopDepth exits. */
export function compileFast(code: Code): FastFn {
  const n = code.length;
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
  // Per slot: how much to subtract from n (which already counts the whole block) for the count before the slot.
  const beforeOf = new Int32Array(n + 1);
  const blocks: { start: number; len: number; body: string; selfLoop: boolean }[] = [];
  const spans = blockSpans(code, leader);
  const { regionOf, inner, opens } = loopRegions(code, spans, target, entered);
  spans.forEach(({ start, slots, end }, bi) => {
    // Inside a loop region, a jump back to its head continues the region's own loop (no dispatch).
    const head = regionOf[bi]!;
    const lastOfRegion = head >= 0 && (bi + 1 >= spans.length || regionOf[bi + 1] !== head);
    const len = slots.length;
    const last = slots[len - 1]!;
    const lastOp = code.op[last]!;
    const selfLoop = isCondJump(lastOp) && last + code.off[last]! + 1 === start;
    let body = '';
    slots.forEach((s, i) => {
      const before = len - i;
      beforeOf[s] = before;
      const o = code.op[s]!;
      if (!isTerminator(o)) { body += straight(code, s, before); return; }
      const fall = o === Op.LDIMM64 ? s + 2 : s + 1;
      const jumpTo = (t: number): string => (head >= 0 && t === head ? `pc=${t};continue R${t};`
        : head >= 0 && inner.has(t) ? `pc=${t};break F${t};` : `pc=${t};continue D;`);
      switch (o) {
        case Op.JA: body += jumpTo(s + code.off[s]! + 1); break;
        case Op.MAY_GOTO: body += `if(m.mayGoto>0){m.mayGoto--;}else{${jumpTo(s + code.off[s]! + 1)}}pc=${fall};`; break;
        case Op.EXIT:
          body += `if(m.frames.length-1<=stopDepth){${spillAll}m.pc=${s};m.count=n;if(stopDepth>0){m.popFrame();}else{m.finished=true;}return ${FAST_DONE};}`;
          body += `${spill([6, 7, 8, 9, 10])}pc=m.popFrame();${reload([6, 7, 8, 9, 10])}continue D;`;
          break;
        case Op.CALL_LOCAL:
          body += `${spill([6, 7, 8, 9, 10])}m.pushFrame(${fall},${s});${reload([10])}${jumpTo(s + code.imm[s]! + 1)}`;
          break;
        case Op.CALLX: {
          const d = code.dst[s]!;
          body += `if(h${d}===0){${spillAll}m.pc=${s};m.count=n-${before - 1};m.helpers.call(m,l${d},${s});` +
            `if(m.tailCallPending){return ${FAST_DEOPT};}n=m.count+${before - 1};l0=L[0];h0=H[0];CR=NOREG;CR2=NOREG;pc=${fall};continue D;}`;
          body += `${spill([6, 7, 8, 9, 10])}t=m.funcSlot(l${d},h${d},${s});m.pushFrame(${fall},${s});${reload([10])}pc=t;` +
            `if(CK[t]!==1){${spillAll}m.pc=t;m.count=n;return ${FAST_DEOPT};}continue D;`;
          break;
        }
        case Op.CALL_HELPER:
          body += `${spillAll}m.pc=${s};m.count=n-${before - 1};m.helpers.call(m,${code.imm[s]},${s});` +
            `if(m.tailCallPending){return ${FAST_DEOPT};}n=m.count+${before - 1};l0=L[0];h0=H[0];CR=NOREG;CR2=NOREG;pc=${fall};`;
          break;
        case Op.LDABSB: case Op.LDABSH: case Op.LDABSW: case Op.LDINDB: case Op.LDINDH: case Op.LDINDW: {
          const ind = o >= Op.LDINDB;
          const size = [1, 2, 4][o - (ind ? Op.LDINDB : Op.LDABSB)]!;
          const at = ind ? `(l${code.src[s]}+${lit(code.imm[s]!)})|0` : lit(code.imm[s]!);
          body += `t=ldAbs(m,${at},${size},${s});l0=L[0];h0=H[0];if(!t){${spillAll}m.pc=${s};m.count=n-${before - 1};m.finished=true;return ${FAST_DONE};}pc=${fall};`;
          break;
        }
        default:
          if (isCondJump(o)) {
            const t = s + code.off[s]! + 1;
            if (selfLoop) body += `if(${condition(code, s)})continue;pc=${fall};break;`;
            else body += `if(${condition(code, s)}){${jumpTo(t)}}pc=${fall};`;
            // The last block of a region leaves its loop when the backward jump is not taken.
            if (head >= 0 && t === head && lastOfRegion) body += `break R${t};`;
          } else body += deopt(s, before);
      }
    });
    // A block that runs off the end of the program must say where it went, or the switch would re-enter it.
    if (!isTerminator(lastOp) && end >= n) body += `pc=${end};`;
    blocks.push({ start, len, body, selfLoop });
  });
  let open = -1;
  blocks.forEach((b, i) => {
    let check = '';
    if (target[b.start] === 1) {
      let chain = b.len;
      for (let j = i + 1; j < blocks.length && target[blocks[j]!.start] !== 1; j++) chain += blocks[j]!.len;
      check = `if(n+${chain}>limit){${spillAll}m.pc=${b.start};m.count=n;return ${FAST_DEOPT};}`;
    }
    const head = `${check}n+=${b.len};`;
    const region = regionOf[i]!;
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
  const src = `
return function fast(m, stopDepth) {
  const L = m.L, H = m.H, mem = m.mem, limit = m.limit;
  let ${ALL.map((r) => `l${r}=L[${r}],h${r}=H[${r}]`).join(',')};
  if (CK[m.pc] !== 1) return ${FAST_DEOPT};
  let pc = m.pc, n = m.count, t = 0, a = 0, b = 0, q = NOREG, CR = NOREG, CR2 = NOREG, CH = -1, CH2 = -1;
  try {
    D: for (;;) {
      switch (pc) {
        ${parts.join('\n        ')}
        default: ${spillAll}m.pc=pc;m.count=n;return ${FAST_DEOPT};
      }
    }
  } catch (e) {
    if (e === m.fault) throw e;
    ${spillAll}
    const slot = e instanceof VmFault ? e.slot : pc;
    m.pc = slot; m.count = n - (B[slot] === undefined ? 0 : B[slot]) + 1;
    throw asFault(e, slot);
  }
};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function('W', 'mul64', 'udiv64', 'umod64', 'sdiv64', 'smod64', 'udiv32', 'umod32', 'sdiv32', 'smod32',
    'lsh64', 'rsh64', 'arsh64', 'bswap16', 'bswap32', 'atomic32', 'atomic64', 'ldAbs', 'VmFault', 'asFault', 'B', 'NOREG', 'CK', src) as (...a: unknown[]) => FastFn;
  const fn = factory(alu.W, alu.mul64, alu.udiv64, alu.umod64, alu.sdiv64, alu.smod64, alu.udiv32, alu.umod32, alu.sdiv32, alu.smod32,
    alu.lsh64, alu.rsh64, alu.arsh64, alu.bswap16, alu.bswap32, atomic32, atomic64, ldAbs, VmFault, asFault, beforeOf, NOREG, target);
  return fn;
}

/**
 * The region the cache starts with: an empty window, so the first access always misses. It is made
 * by Memory.add like every real region, so that the compiled code's property reads of the cached
 * region see one object shape and stay monomorphic.
 */
const NOREG = new Memory().add('scratch', '', 'no region', new Uint8Array(0), false);

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

export function fastFor(code: Code): FastFn {
  let f = cache.get(code);
  if (f !== undefined) return f;
  let bySig = byInsns.get(code.insns);
  if (bySig === undefined) { bySig = new Map(); byInsns.set(code.insns, bySig); }
  const sig = signature(code);
  f = bySig.get(sig);
  if (f === undefined) { f = compileFast(code); bySig.set(sig, f); }
  cache.set(code, f);
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
