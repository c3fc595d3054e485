/**
 * The driver (the kernel's do_check): walks the program depth-first in the kernel's order — the
 * fall-through side of a branch first, the other side pushed on a stack — checking each instruction
 * against the current state, checkpointing at prune points and pruning paths an explored state
 * covers, counting processed instructions against the 1M limit and pending branches against the 8192
 * limit, and producing the verdict, the log, the statistics and the per-instruction states.
 */
import type { Insn } from '../isa/insn';
import type { MapDef, Program } from '../program/model';
import type { Env } from './env';
import { demandPrecision } from './env';
import type { VerifyOptions, VerifyResult } from './types';
import { Reject, reject } from './errors';
import { VState, CheckpointLink, initialState, cloneState, cloneFrame, curFrame, ownReg } from './state';
import { StateCollector } from './joinStates';
import { Reg, pointer, constScalar, immScalar, unknownScalar, notInit, typeName, isPointer, cloneReg } from './regState';
import { checkCfg } from './cfg';
import { checkAlu, checkMovsx, checkEndian, readReg, checkWritable, setReg } from './alu';
import { checkMemAccess } from './memAccess';
import { branchTaken, setMinMax, markPtrOrNull, syncLinked, goodPktPointers, AT_PKT_END, BEYOND_PKT_END } from './branch';
import { checkHelperCall } from './helpers';
import { enterSubprog, exitSubprog, checkCombinedStack } from './calls';
import { markCallbackCalls, widenAfterCallback, checkLdAbsInCallback, CALLS_CALLBACK } from './callbacks';
import { checkFuncInfoEarly, checkFuncInfoLayout, loadFuncAddress } from './funcInfo';
import { globalFunc, callGlobal, globalsToVerify, globalEntryState, atGlobalExit, checkGlobalReturn } from './globalFuncs';
import { checkReturnCode, checkReferenceLeak } from './returns';
import { statesEqual, statesMaybeLooping } from './prune';
import { insnText, stateText, alignedState, statsLine, frameView, frameText, SourceLineLog } from './log';
import { explain } from './messages';
import { firstPassError, mainPassMessage, cfgStandIn } from './rawSlots';
import { withGlobalDataMaps } from './globalData';

interface Checkpoint extends CheckpointLink { state: VState; at: number; hit: number; miss: number; evicted?: boolean }
/** A path to walk later; `logAt` is the log's length when it was queued (level 1 only, else -1). */
interface Pending { state: VState; insn: number; from: number; logAt: number }
/** Counters that run on from one walk to the next (the main program's, then each global function's). */
interface Carry { processed: number; jmps: number; prevJmps: number; prevInsns: number }

const JMP_SEQ_LIMIT = 8192;

function now(opts: VerifyOptions): number {
  return opts.clock ? opts.clock() : Date.now() * 1000;
}

