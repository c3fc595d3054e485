/**
 * Builds a fresh interpreter machine for a launch target through the VM's loader (`Vm.load`: code
 * with map, function and data references resolved, every program of the module for tail calls, the
 * maps with the launch's initial contents, the context and packet as BPF_PROG_TEST_RUN prepares
 * them). The runtime calls this at launch, on restart and whenever it replays the recorded run to
 * step backwards, so it must be deterministic.
 */
import { Vm, type MapsInit } from '../../core/src/vm/vm';
import type { Machine } from '../../core/src/vm/machine';
import { interpret } from '../../core/src/vm/interp';
import type { Target, MapContents } from './launch';
import { hexBytes } from './launch';

export interface Prepared {
  machine: Machine;
}

/** Encodes a key or value given as hex text or a number into `size` little-endian bytes. */
export function encodeValue(v: string | number | bigint, size: number): Uint8Array | string {
  if (typeof v === 'string' && !/^-?\d+$/.test(v.trim())) {
    const b = hexBytes(v);
    if (b === undefined) return `"${v}" is neither a number nor hex bytes`;
    if (b.length !== size) return `"${v}" is ${b.length} bytes, expected ${size}`;
    return b;
  }
  let n = BigInt(typeof v === 'string' ? v.trim() : v);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) { out[i] = Number(n & 0xffn); n >>= 8n; }
  return out;
}

/** The launch's map contents in the VM loader's shape (the launch also accepts [{ key, value }] lists). */
function mapsInit(maps: Record<string, MapContents> | undefined): MapsInit | undefined {
  if (maps === undefined) return undefined;
  const out: MapsInit = {};
  for (const [name, c] of Object.entries(maps)) {
    out[name] = Array.isArray(c) ? Object.fromEntries(c.map((e) => [String(e.key), e.value])) : c;
  }
  return out;
}

/** A machine at the first instruction of the target's program, or the reason there cannot be one. */
export function prepare(t: Target): Prepared | string {
  const maps = mapsInit(t.options.maps);
  const vm = Vm.load(t.module, {
    progType: t.program.progType,
    ...(t.input !== undefined ? { data: t.input } : {}),
    ...(t.options.ctx !== undefined ? { ctx: t.options.ctx } : {}),
    ...(maps !== undefined ? { maps } : {}),
    limit: t.options.maxInstructions,
  }, t.programIndex);
  if ('error' in vm) return vm.error;
  const m = vm.machine;
  // Callbacks of helpers (bpf_loop, ...) run in the stepping interpreter, like the rest of the run.
  m.tier = (mm, depth) => { interpret(mm, depth); };
  return { machine: m };
}
