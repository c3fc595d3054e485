/**
 * The state of one run, shared by both tiers: registers as two Int32Arrays of halves, the program
 * counter and instruction count, the call frames (each with its own 512-byte stack region), the
 * address space, the maps and the packet. The stepping interpreter and the compiled fast tier both
 * read and write this object, so a run can start in one tier and be inspected in the other, and the
 * helpers (which get the machine) work the same under both.
 */
import { Memory, type Region, FUNC_TAG, REGION_TAG } from './memory';
import type { Code } from './code';
import { VmFault } from './fault';
import type { VmMap } from './maps';

export const STACK_SIZE = 512;
/** The kernel allows eight frames (the ninth call is "too deep"). */
export const MAX_FRAMES = 8;
/** Tail calls per run, as MAX_TAIL_CALL_CNT in the kernel. */
export const MAX_TAIL_CALLS = 33;
/** may_goto budget of a run (BPF_MAX_LOOPS in the kernel). */
export const MAY_GOTO_BUDGET = 8 * 1024 * 1024;

export interface Frame {
  /** Slot to return to in the caller, or -1 when this frame is a callback invoked by a helper. */
  returnPc: number;
  /** Slot of the call instruction (for the call stack view). */
  callSlot: number;
  /** r6..r9 of the caller as lo,hi pairs, and r10. */
  saved: Int32Array;
  stack: Region;
}

/** What a helper implementation sees; implemented in helpers.ts. */
export interface HelperHost {
  /** Runs helper `id` with r1..r5 as arguments, leaving the result in r0. */
  call(m: Machine, id: number, slot: number): void;
}

/** Where the packet of this run lives (for LD_ABS, skb and xdp helpers). */
export interface PacketInfo {
  region: Region;
  /** Offsets inside region.bytes. */
  meta: number;
  data: number;
  end: number;
  /** Offset of the network header relative to data (0 for socket filters, 14 for tc). */
  netOff: number;
  /** Offset of the link-layer header relative to data (-14 for socket filters, 0 for tc). */
  macOff: number;
}

export type Tier = (m: Machine, stopDepth: number) => void;

export class Machine {
  readonly L = new Int32Array(11);
  readonly H = new Int32Array(11);
  pc = 0;
  count = 0;
  /** Instruction limit of the run; reaching it is a fault. */
  limit = 1_000_000;
  mayGoto = MAY_GOTO_BUDGET;
  tailCalls = 0;
  /** Set by a tail call until the running tier has switched to the new program. */
  tailCallPending = false;
  readonly mem = new Memory();
  code: Code;
  /** The program whose index tail calls use, and all programs of the module. */
  programs: Code[];
  progIndex = 0;
  readonly frames: Frame[] = [];
  private readonly framePool: (Frame | undefined)[] = [];
  private readonly stacks: Region[] = [];
  maps: VmMap[] = [];
  helpers: HelperHost | undefined;
  packet: PacketInfo | undefined;
  ctxRegion: Region | undefined;
  progType = 'raw';
  /** Lines written by trace_printk, as trace_pipe shows their message part. */
  readonly printk: string[] = [];
  /** Records written by perf_event_output, with the cpu index they were sent to. */
  readonly perfEvents: { map: string; index: number; data: Uint8Array }[] = [];
  /** Set when the program ended (exit from the entry frame, or a failed legacy packet load). */
  finished = false;
  fault: VmFault | undefined;
  /** Runs a nested call (a callback) in the tier that is currently executing. */
  tier: Tier | undefined;
  /** Options the helpers read. */
  env: MachineEnv = defaultEnv();

  constructor(code: Code, programs?: Code[]) {
    this.code = code;
    this.programs = programs ?? [code];
    this.resetFrames();
  }

  stackFor(depth: number): Region {
    let r = this.stacks[depth];
    if (r === undefined) {
      const name = depth === 0 ? 'fp' : `fp#${depth}`;
      r = this.mem.add('stack', name, depth === 0 ? 'stack' : `stack of frame ${depth}`, new Uint8Array(STACK_SIZE), true, 0, STACK_SIZE, STACK_SIZE);
      this.stacks[depth] = r;
    }
    return r;
  }

  /** One frame, r10 at the top of its stack. */
  resetFrames(): void {
    const root = this.rootFrame;
    // After a run that ended normally only the root frame is left: nothing to pop or push.
    if (root !== undefined && this.frames.length === 1 && this.frames[0] === root) { this.setFp(root.stack); return; }
    const stack = this.stackFor(0);
    this.rootFrame ??= { returnPc: -2, callSlot: -1, saved: new Int32Array(10), stack };
    // Popping is cheaper than setting the length, and a finished run has only the root frame left.
    while (this.frames.length > 0) this.frames.pop();
    this.frames.push(this.rootFrame);
    this.setFp(stack);
  }

  private rootFrame: Frame | undefined;

  private setFp(stack: Region): void {
    this.L[10] = (STACK_SIZE + 0x80000000) | 0;
    this.H[10] = REGION_TAG + stack.id;
  }

