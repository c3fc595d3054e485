/**
 * The verifier's option and result types, shared by the driver, the CLI, the language server and the
 * kernel-differential tests. Options are one documented object; the CLI flags map onto it one to one.
 */

export interface VerifyOptions {
  /** Privileged rules (as root with CAP_BPF/CAP_PERFMON); default true. */
  privileged?: boolean;
  /** 0: no log; 1: the kernel's level 1 (states at branches); 2: state after every instruction. */
  logLevel?: 0 | 1 | 2;
  /** Processed-instruction limit; default 1_000_000 as in the kernel. */
  maxInsns?: number;
  /** Checked periodically; when set, verification stops with a cancellation error. */
  signal?: { cancelled: boolean };
  /**
   * Record the register and stack state before and after every slot: `true` or `'joined'` joins the
   * states of all paths that reached the slot (see joinStates.ts for the notation), `'last'` keeps the
   * last path's state alone.
   */
  collectStates?: boolean | 'joined' | 'last';
  /** Microsecond clock for verificationTimeUsec; defaults to Date.now() in microseconds. */
  clock?: () => number;
}

export interface VerifyError {
  /** Slot the kernel blames (0-based). */
  insn: number;
  /** The kernel's exact log line, without the trailing newline. */
  message: string;
  /** Stable catalog code (VERxxx). */
  code?: string;
  /** Our one-line explanation. */
  explanation?: string;
  hint?: string;
}

/** One state rendered in kernel notation, for hovers and inlay hints. */
export interface StateView {
  /** Register texts by register number, e.g. { 1: "ctx()", 10: "fp0" }; only initialised registers. */
  regs: { [reg: number]: string };
  /** Stack slots by offset from the frame pointer (negative), e.g. { "-8": "scalar(...)" }. */
  stack: { [off: string]: string };
  /** The whole state on one line, as the kernel logs it: `R1=ctx() R10=fp0 fp-8=mmmmmmmm`. */
  text: string;
}

/**
 * States of one slot: all states that reached it joined for display (or the last one, on request).
 * A joined value lists alternatives of different types separated by `|`, and `?` marks a register or
 * stack slot left uninitialised on some path.
 */
export interface InsnStates {
  insn: number;
  /** How many times the verifier processed this slot: the number of paths (states) that reached it. */
  visits: number;
  before?: StateView;
  after?: StateView;
}

export interface VerifyStats {
  maxStatesPerInsn: number;
  totalStates: number;
  peakStates: number;
}

export interface VerifyResult {
  accepted: boolean;
  insnsProcessed: number;
  error?: VerifyError;
  /** Kernel-style log for logLevel > 0 (empty otherwise, except for the error line). */
  log: string;
  stats: VerifyStats;
  /** Per slot, when collectStates was set. */
  states?: InsnStates[];
  timeUsec: number;
}
