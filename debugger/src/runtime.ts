/**
 * The debugger's runtime: it wraps the interpreter and knows nothing of DAP. It runs the program in
 * chunks (so a pause request gets through), stops at breakpoints after weighing their conditions,
 * hit counts and log messages, steps by instruction, over and out of bpf-to-bpf calls, and goes
 * backwards by replaying (replay.ts), which is why every change of state goes through `edit`.
 * It reports through events: stop (with a reason), output, end.
 */
import { EventEmitter } from 'events';
import { interpret } from '../../core/src/vm/interp';
import type { Machine } from '../../core/src/vm/machine';
import type { VmFault } from '../../core/src/vm/fault';
import { VmFault as Fault } from '../../core/src/vm/fault';
import { Op } from '../../core/src/vm/code';
import { Breakpoints, type Breakpoint } from './breakpoints';
import { evalExpr, evaluate, numeric, type ExprEnv, type Value } from './expr';
import type { Target } from './launch';
import { prepare, encodeValue } from './setup';
import { replayTo, previousPosition, lastStopBefore, type Edit } from './replay';
import { retvalMeaning } from './retval';

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'exception' | 'pause';

export interface StopInfo {
  reason: StopReason;
  /** Breakpoint ids for reason 'breakpoint'. */
  hitIds?: number[];
  /** For reason 'exception'. */
  fault?: VmFault;
}


export interface FrameInfo {
  /** 0 for the innermost frame. */
  index: number;
  slot: number;
  func: string;
}

/** Instructions per chunk of a continue: large enough for speed, small enough that pause is prompt. */
const CHUNK = 4_000_000;

export class EbpfRuntime extends EventEmitter {
  m!: Machine;
  readonly breakpoints: Breakpoints;
  private edits: Edit[] = [];
  private printkSeen = 0;
  /** trace_printk lines already shown; a replay that runs them again does not show them twice. */
  private printkShown = 0;
  /** Instruction count at which the current position's breakpoints were already considered. */
  private handledAt = -1;
  private pauseRequested = false;
  /** Set when the client disconnects or terminates: a run in progress ends without further events. */
  private cancelled = false;
  private running = false;
  ended = false;
  lastStop: StopInfo | undefined;

  constructor(readonly target: Target) {
    super();
    this.breakpoints = new Breakpoints(target.program, target.hasSource ? target.file : undefined);
  }

  /** Sets up the machine; returns an error message when the input cannot be used. */
  load(): string | undefined {
    const p = prepare(this.target);
    if (typeof p === 'string') return p;
    this.m = p.machine;
    this.printkSeen = 0;
    this.handledAt = -1;
    this.ended = false;
    return undefined;
  }

  /** Starts the run: stops on entry or continues. */
  start(stopOnEntry: boolean): void {
    if (stopOnEntry) { this.handledAt = 0; this.stop({ reason: 'entry' }); } else void this.continue();
  }

  /** Starts over with a fresh machine, keeping breakpoints. */
  restart(stopOnEntry: boolean): string | undefined {
    this.pauseRequested = false;
    this.edits = [];
    this.printkShown = 0;
    for (const b of this.breakpoints.all()) b.hits = 0;
    const err = this.load();
    if (err !== undefined) return err;
    this.start(stopOnEntry);
    return undefined;
  }

  private stop(info: StopInfo): void {
    this.lastStop = info;
    this.handledAt = this.m.count;
    this.emit('stop', info);
  }

  private flushOutput(): void {
    const lines = this.m.printk;
    for (; this.printkSeen < lines.length; this.printkSeen++) {
      if (this.printkSeen < this.printkShown) continue;
      this.printkShown = this.printkSeen + 1;
      const text = lines[this.printkSeen]!;
      this.emit('output', text.endsWith('\n') ? text : `${text}\n`, 'stdout');
    }
  }

  private finish(): void {
    this.ended = true;
    const m = this.m;
    const r0 = (BigInt(m.H[0]! >>> 0) << 32n) | BigInt(m.L[0]! >>> 0);
    const meaning = retvalMeaning(m.progType, r0);
    this.emit('output', `program exited after ${m.count} instructions: r0 = ${m.retvalHex()} (${BigInt.asIntN(64, r0)})${meaning ? ` ${meaning}` : ''}\n`, 'console');
    this.emit('end');
  }