export function runVerifier(prog: Program, maps: MapDef[], opts: VerifyOptions): VerifyResult {
  const t0 = now(opts);
  const env: Env = {
    prog, maps, insns: prog.insns, privileged: opts.privileged ?? true, logLevel: opts.logLevel ?? 0, idGen: 0,
    cur: initialState(), insnIdx: 0, subprogs: [], mapBySlot: new Map(), liveBefore: new Uint16Array(0), log: [],
    scratched: 0, scratchedStack: new Set(),
  };
  const stats = { maxStatesPerInsn: 0, totalStates: 0, peakStates: 0 };
  let processed = 0;
  const collect = opts.collectStates ? new StateCollector(opts.collectStates === 'last' ? 'last' : 'joined') : undefined;
  let error: VerifyResult['error'];
  try {
    for (const [slot, ref] of prog.ldImm64Refs) {
      if (ref.kind === 'map') env.mapBySlot.set(slot, maps.findIndex((m) => m.name === ref.map));
    }
    const globalData = withGlobalDataMaps(prog, maps);
    env.maps = globalData.maps;
    for (const [slot, index] of globalData.bySlot) env.mapBySlot.set(slot, index);
    checkFuncInfoEarly(env);
    // Undecodable slots: the control-flow checks see only their opcode and jump offset, and the
    // kernel's first pass over all slots refuses some of them before the reachability walk.
    const raws = prog.rawSlots;
    const cfgInsns = raws?.size ? prog.insns.map((x, i) => { const r = raws.get(i); return r ? cfgStandIn(r, x) : x; }) : prog.insns;
    const cfg = checkCfg(cfgInsns, () => {
      const e = firstPassError(prog);
      if (e) reject(e.message, e.insn);
    });
    env.subprogs = cfg.subprogs;
    checkFuncInfoLayout(env);
    checkBeforeWalk(env);
    markCallbackCalls(prog.insns, cfg.prunePoints, cfg.jmpPoints);
    env.liveBefore = cfg.liveBefore;
    const carry: Carry = { processed: 0, jmps: 0, prevJmps: 0, prevInsns: 0 };
    processed = doCheck(env, opts, cfg.prunePoints, cfg.jmpPoints, stats, collect, 0, carry);
    // do_check_subprogs: each global function a path called is verified once, on its own, after the
    // main program; the processed-instruction count and its limit run on across these walks.
    for (const sp of globalsToVerify(env)) {
      const name = prog.btfFuncs![sp]!.name;
      if (env.logLevel > 0) env.log.push(`Validating ${name}() func#${sp}...`);
      env.cur = globalEntryState(env, sp);
      processed = doCheck(env, opts, cfg.prunePoints, cfg.jmpPoints, stats, collect, env.subprogs[sp]!.start, carry);
      if (env.logLevel > 0) env.log.push(`Func#${sp} ('${name}') is safe for any args that match its prototype`);
    }
    // At level 1 the kernel keeps only a path that failed: once every walk is done, the log is empty
    // again, so an accepted program's log is the statistics and a later error stands alone.
    if (env.logLevel === 1) env.log.length = 0;
    checkCombinedStack(env);
  } catch (e) {
    if (!(e instanceof Reject)) throw e;
    processed = env.processedSoFar ?? 0;
    const insn = e.insn ?? env.insnIdx;
    const message = e.lines[0]!;
    const ex = explain(message);
    error = { insn, message, code: ex.code, explanation: ex.explanation, hint: ex.hint };
    for (const l of e.lines) env.log.push(l);
  }
  if (env.logLevel > 0 || error) {
    env.log.push(statsLine(processed, stats.maxStatesPerInsn, stats.totalStates, stats.peakStates));
  }
  const result: VerifyResult = {
    accepted: !error, insnsProcessed: processed, log: env.logLevel > 0 ? env.log.join('\n') + '\n' : error ? error.message + '\n' : '',
    stats, timeUsec: Math.max(0, Math.round(now(opts) - t0)),
  };
  if (error) result.error = error;
  if (collect) result.states = collect.result(env);
  return result;
}

