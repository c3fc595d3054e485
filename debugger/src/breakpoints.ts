/**
 * The breakpoints of one debug session, in program terms: each is a slot plus optional condition,
 * hit condition and log message. Line breakpoints move to the next line that holds an instruction;
 * function breakpoints name a label or function; instruction breakpoints name a slot. The runtime
 * asks `at(slot)` when the interpreter stops at a marked slot and decides whether to stop.
 */
import type { Program } from '../../core/src/program/model';
import { parseExpr, type Expr } from './expr';

export type BpKind = 'line' | 'function' | 'instruction';

export interface BpSpec {
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export interface Breakpoint {
  id: number;
  kind: BpKind;
  /** Slot it stops at, or -1 when it could not be placed. */
  slot: number;
  /** 1-based source line it was placed on (after moving), when the program has source. */
  line?: number;
  verified: boolean;
  message?: string;
  condition?: Expr;
  hit?: (n: number) => boolean;
  logMessage?: string;
  hits: number;
}

/** Parses a hit condition: `5` or `== 5` (exactly the 5th hit), `>= 5`, `> 5`, `% 3` (every 3rd). */
export function parseHitCondition(text: string): ((n: number) => boolean) | string {
  const m = /^\s*(==|>=|>|%|<=|<)?\s*(\d+)\s*$/.exec(text);
  if (m === null) return `hit condition "${text}" is not understood (use 5, >= 5, > 5 or % 3)`;
  const k = Number(m[2]);
  switch (m[1]) {
    case '>=': return (n) => n >= k;
    case '>': return (n) => n > k;
    case '<=': return (n) => n <= k;
    case '<': return (n) => n < k;
    case '%': return k === 0 ? () => false : (n) => n % k === 0;
    default: return (n) => n === k;
  }
}

export class Breakpoints {
  private nextId = 1;
  private byKind: Record<BpKind, Breakpoint[]> = { line: [], function: [], instruction: [] };
  /** 1 at every slot with a placed breakpoint, for the interpreter. */
  marks: Uint8Array;

  constructor(private readonly program: Program, private readonly file: string | undefined) {
    this.marks = new Uint8Array(program.insns.length);
  }

  private make(kind: BpKind, slot: number, spec: BpSpec, message?: string): Breakpoint {
    const bp: Breakpoint = { id: this.nextId++, kind, slot, verified: slot >= 0, hits: 0 };
    if (message !== undefined) bp.message = message;
    if (slot >= 0) {
      const r = this.program.lines[slot];
      if (r !== undefined) bp.line = r.line;
    }
    if (spec.condition !== undefined && spec.condition.trim() !== '') {
      const e = parseExpr(spec.condition);
      if ('error' in e) { bp.verified = false; bp.message = `condition: ${e.error}`; } else bp.condition = e;
    }
    if (spec.hitCondition !== undefined && spec.hitCondition.trim() !== '') {
      const h = parseHitCondition(spec.hitCondition);
      if (typeof h === 'string') { bp.verified = false; bp.message = h; } else bp.hit = h;
    }
    if (spec.logMessage !== undefined) bp.logMessage = spec.logMessage;
    return bp;
  }

  /** The first slot on the first line at or after `line` (1-based), or -1. */
  slotForLine(line: number): number {
    let best = -1, bestLine = Infinity;
    this.program.lines.forEach((r, slot) => {
      if (r === undefined || this.program.insns[slot]?.kind === 'ldImm64Hi') return;
      if (r.line >= line && r.line < bestLine) { best = slot; bestLine = r.line; }
    });
    return best;
  }

  /** Replaces the line breakpoints of `path`. */
  setLines(path: string | undefined, lines: (BpSpec & { line: number })[]): Breakpoint[] {
    const sameFile = path !== undefined && this.file !== undefined && samePath(path, this.file);
    this.byKind.line = lines.map((l) => {
      if (!sameFile) return this.make('line', -1, l, 'this file is not the program being debugged');
      const slot = this.slotForLine(l.line);
      return this.make('line', slot, l, slot < 0 ? 'no instruction on or after this line' : undefined);
    });
    this.remark();
    return this.byKind.line;
  }

  /** Replaces the function breakpoints: each name is a label or function of the program. */
  setFunctions(names: (BpSpec & { name: string })[]): Breakpoint[] {
    this.byKind.function = names.map((f) => {
      let slot = -1;
      for (const [s, n] of this.program.labels) if (n === f.name) slot = s;
      if (slot < 0) slot = this.program.funcs.find((fn) => fn.name === f.name)?.start ?? -1;
      return this.make('function', slot, f, slot < 0 ? `no label or function named ${f.name}` : undefined);
    });
    this.remark();
    return this.byKind.function;
  }

  /** Replaces the instruction breakpoints (slots already computed from the references). */
  setInstructions(slots: (BpSpec & { slot: number })[]): Breakpoint[] {
    this.byKind.instruction = slots.map((i) => {
      const ok = i.slot >= 0 && i.slot < this.program.insns.length && this.program.insns[i.slot]?.kind !== 'ldImm64Hi';
      return this.make('instruction', ok ? i.slot : -1, i, ok ? undefined : 'no instruction at this address');
    });
    this.remark();
    return this.byKind.instruction;
  }

  private remark(): void {
    this.marks.fill(0);
    for (const bp of this.all()) if (bp.slot >= 0 && bp.verified) this.marks[bp.slot] = 1;
  }

  all(): Breakpoint[] {
    return [...this.byKind.line, ...this.byKind.function, ...this.byKind.instruction];
  }

  at(slot: number): Breakpoint[] {
    return this.all().filter((b) => b.slot === slot && b.verified);
  }
}

function samePath(a: string, b: string): boolean {
  const norm = (p: string): string => p.replace(/\\/g, '/').replace(/^([a-z]):/i, (_m, d: string) => `${d.toLowerCase()}:`);
  return norm(a) === norm(b);
}
