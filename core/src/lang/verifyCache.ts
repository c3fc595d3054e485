/**
 * A small per-document memory of verifier results, so that an edit which leaves a program's
 * instructions alone (a comment, whitespace, another program of the same file, a label moved by a
 * line) does not pay for verifying it again. The verifier is deterministic: its verdict depends on
 * the program's instructions and the facts attached to them (program type, functions, map and
 * function references, helper names), on the maps, and on the options; never on source positions.
 * The key is built from exactly those, so the source ranges (`Program.lines`), which move with every
 * edit above a program, stay out of it.
 *
 * Only complete results are kept: a verification stopped by the time budget or cancelled by a newer
 * edit is never remembered. The cache holds a handful of entries (least recently used goes first),
 * enough for the programs of a file plus the previous version of each, so undo is also free.
 */
import type { MapDef, Program } from '../program/model';
import type { VerifyResult } from '../verifier/types';

export interface CachedVerification {
  /** The level-0 result; it carries register states once `ensureStates` has asked for them. */
  result: VerifyResult;
  /**
   * The level-2 log of the same verification, kept for rejected programs only (the branch
   * decisions on the failing path are read from it); undefined until someone needed it.
   */
  pathLog?: string;
}

const MAX_ENTRIES = 16;

export class VerifyCache {
  private readonly entries = new Map<string, CachedVerification>();

  get(key: string): CachedVerification | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-inserting moves the entry to the young end of the map's insertion order.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: CachedVerification): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Bigints (64-bit immediates) do not serialise as JSON; they get a suffix that no number has. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value.toString()}n`;
  if (value instanceof Map) return [...value.entries()];
  return value;
}

/** What the verifier reads of a program, maps and options, as one string. */
export function verificationKey(program: Program, maps: MapDef[], options: { privileged: boolean; maxInsns?: number }): string {
  // Map source ranges move with edits and do not matter to the verifier.
  const mapFacts = maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags, m.inner ?? '']);
  // Labels are names for the reader only; the verifier never looks at them, so a renamed label
  // keeps the verdict.
  const facts = JSON.stringify([
    options.privileged, options.maxInsns ?? null,
    program.name, program.section, program.progType, program.attachType ?? null,
    program.funcs, program.ldImm64Refs, program.externCalls, mapFacts,
  ], replacer);
  // The instruction objects are serialised as they are; the native JSON writer is as quick as
  // encoding them (about a millisecond for 2,000 instructions) and needs no JIT warm-up.
  return `${facts}\n${JSON.stringify(program.insns, replacer)}`;
}