function doCheck(env: Env, opts: VerifyOptions, prune: Uint8Array, jmpPoints: Uint8Array, stats: VerifyResult['stats'],
  collect: StateCollector | undefined, start: number, carry: Carry): number {
  const limit = opts.maxInsns ?? 1_000_000;
  const explored = new Map<number, Checkpoint[]>();
  const stack: Pending[] = [];
  let processed = carry.processed;
  let jmps = carry.jmps;
  let prevJmps = carry.prevJmps;
  let prevInsns = carry.prevInsns;
  let liveStates = 0;
  let idx = start;
  let printState = true;
  let from = -1;
  let fresh = false;
  // The last instruction checked: errors raised at a prune point blame it, as the kernel's log does.
  let lastIdx = start;
  const lvl = env.logLevel;
  // The C source lines go where the instructions are printed. libbpf hands the kernel line_info only
  // with the object's BTF, which it leaves out when func_info is unusable, so they need func_info too.
  const sourceLines = lvl > 0 && env.prog.lineInfo && env.prog.btfFuncs ? new SourceLineLog(env.prog.lineInfo) : undefined;

  // Made once: a closure per instruction would be garbage the moment the instruction is checked.
  const countJmp = (n: number): void => { jmps += n; };

  const finishPath = (): boolean => {
    let cp = env.cur.parent as Checkpoint | undefined;
    while (cp) {
      cp.branches--;
      if (cp.branches > 0) break;
      if (cp.evicted) liveStates--;
      cp = cp.parent as Checkpoint | undefined;
    }
    const next = stack.pop();
    if (!next) return false;
    env.cur = next.state;
    idx = next.insn;
    from = next.from;
    printState = true;
    // At level 1 the kernel keeps only the path it is on: the log goes back to where this path was
    // queued, so a rejection's log shows the instructions that led to it and nothing else.
    if (next.logAt >= 0) env.log.length = next.logAt;
    return true;
  };

  const liveAt = (s: VState, at: number) => (k: number): number => {
    if (k === s.frames.length - 1) return env.liveBefore[at] ?? 0x7ff;
    const callee = s.frames[k + 1]!;
    // A callback returns to the helper call itself, which reads R1-R5 again; R0 is not handed back.
    if (callee.inCallbackFn) return env.liveBefore[callee.callsite] ?? 0x7ff;
    return (env.liveBefore[callee.callsite + 1] ?? 0x7ff) | 1;
  };

  for (;;) {
    env.insnIdx = idx;
    env.processedSoFar = processed;
    // Polled every 256 instructions: a caller's signal may be a getter that reads the clock.
    if ((processed & 0xff) === 0 && opts.signal?.cancelled) reject('verification cancelled');
    if (idx < 0 || idx >= env.insns.length) reject(`invalid insn idx ${idx} insn_cnt ${env.insns.length}`);
    const insn = env.insns[idx];
    processed++;
    env.processedSoFar = processed;
    if (processed > limit) reject(`BPF program is too large. Processed ${processed} insn`, lastIdx);
    if (jmpPoints[idx]) env.cur.jmpHistory++;
    if (prune[idx]) {
      const list = explored.get(idx) ?? [];
      const forceCp = prune[idx]! >= 2;
      const forceNew = forceCp || env.cur.jmpHistory > 40;
      let addNew = forceNew || (jmps - prevJmps >= 2 && processed - prevInsns >= 8);
      let pruned = false;
      let statesCnt = 0;
      for (let k = 0; k < list.length; k++) {
        const sl = list[k]!;
        statesCnt++;
        if (sl.branches > 0 && prune[idx] === 2 && sl.state.mayGotoDepth !== env.cur.mayGotoDepth &&
            statesEqual(sl.state, env.cur, liveAt(sl.state, idx), false, false)) {
          // A may_goto loop converged: this iteration adds nothing the earlier one did not cover.
          sl.hit++;
          pruned = true;
          demandPrecision(env);
          break;
        }
        if (sl.branches > 0) {
          if (prune[idx] === CALLS_CALLBACK) {
            // A callback iteration that brings nothing new ends the walk of the callback.
            if (statesEqual(sl.state, env.cur, liveAt(sl.state, idx), false, false)) {
              sl.hit++;
              pruned = true;
              if (sl.precise) demandPrecision(env);
              break;
            }
          } else if (statesMaybeLooping(sl.state, env.cur) && statesEqual(sl.state, env.cur, () => 0x7ff, true) &&
              (sl.state.callbackUnrollDepth ?? 0) === (env.cur.callbackUnrollDepth ?? 0)) {
            reject([`infinite loop detected at insn ${idx}`, `cur state: ${stateText(env, env.cur)}`, `old state: ${stateText(env, sl.state)}`], idx);
          }
          if (!forceNew && jmps - prevJmps < 20 && processed - prevInsns < 100) addNew = false;
        } else if (statesEqual(sl.state, env.cur, liveAt(sl.state, idx), false, !sl.precise)) {
          sl.hit++;
          pruned = true;
          // propagate_precision: what the old state needed exactly, this path needs too.
          if (sl.precise) demandPrecision(env);
          break;
        }
        // A state that keeps missing is unlikely to help; the kernel evicts it (miss > 3 * hit + 3).
        if (addNew) sl.miss++;
        const n = forceCp && sl.branches > 0 ? 64 : 3;
        if (sl.miss > sl.hit * n + n) {
          list.splice(k, 1);
          k--;
          sl.evicted = true;
          if (sl.branches === 0) liveStates--;
        }
      }
      if (!pruned) stats.maxStatesPerInsn = Math.max(stats.maxStatesPerInsn, statesCnt);
      if (pruned) {
        if (lvl > 0) env.log.push(printState ? `\nfrom ${from} to ${idx}: safe` : `${idx}: safe`);
        if (!finishPath()) break;
        continue;
      }
      if (addNew) {
        const cp: Checkpoint = { state: cloneState(env.cur), at: idx, branches: 1, parent: env.cur.parent, hit: 0, miss: 0, precise: false };
        env.cur.parent = cp;
        env.cur.jmpHistory = 0;
        list.unshift(cp);
        explored.set(idx, list);
        stats.totalStates++;
        liveStates++;
        stats.peakStates = Math.max(stats.peakStates, liveStates);
        prevJmps = jmps;
        prevInsns = processed;
      }
    }
    const raw = env.prog.rawSlots?.get(idx);
    if (raw && insn?.kind !== 'ldImm64' && insn?.kind !== 'ldImm64Hi') reject(mainPassMessage(raw));
    if (!insn) reject(`unknown opcode at insn ${idx}`);
    if (lvl > 0 && printState) {
      // Level 1 prints a queued path's state after the instruction that queued it, on its line.
      if (lvl === 1 && from >= 0) env.log.push(`${from}: ${insnText(env.insns[from]!)} ${idx}: ${stateText(env, env.cur)}`);
      else env.log.push(from >= 0 ? `\nfrom ${from} to ${idx}: ${stateText(env, env.cur)}` : `${idx}: ${stateText(env, env.cur)}`);
    }
    printState = false;
    // The kernel prints the source line before it checks the instruction, so a rejection keeps it.
    const source = sourceLines?.before(idx);
    if (source) env.log.push(source);
    // A copy of the frame shares its register objects, so taking one per instruction is cheap.
    const before = collect ? cloneFrame(curFrame(env.cur)) : undefined;
    const depthBefore = env.cur.frames.length;
    const frameBefore = curFrame(env.cur);
    env.scratched = 0;
    if (lvl > 0) env.scratchedStack = new Set();
    lastIdx = idx;
    let next: ReturnType<typeof step>;
    try {
      next = step(env, insn, idx, stack, countJmp);
    } catch (e) {
      // The kernel prints an instruction before checking it, so its rejection follows the instruction.
      if (lvl > 0 && e instanceof Reject) env.log.push(`${idx}: ${insnText(insn)}`);
      throw e;
    }
    if (collect && before) {
      collect.before(idx, before);
      collect.after(idx, next.kind === 'exit' ? undefined : curFrame(env.cur));
    }
    if (lvl > 0) {
      const f = curFrame(env.cur);
      const refs = env.cur.refs.length ? ` refs=${env.cur.refs.map((r) => r.id).join(',')}` : '';
      const view = frameView(env, f, { regs: env.scratched, stack: env.scratchedStack }).text;
      const scr = view ? `${f.frameno ? `frame${f.frameno}: ` : ''}${view}${refs}` : refs.trim();
      // After a global call the kernel prints its note, then the state the call left, on a line of its own.
      const note = next.kind === 'next' ? next.note : undefined;
      const depth = env.cur.frames.length;
      if (insn.kind === 'call' && depth > depthBefore) {
        // Entering a subprogram: the kernel prints both frames whole, then the callee's state again
        // before its first instruction.
        env.log.push(`${idx}: ${insnText(insn)}`, 'caller:', ` ${frameText(env, frameBefore)}`, 'callee:', ` ${frameText(env, f)}`);
        printState = true;
        fresh = true;
      } else if (insn.kind === 'exit' && depth < depthBefore && !frameBefore.inCallbackFn) {
        env.log.push(`${idx}: ${insnText(insn)}`, 'returning from callee:', ` ${frameText(env, frameBefore)}`,
          `to caller at ${next.kind === 'jump' ? next.to : idx + 1}:`, ` ${frameText(env, f)}`);
        printState = true;
        fresh = true;
      } else env.log.push(alignedState(`${idx}: ${insnText(insn)}`, next.kind === 'exit' || note ? '' : scr));
      if (note) env.log.push(note, `${idx + 1}: ${scr}`);
    } else if (lvl > 0 && next.kind === 'next' && next.note) env.log.push(next.note);
    if (next.kind === 'exit') {
      if (!finishPath()) break;
      continue;
    }
    if (next.kind === 'jump' && next.printState) printState = false;
    idx = next.to;
    // After a call or a return the next state line has no `from` header.
    from = fresh ? -1 : idx;
    fresh = false;
  }
  Object.assign(carry, { processed, jmps, prevJmps, prevInsns });
  return processed;
}