  /** Whether the program can still run forward. */
  private canRun(): boolean {
    if (this.ended) return false;
    if (this.m.finished) { this.finish(); return false; }
    if (this.m.fault !== undefined) {
      this.emit('output', `the program stopped on a fault: ${this.m.fault.message}\n`, 'stderr');
      this.ended = true;
      this.emit('end');
      return false;
    }
    return true;
  }

  /** Ends any run in progress quietly (the session is going away). */
  cancel(): void {
    this.cancelled = true;
    this.ended = true;
  }

  pause(): void {
    if (this.running) this.pauseRequested = true;
    else if (!this.ended) this.stop({ reason: 'pause' });
  }

  /** Decides whether the breakpoints at the current slot stop the run; logs logpoint messages. */
  private considerBreakpoints(): number[] {
    this.handledAt = this.m.count;
    const hit: number[] = [];
    for (const bp of this.breakpoints.at(this.m.pc)) {
      if (!this.conditionHolds(bp)) continue;
      bp.hits++;
      if (bp.hit !== undefined && !bp.hit(bp.hits)) continue;
      if (bp.logMessage !== undefined) { this.emit('output', `${this.interpolate(bp.logMessage)}\n`, 'console'); continue; }
      hit.push(bp.id);
    }
    return hit;
  }

  private conditionHolds(bp: Breakpoint): boolean {
    if (bp.condition === undefined) return true;
    const v = evalExpr(bp.condition, this.env());
    if ('error' in v) {
      // A condition that cannot be evaluated here (a bad pointer, say) stops, so the user sees why.
      this.emit('output', `breakpoint ${bp.id}: condition failed to evaluate: ${v.error}\n`, 'stderr');
      return true;
    }
    return v.bits !== 0n;
  }

  /** A logpoint message with each `{expression}` replaced by its value. */
  interpolate(msg: string): string {
    return msg.replace(/\{([^{}]+)\}/g, (_all, e: string) => {
      const v = evaluate(e, this.env());
      return 'error' in v ? `<${v.error}>` : formatValue(v);
    });
  }

  /**
   * Runs forward until a stop. `extra` marks more slots to stop at (return addresses of step over and
   * step out) and `done` says whether a stop at one of them ends the step.
   */
  private async run(extra?: { slot: number; done: () => boolean }): Promise<void> {
    if (!this.canRun()) return;
    this.running = true;
    this.pauseRequested = false;
    let marks = this.breakpoints.marks;
    if (extra !== undefined && extra.slot >= 0) { marks = marks.slice(); marks[extra.slot] = 1; }
    try {
      for (;;) {
        const m = this.m;
        if (marks[m.pc] === 1 && m.count !== this.handledAt) {
          if (extra !== undefined && m.pc === extra.slot && extra.done()) { this.flushOutput(); this.stop({ reason: 'step' }); return; }
          const hit = this.considerBreakpoints();
          if (hit.length > 0) { this.flushOutput(); this.stop({ reason: 'breakpoint', hitIds: hit }); return; }
        }
        const why = interpret(m, 0, { budget: CHUNK, breakpoints: marks });
        this.flushOutput();
        if (why === 'exit') { this.finish(); return; }
        if (why === 'fault') { this.stop({ reason: 'exception', fault: m.fault! }); return; }
        if (why === 'budget') {
          await new Promise((r) => setImmediate(r));
          if (this.cancelled) return;
          if (this.pauseRequested) { this.pauseRequested = false; this.stop({ reason: 'pause' }); return; }
        }
      }
    } finally {
      this.running = false;
    }
  }

  continue(): Promise<void> {
    return this.run();
  }

  /** Source line of a slot, when the program has source. */
  private lineAt(slot: number): number | undefined {
    return this.target.hasSource ? this.target.program.lines[slot]?.line : undefined;
  }

