/**
 * The typed stops of the interpreter. Everything that ends a run early (a bad memory access, the
 * instruction limit, a helper we do not emulate, a call stack that is too deep) is a `VmFault` with a
 * kind, the slot of the instruction and one message worded for people. Both tiers throw only this
 * type internally and turn it into a result at their edge, so callers never see an untyped exception.
 */

export type FaultKind =
  | 'invalid-read'
  | 'invalid-write'
  | 'read-only'
  | 'bad-pointer'
  | 'insn-limit'
  | 'bad-insn'
  | 'bad-jump'
  | 'helper-not-emulated'
  | 'unknown-helper'
  | 'helper-arg'
  | 'call-depth'
  | 'bad-call';

export class VmFault extends Error {
  constructor(
    readonly kind: FaultKind,
    /** Slot of the instruction that stopped, or -1 when no instruction is involved. */
    readonly slot: number,
    /** The message without the trailing " at insn N". */
    readonly detail: string,
  ) {
    super(slot >= 0 ? `${detail} at insn ${slot}` : detail);
    this.name = 'VmFault';
  }
}

/** Turns anything caught at a tier's edge into a fault; a non-fault is a bug in the VM and says so. */
export function asFault(e: unknown, slot: number): VmFault {
  if (e instanceof VmFault) return e;
  if (e instanceof RangeError) return new VmFault('bad-insn', slot, `internal error: ${e.message}`);
  return new VmFault('bad-insn', slot, `internal error: ${e instanceof Error ? e.message : String(e)}`);
}