type Next = { kind: 'next'; to: number; note?: string } | { kind: 'jump'; to: number; printState?: boolean } | { kind: 'exit' };

function step(env: Env, insn: Insn, idx: number, stack: Pending[], countJmp: (n: number) => void): Next {
  const regs = curFrame(env.cur).regs;
  switch (insn.kind) {
    case 'alu': checkAlu(env, insn); return { kind: 'next', to: idx + 1 };
    case 'movsx': checkMovsx(env, insn); return { kind: 'next', to: idx + 1 };
    case 'endian': checkEndian(env, insn); return { kind: 'next', to: idx + 1 };
    case 'addrSpaceCast': readReg(env, insn.src); checkWritable(insn.dst); setReg(env, insn.dst, unknownScalar()); return { kind: 'next', to: idx + 1 };
    case 'load': case 'loadAcquire': {
      readReg(env, insn.src);
      checkWritable(insn.dst);
      const out = checkMemAccess(env, { regno: insn.src, off: insn.off, size: insn.size, write: false, signed: insn.kind === 'load' && insn.signed });
      setReg(env, insn.dst, out ?? unknownScalar());
      return { kind: 'next', to: idx + 1 };
    }
    case 'store': case 'storeRelease': {
      const useReg = insn.kind === 'storeRelease' || insn.useReg;
      const value = useReg ? readReg(env, insn.src) : undefined;
      readReg(env, insn.dst);
      checkMemAccess(env, { regno: insn.dst, off: insn.off, size: insn.size, write: true, value, imm: insn.imm, valueRegno: useReg ? insn.src : undefined });
      return { kind: 'next', to: idx + 1 };
    }
    case 'atomic': {
      readReg(env, insn.src);
      const d = readReg(env, insn.dst);
      if (insn.op === 'cmpxchg') readReg(env, 0);
      if (d.type === 'ctx' || d.type === 'pkt' || d.type === 'pkt_meta' || d.type === 'flow_keys' || d.type === 'sock' ||
          d.type === 'sock_common' || d.type === 'tcp_sock') {
        reject(`BPF_ATOMIC stores into R${insn.dst} ${typeName(d)} is not allowed`);
      }
      const loaded = checkMemAccess(env, { regno: insn.dst, off: insn.off, size: insn.size, write: false, strict: true });
      checkMemAccess(env, { regno: insn.dst, off: insn.off, size: insn.size, write: true, value: unknownScalar(), strict: true });
      if (insn.op === 'cmpxchg') setReg(env, 0, loaded ?? unknownScalar());
      else if (insn.fetch) setReg(env, insn.src, loaded ?? unknownScalar());
      return { kind: 'next', to: idx + 1 };
    }
    case 'ldImm64': {
      checkWritable(insn.dst);
      const ref = env.prog.ldImm64Refs.get(idx);
      let r: Reg;
      if (ref?.kind === 'map' || insn.src === 1 || insn.src === 2 || insn.src === 5 || insn.src === 6) {
        const map = env.mapBySlot.get(idx) ?? -1;
        if (map < 0 || !env.maps[map]) reject(`fd ${insn.imm} is not pointing to valid bpf_map`);
        const off = ref?.kind === 'map' || ref?.kind === 'data' ? ref.offset : 0;
        r = insn.src === 2 || insn.src === 6 || off ? pointer('map_value', { map, off }) : pointer('map_ptr', { map });
      } else if (ref?.kind === 'func' || insn.src === 4) {
        r = loadFuncAddress(env, idx, insn);
      } else if (ref?.kind === 'data') {
        r = unknownScalar();
      } else {
        r = constScalar(insn.imm64);
      }
      setReg(env, insn.dst, r);
      return { kind: 'next', to: idx + 2 };
    }
    case 'ldImm64Hi': reject(`invalid BPF_LD_IMM insn`); break;
    case 'ldAbs': case 'ldInd': {
      const t = env.prog.progType;
      if (t !== 'socket_filter' && t !== 'sched_cls' && t !== 'sched_act') reject('BPF_LD_[ABS|IND] instructions not allowed for this program type');
      if (env.cur.refs.length) reject('BPF_LD_[ABS|IND] cannot be mixed with socket references');
      const r6 = readReg(env, 6);
      if (insn.kind === 'ldInd') readReg(env, insn.src);
      if (r6.type !== 'ctx') reject('at the time of BPF_LD_ABS|IND R6 != pointer to skb');
      checkLdAbsInCallback(env);
      for (let i = 1; i <= 5; i++) regs[i] = notInit();
      setReg(env, 0, unknownScalar());
      return { kind: 'next', to: idx + 1 };
    }
    case 'ja': countJmp(1); return { kind: 'jump', to: idx + 1 + (insn.long ? insn.imm : insn.off) };
    case 'mayGoto': {
      countJmp(1);
      // As the kernel: the loop body (budget left) is queued one level deeper, with scalars that
      // changed since the previous visit widened; the budget-spent exit is explored first.
      const body = cloneState(env.cur);
      body.mayGotoDepth++;
      widenSince(body, idx);
      pushBranch(env, stack, body, idx + 1, idx);
      return { kind: 'jump', to: idx + 1 + insn.off };
    }
    case 'jcond': {
      countJmp(1);
      const src = insn.useReg ? readReg(env, insn.src) : immScalar(insn.imm);
      const dst = readReg(env, insn.dst);
      const is32 = !insn.is64;
      const pred = branchTaken(dst, src, insn.op, is32);
      if (pred >= 0 && (dst.type === 'scalar' || src.type === 'scalar')) demandPrecision(env);
      if (pred === 1) return { kind: 'jump', to: idx + 1 + insn.off };
      if (pred === 0) return { kind: 'next', to: idx + 1 };
      const other = cloneState(env.cur);
      pushBranch(env, stack, other, idx + 1 + insn.off, idx);
      const oFrame = curFrame(other);
      const oRegs = oFrame.regs;
      if (dst.type === 'scalar' && src.type === 'scalar') {
        // The two states share register objects; narrowing changes them, so each side gets its own.
        const fFrame = curFrame(env.cur);
        const same = insn.useReg && insn.src === insn.dst;
        const tDst = ownReg(oFrame, insn.dst);
        const tSrc = same ? tDst : insn.useReg ? ownReg(oFrame, insn.src) : cloneReg(src);
        const fDst = ownReg(fFrame, insn.dst);
        const fSrc = same ? fDst : insn.useReg ? ownReg(fFrame, insn.src) : cloneReg(src);
        setMinMax(tDst, tSrc, fDst, fSrc, insn.op, is32);
      }
      if (insn.useReg && src.type === 'scalar' && src.id) { syncLinked(env.cur, regs[insn.src]!); syncLinked(other, oRegs[insn.src]!); }
      if (dst.type === 'scalar' && dst.id) { syncLinked(env.cur, regs[insn.dst]!); syncLinked(other, oRegs[insn.dst]!); }
      if (!is32 && !insn.useReg && insn.imm === 0 && (insn.op === 'jeq' || insn.op === 'jne') && dst.maybeNull) {
        markPtrOrNull(env.cur, dst.id, dst.refId, insn.op === 'jne');
        markPtrOrNull(other, dst.id, dst.refId, insn.op === 'jeq');
      } else if (!pktCompare(insn.op, insn.useReg && !is32, regs, oRegs, insn.dst, insn.src, env.cur, other) && isPointer(dst) && !env.privileged) {
        reject(`R${insn.dst} pointer comparison prohibited`);
      }
      return { kind: 'next', to: idx + 1 };
    }
    case 'call': {
      countJmp(1);
      if (insn.src === 1) {
        const sp = env.prog.btfFuncs ? env.subprogs.findIndex((p) => p.start === idx + 1 + insn.imm) : -1;
        const global = sp >= 0 ? globalFunc(env, sp) : undefined;
        // A global function is checked against its prototype here and verified on its own later.
        if (global) return { kind: 'next', to: idx + 1, note: callGlobal(env, sp, global) };
        return { kind: 'jump', to: enterSubprog(env, idx, idx + 1 + insn.imm) };
      }
      if (insn.src === 2) reject('calling kernel function is not supported without BTF');
      const callback = checkHelperCall(env, insn.imm, idx);
      if (callback) pushBranch(env, stack, callback.state, callback.insn, idx);
      if (insn.imm === 12) {
        // A successful tail call never returns; the verifier continues as if it failed.
      }
      return { kind: 'next', to: idx + 1 };
    }
    case 'callx': reject(`unknown opcode 8d`); break;
    case 'exit': {
      countJmp(1);
      if (env.cur.frames.length > 1) {
        const fromCallback = curFrame(env.cur).inCallbackFn;
        const to = exitSubprog(env);
        if (fromCallback) widenAfterCallback(env, to);
        return { kind: 'jump', to };
      }
      checkReferenceLeak(env, 'BPF_EXIT instruction in main prog');
      if (atGlobalExit(env)) checkGlobalReturn(env);
      else checkReturnCode(env);
      return { kind: 'exit' };
    }
  }
  return { kind: 'next', to: idx + 1 };
}

