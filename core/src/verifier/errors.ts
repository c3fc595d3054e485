/**
 * How checks report a rejection: they throw a `Reject` carrying the kernel's log lines; the driver
 * catches it at the instruction being checked and turns it into the verdict. Only the verifier throws
 * and catches these; `verifyProgram` never lets one escape.
 */
export class Reject {
  /** The kernel's log lines for the rejection, first line first (the primary message). */
  readonly lines: string[];
  /** Slot to blame when it is not the instruction being checked (e.g. the exit of a subprogram). */
  readonly insn?: number;
  constructor(lines: string | string[], insn?: number) {
    this.lines = typeof lines === 'string' ? [lines] : lines;
    this.insn = insn;
  }
}

export function reject(lines: string | string[], insn?: number): never {
  throw new Reject(lines, insn);
}
