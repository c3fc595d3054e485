/**
 * Seeded test inputs for the disassembler: real instructions from the random program generator with
 * some slots replaced by random bytes, and sometimes a few trailing bytes.
 */
import { randomProgram, rng } from '../gen/random';

/** Garbage mixed with real instructions, so that both paths of the disassembler are exercised. */
export function mixedBlob(seed: number): Uint8Array {
  const r = rng(seed);
  const prog = randomProgram(seed, { length: 12, subprograms: 0, maps: [], externCalls: false });
  const out: number[] = [];
  for (let i = 0; i < prog.bytes.length; i += 8) {
    if (r() < 0.2) for (let k = 0; k < 8; k++) out.push(Math.floor(r() * 256));
    else out.push(...prog.bytes.subarray(i, i + 8));
  }
  if (r() < 0.3) for (let k = 0, n = Math.floor(r() * 8); k < n; k++) out.push(Math.floor(r() * 256));
  return Uint8Array.from(out);
}