/** widen_imprecise_scalars: scalars that differ from the previous checkpoint at this insn become unknown. */
function widenSince(st: VState, idx: number): void {
  // The checkpoint just stored for this visit is the state itself; compare with the one before it.
  let cp = st.parent as Checkpoint | undefined;
  if (cp && cp.at === idx) cp = cp.parent as Checkpoint | undefined;
  while (cp && cp.at !== idx) cp = cp.parent as Checkpoint | undefined;
  if (!cp || cp.precise || cp.state.frames.length !== st.frames.length) return;
  st.frames.forEach((f, k) => {
    const old = cp!.state.frames[k]!;
    for (let r = 0; r < 10; r++) {
      const a = old.regs[r]!, b = f.regs[r]!;
      if (a.type === 'scalar' && b.type === 'scalar' && (a.umin !== b.umin || a.umax !== b.umax || a.smin !== b.smin || a.smax !== b.smax || a.var.value !== b.var.value || a.var.mask !== b.var.mask)) {
        f.regs[r] = unknownScalar();
      }
    }
  });
}

/**
 * What the kernel refuses over all slots before it walks any path, reached or not: without BTF,
 * subprograms with a legacy packet load or a tail call (check_abnormal_return), and loads of a map
 * that does not exist (resolve_pseudo_ldimm64).
 */