  /**
   * One instruction forward (into calls); by line, forward until another line starts (a line may
   * hold several `;`-separated instructions), within the same frame, or a breakpoint is reached.
   */
  stepIn(byLine = false): void {
    if (!this.canRun()) return;
    const m = this.m;
    const line = this.lineAt(m.pc), depth = m.frames.length;
    // A one-line endless loop must not hang the step: give up after this many instructions.
    for (let n = 0; ; n++) {
      const why = interpret(m, 0, { budget: 1 });
      this.flushOutput();
      if (why === 'exit') { this.finish(); return; }
      if (why === 'fault') { this.stop({ reason: 'exception', fault: m.fault! }); return; }
      if (!byLine || line === undefined || n >= 100_000) break;
      if (m.frames.length !== depth || this.lineAt(m.pc) !== line) break;
      if (this.breakpoints.marks[m.pc] === 1) {
        const hit = this.considerBreakpoints();
        if (hit.length > 0) { this.stop({ reason: 'breakpoint', hitIds: hit }); return; }
      }
    }
    this.stop({ reason: 'step' });
  }

  /** Like stepIn, but a bpf-to-bpf call runs to its return. */
  async stepOver(byLine = false): Promise<void> {
    if (!this.canRun()) return;
    const m = this.m;
    const op = m.code.op[m.pc];
    if (op !== Op.CALL_LOCAL && op !== Op.CALLX) { this.stepIn(byLine); return; }
    const depth = m.frames.length;
    const ret = m.pc + 1;
    await this.run({ slot: ret, done: () => this.m.frames.length <= depth });
  }

  /** Runs until the current function returns to its caller (or the program ends). */
  async stepOut(): Promise<void> {
    if (!this.canRun()) return;
    const m = this.m;
    const depth = m.frames.length;
    if (depth <= 1) { await this.run(); return; }
    const ret = m.frames[depth - 1]!.returnPc;
    await this.run({ slot: ret, done: () => this.m.frames.length < depth });
  }

  // ---- going backwards (replay.ts rebuilds earlier states) --------------------------------------

  /**
   * Goes back one instruction; by line, back to the first instruction of the previous line (in the
   * same frame), mirroring stepIn by line.
   */
  stepBack(byLine = false): void {
    const t = this.target, cur = this.m.count;
    if (cur > 0) {
      let pos = previousPosition(t, this.edits, cur);
      let m = replayTo(t, this.edits, pos);
      const here = this.lineAt(this.m.pc);
      if (byLine && here !== undefined && m !== undefined) {
        // Bounded, so a line that loops on itself cannot make the step endless.
        for (let i = 0; i < 1000 && pos > 0 && this.lineAt(m.pc) === here && m.frames.length === this.m.frames.length; i++) {
          pos = previousPosition(t, this.edits, pos);
          m = replayTo(t, this.edits, pos)!;
        }
        const line = this.lineAt(m.pc), depth = m.frames.length;
        for (let i = 0; i < 1000 && pos > 0; i++) {
          const p2 = previousPosition(t, this.edits, pos);
          const m2 = replayTo(t, this.edits, p2);
          if (m2 === undefined || this.lineAt(m2.pc) !== line || m2.frames.length !== depth) break;
          pos = p2; m = m2;
        }
      }
      this.adopt(m);
    }
    this.stop({ reason: 'step' });
  }

  /** Runs backwards to the previous breakpoint stop (or the start). */
  reverseContinue(): void {
    const found = lastStopBefore(this.target, this.edits, this.breakpoints.marks, this.m.count, (scan) => {
      const saved = this.m;
      this.m = scan;
      try {
        return this.breakpoints.at(scan.pc).some((b) => b.logMessage === undefined && this.conditionHolds(b));
      } finally {
        this.m = saved;
      }
    });
    this.adopt(replayTo(this.target, this.edits, Math.max(0, found)));
    this.stop(found >= 0 ? { reason: 'breakpoint', hitIds: this.breakpoints.at(this.m.pc).map((b) => b.id) } : { reason: 'entry' });
  }

  private adopt(m: Machine | undefined): void {
    if (m === undefined) return;
    this.m = m;
    this.printkSeen = m.printk.length;
    this.ended = false;
    this.edits = this.edits.filter((e) => e.count <= m.count);
  }