  /** Enters a function: saves r6..r10 of the caller, gives the callee a fresh frame pointer. */
  pushFrame(returnPc: number, callSlot: number): void {
    const saved = this.enter(returnPc, callSlot).saved, L = this.L, H = this.H;
    saved[0] = L[6]!; saved[1] = H[6]!; saved[2] = L[7]!; saved[3] = H[7]!; saved[4] = L[8]!; saved[5] = H[8]!;
    saved[6] = L[9]!; saved[7] = H[9]!; saved[8] = L[10]!; saved[9] = H[10]!;
    this.setFp(this.frames[this.frames.length - 1]!.stack);
  }

  /**
   * Pushes the callee's frame and returns it, leaving the registers alone: the caller fills `saved`
   * and the frame pointer. The fast tier does that from the registers it holds in locals, which
   * spares a round trip of r6..r10 through L and H on every call (a third of a call-heavy loop).
   */
  enter(returnPc: number, callSlot: number): Frame {
    if (this.frames.length >= MAX_FRAMES) {
      throw new VmFault('call-depth', callSlot, `the call stack of ${this.frames.length + 1} frames is too deep`);
    }
    // Frames are reused from a pool per depth, so calls in a hot loop allocate nothing.
    const depth = this.frames.length;
    let f = this.framePool[depth];
    if (f === undefined) {
      f = { returnPc, callSlot, saved: new Int32Array(10), stack: this.stackFor(depth) };
      this.framePool[depth] = f;
    }
    f.returnPc = returnPc;
    f.callSlot = callSlot;
    this.frames.push(f);
    return f;
  }

  /** Leaves a function: restores r6..r10 and returns the slot to continue at (-1 for a callback). */
  popFrame(): number {
    const f = this.frames.pop()!;
    const saved = f.saved, L = this.L, H = this.H;
    L[6] = saved[0]!; H[6] = saved[1]!; L[7] = saved[2]!; H[7] = saved[3]!; L[8] = saved[4]!; H[8] = saved[5]!;
    L[9] = saved[6]!; H[9] = saved[7]!; L[10] = saved[8]!; H[10] = saved[9]!;
    return f.returnPc;
  }

  /** Target slot of a callx or callback reference held in (lo, hi). */
  funcSlot(lo: number, hi: number, slot: number): number {
    if (hi === FUNC_TAG && lo >= 0 && lo < this.code.length) return lo;
    throw new VmFault('bad-call', slot, `call to ${this.mem.describe(lo, hi)}, which is not a function of the program`);
  }

  /**
   * Calls the function at `target` with the given arguments in r1..r5 from inside a helper and
   * returns its r0 (bpf_loop, for_each_map_elem). Runs in the current tier.
   */
  callback(target: number, args: [number, number][], slot: number): [number, number] {
    const tier = this.tier;
    if (tier === undefined) throw new VmFault('bad-call', slot, 'callbacks need a running tier');
    const savedPc = this.pc;
    const saveLo = this.L.slice(0, 6), saveHi = this.H.slice(0, 6);
    for (let i = 0; i < args.length; i++) { this.L[i + 1] = args[i]![0]; this.H[i + 1] = args[i]![1]; }
    this.pushFrame(-1, slot);
    const depth = this.frames.length - 1;
    this.pc = target;
    tier(this, depth);
    if (this.fault) throw this.fault;
    const r0: [number, number] = [this.L[0]!, this.H[0]!];
    this.L.set(saveLo.subarray(1), 1); this.H.set(saveHi.subarray(1), 1);
    this.pc = savedPc;
    return r0;
  }

  /** Switches to another program for a tail call: fresh entry frame, r1 unchanged. */
  tailCall(index: number): void {
    this.code = this.programs[index]!;
    this.progIndex = index;
    this.tailCalls++;
    this.tailCallPending = true;
    this.resetFrames();
    this.pc = 0;
  }

  /** r0 as an unsigned 64-bit hex string. */
  retvalHex(): string {
    const hi = this.H[0]! >>> 0, lo = this.L[0]! >>> 0;
    return '0x' + (hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0'));
  }
}

/** Values the helpers report for the environment of the run; configurable by `--ctx`/options. */
export interface MachineEnv {
  /** Nanoseconds of the first ktime_get_ns call; each call advances the clock. */
  ktimeNs: bigint;
  cpu: number;
  pidTgid: bigint;
  uidGid: bigint;
  comm: string;
  /** Seed of get_prandom_u32. */
  seed: number;
  /** Memory image for probe_read_kernel/user: address -> bytes. */
  probeMemory: { address: bigint; bytes: Uint8Array }[];
  jiffies: bigint;
}

export function defaultEnv(): MachineEnv {
  return {
    ktimeNs: 1_000_000_000n, cpu: 0, pidTgid: (1234n << 32n) | 1234n, uidGid: 0n, comm: 'ebpf-run',
    seed: 0x2545f491, probeMemory: [], jiffies: 4_294_967_296n,
  };
}