function checkBeforeWalk(env: Env): void {
  const insns = env.prog.insns;
  if (!env.prog.btfFuncs?.length) {
    for (const sp of env.subprogs.slice(1)) {
      const at = (want: (i: Insn) => boolean): number => insns.slice(sp.start, sp.end).findIndex((i) => !!i && want(i));
      const ld = at((i) => i.kind === 'ldAbs' || i.kind === 'ldInd');
      if (ld >= 0) reject('LD_ABS is not allowed in subprogs without BTF', sp.start + ld);
      const tail = at((i) => i.kind === 'call' && i.src === 0 && i.imm === 12);
      if (tail >= 0) reject('tail_call is not allowed in subprogs without BTF', sp.start + tail);
    }
  }
  for (let i = 0; i < insns.length; i++) {
    const insn = insns[i];
    if (insn?.kind !== 'ldImm64') continue;
    const ref = env.prog.ldImm64Refs.get(i);
    if (ref?.kind !== 'map' && insn.src !== 1 && insn.src !== 2 && insn.src !== 5 && insn.src !== 6) continue;
    const map = env.mapBySlot.get(i) ?? -1;
    if (map < 0 || !env.maps[map]) reject(`fd ${insn.imm} is not pointing to valid bpf_map`, i);
  }
}

function pushBranch(env: Env, stack: Pending[], st: VState, to: number, from: number): void {
  if (st.parent) st.parent.branches++;
  stack.push({ state: st, insn: to, from, logAt: env.logLevel === 1 ? env.log.length : -1 });
  if (stack.length > JMP_SEQ_LIMIT) reject(`The sequence of ${stack.length} jumps is too complex.`);
}