  /** Applies a change of machine state now and records it for replays. */
  edit(apply: (m: Machine) => void): void {
    apply(this.m);
    this.edits.push({ count: this.m.count, apply });
  }

  // ---- inspection -----------------------------------------------------------------------------

  reg(n: number, m: Machine = this.m): bigint {
    return (BigInt(m.H[n]! >>> 0) << 32n) | BigInt(m.L[n]! >>> 0);
  }

  setReg(n: number, v: bigint): void {
    const lo = Number(BigInt.asIntN(32, v)), hi = Number(BigInt.asIntN(32, v >> 32n));
    this.edit((m) => { m.L[n] = lo; m.H[n] = hi; });
  }

  /** Reads VM memory at a 64-bit tagged address; a string says why not. */
  read(addr: bigint, size: number): Uint8Array | string {
    const lo = Number(BigInt.asIntN(32, addr)), hi = Number(BigInt.asIntN(32, addr >> 32n));
    try {
      return this.m.mem.read(lo, hi, size, -1);
    } catch (e) {
      return e instanceof Fault ? e.detail : String(e);
    }
  }

  write(addr: bigint, bytes: Uint8Array): string | undefined {
    const lo = Number(BigInt.asIntN(32, addr)), hi = Number(BigInt.asIntN(32, addr >> 32n));
    const r = this.m.mem.regionOf(hi);
    const o = lo ^ 0x80000000;
    if (r === undefined || o < r.start || o + bytes.length > r.end) {
      const why = this.read(addr, bytes.length);
      return typeof why === 'string' ? why : 'address outside the region';
    }
    const data = bytes.slice();
    this.edit((m) => { m.mem.regionOf(hi)!.bytes.set(data, o); });
    return undefined;
  }

  env(): ExprEnv {
    return {
      reg: (n) => this.reg(n),
      load: (addr, size) => {
        const b = this.read(addr, size);
        if (typeof b === 'string') return b;
        let v = 0n;
        for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        return v;
      },
      isMap: (name) => this.m.maps.some((x) => x.name === name),
      name: (name) => {
        const m = this.m;
        const ptr = (r: { id: number }, off: number): bigint => (BigInt(0x100 + r.id) << 32n) | BigInt(((off + 0x80000000) | 0) >>> 0);
        if (name === 'ctx' && m.ctxRegion !== undefined) return ptr(m.ctxRegion, m.ctxRegion.base);
        if (name === 'pkt' && m.packet !== undefined) return ptr(m.packet.region, m.packet.data);
        const i = m.maps.findIndex((x) => x.name === name);
        if (i >= 0) return (0xfen << 32n) | BigInt(i);
        return undefined;
      },
      mapLookup: (name, key) => {
        const map = this.m.maps.find((x) => x.name === name);
        if (map === undefined) return `no map named ${name}`;
        const k = encodeValue(key, map.def.keySize);
        if (typeof k === 'string') return k;
        const e = map.list().find((x) => x.key.every((b, i) => b === k[i]));
        return e?.value;
      },
    };
  }

  /** Frames, innermost first. */
  stack(): FrameInfo[] {
    const m = this.m;
    const out: FrameInfo[] = [];
    let slot = m.pc;
    for (let i = m.frames.length - 1; i >= 0; i--) {
      out.push({ index: out.length, slot, func: this.funcAt(slot) });
      slot = m.frames[i]!.callSlot;
    }
    return out;
  }

  funcAt(slot: number): string {
    const f = this.target.program.funcs.find((fn) => slot >= fn.start && slot < fn.end);
    return f?.name ?? this.target.program.name;
  }
}

/** A value for logpoints and the console: decimal, and hex when it is large or negative. */
export function formatValue(v: Value): string {
  if (v.bytes !== undefined) {
    if (v.bytes === null) return 'null (no such key)';
    return Array.from(v.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
  }
  const n = numeric(v);
  return n >= 0n && n < 10n ? n.toString() : `${n} (0x${BigInt.asUintN(v.size * 8, v.bits).toString(16)})`;
}