/** try_match_pkt_pointers: `pkt' <op> pkt_end` comparisons grant a range on one side. */
function pktCompare(op: string, ok: boolean, tRegs: Reg[], oRegs: Reg[], d: number, s: number, thisB: VState, otherB: VState): boolean {
  if (!ok) return false;
  const dst = tRegs[d]!, src = tRegs[s]!;
  const dPkt = (dst.type === 'pkt' && src.type === 'pkt_end') || (dst.type === 'pkt_meta' && src.type === 'pkt' && src.off === 0 && src.range === 0);
  const sPkt = (dst.type === 'pkt_end' && src.type === 'pkt') || (dst.type === 'pkt' && dst.off === 0 && src.type === 'pkt_meta');
  const mark = (regs: Reg[], r: number, open: boolean): void => { const n = cloneReg(regs[r]!); n.range = open ? BEYOND_PKT_END : AT_PKT_END; regs[r] = n; };
  switch (op) {
    case 'jgt':
      if (dPkt) { goodPktPointers(thisB, dst, false); mark(oRegs, d, true); } else if (sPkt) { goodPktPointers(otherB, oRegs[s]!, true); mark(tRegs, s, false); } else return false;
      return true;
    case 'jlt':
      if (dPkt) { goodPktPointers(otherB, oRegs[d]!, true); mark(tRegs, d, false); } else if (sPkt) { goodPktPointers(thisB, src, false); mark(oRegs, s, true); } else return false;
      return true;
    case 'jge':
      if (dPkt) { goodPktPointers(thisB, dst, true); mark(oRegs, d, false); } else if (sPkt) { goodPktPointers(otherB, oRegs[s]!, false); mark(tRegs, s, true); } else return false;
      return true;
    case 'jle':
      if (dPkt) { goodPktPointers(otherB, oRegs[d]!, false); mark(tRegs, d, true); } else if (sPkt) { goodPktPointers(thisB, src, true); mark(oRegs, s, false); } else return false;
      return true;
    default:
      return false;
  }
}
