/**
 * The interpreter's public face: load a program of a module (or raw instructions) with its maps, data
 * sections, context and packet, then either run it to the end in a chosen tier or drive it step by
 * step (the debugger's runtime wraps this class). Results carry r0, the bytes BPF_PROG_TEST_RUN would
 * return as data out, the instruction count, and a typed fault when the run stopped early.
 */
import type { Insn } from '../isa/insn';
import type { MapDef, Module, Program } from '../program/model';
import { buildCode, Op, type Code } from './code';
import { Machine, MAY_GOTO_BUDGET, type MachineEnv, type Frame } from './machine';
import { Memory, MAP_TAG, FUNC_TAG, type Region } from './memory';
import { VmMap, u32 } from './maps';
import { vmHelpers, helperIdByName } from './helpers';
import { setupContext, type ContextSetup, type CtxInput } from './ctx';
import { interpret, type StopReason } from './interp';
import { runFast } from './fast';
import { W } from './alu64';
import type { VmFault } from './fault';

/** Largest key or value the interpreter accepts (the kernel's own limit is KMALLOC_MAX_SIZE-ish). */
const MAX_MAP_BYTES = 1 << 20;

/** Initial map contents: map name -> { key: value }. Keys and values are decimal integers (stored little-endian) or hex bytes. */
export type MapsInit = Record<string, Record<string, string | number>>;

export interface VmOptions {
  /** Program type; default: the program's own, or raw memory for bare instructions. */
  progType?: string;
  data?: Uint8Array;
  ctx?: CtxInput;
  maps?: MapsInit;
  /** Instruction limit (default 1,000,000). */
  limit?: number;
  env?: Partial<MachineEnv>;
}

export interface VmResult {
  /** r0, low and high halves. */
  r0: [number, number];
  /** r0 as unsigned 64-bit hex ("0x2"). */
  retval: string;
  dataOut: Uint8Array;
  insns: number;
  fault?: { kind: VmFault['kind']; slot: number; message: string };
  printk: string[];
  perfEvents: { map: string; index: number; data: Uint8Array }[];
  ringbuf: { map: string; records: Uint8Array[] }[];
}

/** A program given as bare instructions, with maps that `ld_imm64` pseudo map loads name by index. */
export interface RawProgram {
  insns: readonly (Insn | undefined)[];
  maps?: MapDef[];
  progType?: string;
  /** Why slots could not be decoded, by slot. */
  bad?: Map<number, string>;
}

export class Vm {
  readonly machine: Machine;
  private readonly setup: ContextSetup;
  readonly program: Program | undefined;

  private readonly entry: number;
  /**
   * True when no program of the module can write memory (no store, atomic or call that could reach
   * a helper): a reset then need not copy the packet back, which is most of a short program's run.
   */
  private readonly readOnly: boolean;
  /** Set when the debugger wrote memory, so the next reset restores the input even so. */
  private written = false;

  private constructor(machine: Machine, setup: ContextSetup, program: Program | undefined) {
    this.machine = machine;
    this.entry = machine.progIndex;
    this.setup = setup;
    this.program = program;
    this.readOnly = machine.programs.every(codeIsReadOnly);
  }

  /** Loads program `index` of a module, or a raw program. Returns an error message for bad input. */
  static load(src: Module | RawProgram, options: VmOptions = {}, index = 0): Vm | { error: string } {
    const defs0 = 'programs' in src ? src.maps : src.maps ?? [];
    for (const d of defs0) {
      if (d.keySize < 0 || d.valueSize < 0 || d.keySize > MAX_MAP_BYTES || d.valueSize > MAX_MAP_BYTES || d.maxEntries < 0) {
        return { error: `map ${d.name}: key_size ${d.keySize} / value_size ${d.valueSize} / max_entries ${d.maxEntries} are beyond what the interpreter emulates` };
      }
    }
    try {
      return Vm.loadChecked(src, options, index);
    } catch (e) {
      return { error: `cannot load the program: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  private static loadChecked(src: Module | RawProgram, options: VmOptions, index: number): Vm | { error: string } {
    const isModule = 'programs' in src;
    const defs = isModule ? src.maps : src.maps ?? [];
    const maps: VmMap[] = [];
    const codes: Code[] = [];
    const programs: Program[] = isModule ? src.programs : [];
    if (isModule && programs[index] === undefined) return { error: `the file has no program #${index}` };
    const dataRegions = new Map<string, Region>();
    const machine = new Machine(buildCode([]), []);
    defs.forEach((d, i) => maps.push(new VmMap(d, i, machine.mem)));
    machine.maps = maps;
    if (isModule) {
      for (const [name, bytes] of src.dataSections) {
        const ro = name.startsWith('.rodata');
        dataRegions.set(name, machine.mem.add('data', name, `section ${name}`, bytes.slice(), !ro));
      }
      for (const p of programs) codes.push(codeForProgram(p, maps, dataRegions));
    } else {
      codes.push(buildCode(src.insns, rawResolver(maps), src.bad));
    }
    machine.programs = codes;
    machine.code = codes[isModule ? index : 0]!;
    machine.progIndex = isModule ? index : 0;
    machine.helpers = vmHelpers;
    if (options.limit !== undefined) machine.limit = options.limit;
    if (options.env) Object.assign(machine.env, options.env);
    if (options.maps) {
      const err = initMaps(maps, options.maps, programs.map((p) => [p.name, p.section]));
      if (err) return { error: err };
    }
    const program = isModule ? programs[index] : undefined;
    const progType = options.progType ?? program?.progType ?? (isModule ? 'raw' : src.progType ?? 'raw');
    const setup = setupContext(machine, progType, options.data, options.ctx);
    if (typeof setup === 'string') return { error: setup };
    return new Vm(machine, setup, program);
  }

  /**
   * Makes the program ready to run again on the same input, as BPF_PROG_TEST_RUN's `repeat` does:
   * registers, frames, packet and context start afresh; maps keep what earlier runs stored.
   */
  reset(): void {
    const m = this.machine;
    // Written out, not a loop or fill(): on a short program the reset is a large part of each run,
    // and 22 plain stores measured well below both (a loop of eleven, L.set of a zero array).
    const L = m.L, H = m.H;
    L[0] = 0; L[1] = 0; L[2] = 0; L[3] = 0; L[4] = 0; L[5] = 0; L[6] = 0; L[7] = 0; L[8] = 0; L[9] = 0; L[10] = 0;
    H[0] = 0; H[1] = 0; H[2] = 0; H[3] = 0; H[4] = 0; H[5] = 0; H[6] = 0; H[7] = 0; H[8] = 0; H[9] = 0; H[10] = 0;
    m.code = m.programs[this.entry]!;
    m.progIndex = this.entry;
    m.pc = 0; m.count = 0; m.finished = false; m.fault = undefined;
    m.tailCalls = 0; m.tailCallPending = false; m.mayGoto = MAY_GOTO_BUDGET;
    m.resetFrames();
    this.setup.reset(!this.readOnly || this.written);
    this.written = false;
  }

  /** Runs to the end in the fast tier (default) or the stepping interpreter. */
  run(tier: 'fast' | 'interp' = 'fast'): VmResult {
    const m = this.machine;
    if (!m.finished && !m.fault) {
      if (tier === 'fast') runFast(m, 0);
      else {
        m.tier = (mm, depth) => { interpret(mm, depth); };
        interpret(m, 0);
      }
    }
    return this.result();
  }

  /** Executes up to `count` instructions (stopping early at the end, a fault or a breakpoint). */
  step(count = 1, breakpoints?: Uint8Array): StopReason {
    const m = this.machine;
    if (m.finished) return 'exit';
    if (m.fault) return 'fault';
    m.tier = (mm, depth) => { interpret(mm, depth); };
    return interpret(m, 0, { budget: count, ...(breakpoints ? { breakpoints } : {}) });
  }

  /** Runs until the end, a fault or a breakpoint (by slot of the current program). */
  continue(breakpoints: Uint8Array): StopReason {
    return this.step(Number.MAX_SAFE_INTEGER, breakpoints);
  }

  get pc(): number { return this.machine.pc; }
  get finished(): boolean { return this.machine.finished; }
  get fault(): VmFault | undefined { return this.machine.fault; }
  get code(): Code { return this.machine.code; }

  /** Register values r0..r10 as unsigned 64-bit integers. */
  registers(): bigint[] {
    const m = this.machine;
    const out: bigint[] = [];
    for (let r = 0; r <= 10; r++) out.push((BigInt(m.H[r]! >>> 0) << 32n) | BigInt(m.L[r]! >>> 0));
    return out;
  }

  setRegister(r: number, value: bigint): void {
    const v = BigInt.asUintN(64, value);
    this.machine.L[r] = Number(BigInt.asIntN(32, v));
    this.machine.H[r] = Number(BigInt.asIntN(32, v >> 32n));
  }

  /** Describes a register value: `fp-8`, `pkt+14`, `map counts`, or undefined for a plain number. */
  describePointer(value: bigint): string | undefined {
    const lo = Number(BigInt.asIntN(32, value)), hi = Number(BigInt.asIntN(32, value >> 32n));
    if (hi === MAP_TAG) return `map ${this.machine.maps[lo]?.name ?? `#${lo}`}`;
    if (hi === FUNC_TAG) return `function at slot ${lo}`;
    return this.machine.mem.regionOf(hi) ? this.machine.mem.describe(lo, hi) : undefined;
  }

  /** Reads VM memory at a tagged address; a message instead of bytes when the range is not readable. */
  readMemory(address: bigint, size: number): Uint8Array | string {
    const lo = Number(BigInt.asIntN(32, address)), hi = Number(BigInt.asIntN(32, address >> 32n));
    try { return this.machine.mem.read(lo, hi, size, -1); } catch (e) { return (e as Error).message; }
  }

  writeMemory(address: bigint, data: Uint8Array): string | undefined {
    const lo = Number(BigInt.asIntN(32, address)), hi = Number(BigInt.asIntN(32, address >> 32n));
    this.written = true;
    try { this.machine.mem.write(lo, hi, data, -1); return undefined; } catch (e) { return (e as Error).message; }
  }

  /** The frames, innermost first: the slot each is at (the current pc, then the call sites). */
  callStack(): { slot: number; depth: number; frame: Frame }[] {
    const m = this.machine;
    const out: { slot: number; depth: number; frame: Frame }[] = [];
    for (let i = m.frames.length - 1; i >= 0; i--) {
      const slot = i === m.frames.length - 1 ? m.pc : m.frames[i + 1]!.callSlot;
      out.push({ slot, depth: i, frame: m.frames[i]! });
    }
    return out;
  }

  result(): VmResult {
    return new Result(this.machine, this.setup);
  }

  /** Map contents after the run, as hex key -> hex value. */
  dumpMaps(): Record<string, [string, string][]> {
    const out: Record<string, [string, string][]> = {};
    for (const map of this.machine.maps) {
      out[map.name] = map.kind === 'queue' || map.kind === 'stack'
        ? map.items.map((v) => ['', toHex(v)] as [string, string])
        : map.list().map((e) => [toHex(e.key), toHex(e.value)] as [string, string]);
    }
    return out;
  }
}

/** True when the code has no instruction that can write memory (stores, atomics, helper or indirect calls). */
function codeIsReadOnly(code: Code): boolean {
  for (let pc = 0; pc < code.length; pc++) {
    const o = code.op[pc]!;
    if ((o >= Op.STB && o <= Op.ATOMIC_CMPXCHG_DW) || o === Op.CALL_HELPER || o === Op.CALL_KFUNC || o === Op.CALLX) return false;
  }
  return true;
}

/** A run's result; the data out is copied on first use, since a benchmark or a debugger step rarely reads it. */
class Result implements VmResult {
  readonly r0: [number, number];
  readonly insns: number;
  readonly fault?: { kind: VmFault['kind']; slot: number; message: string };
  readonly printk: string[];
  readonly perfEvents: { map: string; index: number; data: Uint8Array }[];
  private data: Uint8Array | undefined;

  constructor(private readonly m: Machine, private readonly setup: ContextSetup) {
    this.r0 = [m.L[0]!, m.H[0]!];
    this.insns = m.count;
    const f = m.fault;
    if (f) this.fault = { kind: f.kind, slot: f.slot, message: f.message };
    this.printk = m.printk;
    this.perfEvents = m.perfEvents;
  }

  /** r0 as unsigned hex, formatted on first use: a benchmark's repeated runs never read it. */
  get retval(): string {
    const hi = this.r0[1] >>> 0, lo = this.r0[0] >>> 0;
    return (this.hex ??= '0x' + (hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0')));
  }

  private hex: string | undefined;

  get dataOut(): Uint8Array {
    return (this.data ??= this.setup.dataOut());
  }

  get ringbuf(): { map: string; records: Uint8Array[] }[] {
    return this.m.maps.filter((x) => x.kind === 'ringbuf').map((x) => ({ map: x.name, records: x.records }));
  }
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/** Resolves the pseudo loads of raw instructions: map fd = index into the map list. */
function rawResolver(maps: VmMap[]) {
  return (slot: number, insn: Insn & { kind: 'ldImm64' }): [number, number] | string => {
    const idx = insn.imm | 0;
    switch (insn.src) {
      case 1: case 5:
        return maps[idx] ? maps[idx]!.ref() : `no map #${idx} for the pseudo map load at slot ${slot}`;
      case 2: case 6: {
        const map = maps[idx];
        if (!map || map.kind !== 'array') return `no array map #${idx} for the map value load at slot ${slot}`;
        const r = map.lookupRegion(u32(0));
        if (!r) return `map #${idx} has no element 0`;
        return Memory.ptr(r, Number(insn.imm64 >> 32n));
      }
      case 4: return [slot + idx + 1, FUNC_TAG];
      default: return `pseudo 64-bit load kind ${insn.src} is not supported`;
    }
  };
}

function codeForProgram(p: Program, maps: VmMap[], data: Map<string, Region>): Code {
  let insns: (Insn | undefined)[] = p.insns;
  if (p.externCalls.size > 0) {
    insns = p.insns.slice();
    for (const [slot, name] of p.externCalls) {
      const id = helperIdByName(name);
      const old = insns[slot];
      if (id !== undefined && old && old.kind === 'call') insns[slot] = { ...old, src: 0, imm: id };
    }
  }
  const bad = new Map<number, string>();
  for (const [slot, name] of p.externCalls) if (helperIdByName(name) === undefined) bad.set(slot, `call to undefined function ${name}`);
  const raw = rawResolver(maps);
  return buildCode(insns, (slot, insn) => {
    const ref = p.ldImm64Refs.get(slot);
    if (ref === undefined) return raw(slot, insn);
    switch (ref.kind) {
      case 'map': {
        const map = maps.find((x) => x.name === ref.map);
        if (!map) return `unknown map ${ref.map}`;
        if (ref.offset === 0 && insn.src !== 2) return map.ref();
        const r = map.lookupRegion(u32(0));
        return r ? Memory.ptr(r, ref.offset) : `map ${ref.map} has no element 0`;
      }
      case 'func': return [ref.slot, FUNC_TAG];
      case 'data': {
        const r = data.get(ref.section);
        return r ? Memory.ptr(r, ref.offset) : `unknown section ${ref.section}`;
      }
    }
  }, bad);
}

function parseBytes(v: string | number, size: number): Uint8Array | undefined {
  if (typeof v === 'number' || /^-?\d+$/.test(v)) {
    const n = BigInt.asUintN(64, BigInt(v));
    const b = new Uint8Array(size);
    for (let i = 0; i < size && i < 8; i++) b[i] = Number((n >> BigInt(8 * i)) & 0xffn);
    return b;
  }
  const hex = v.replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(hex)) return undefined;
  const b = new Uint8Array(size);
  for (let i = 0; i < hex.length / 2 && i < size; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return b;
}

/** Applies initial map contents; returns an error message for names or values that do not fit. */
export function initMaps(maps: VmMap[], init: MapsInit, programNames: [string, string][]): string | undefined {
  for (const [name, entries] of Object.entries(init)) {
    const map = maps.find((x) => x.name === name);
    if (!map) return `--maps names an unknown map '${name}'`;
    if (typeof entries !== 'object' || entries === null) return `--maps: the entries of '${name}' must be an object of key: value`;
    for (const [k, v] of Object.entries(entries)) {
      if (map.kind === 'queue' || map.kind === 'stack') {
        const value = parseBytes(v, map.def.valueSize);
        if (!value) return `--maps: bad value for ${name}`;
        map.push(value, 0);
        continue;
      }
      const key = parseBytes(k, map.def.keySize);
      let value: Uint8Array | undefined;
      if (map.kind === 'prog_array' && typeof v === 'string' && !/^\d+$/.test(v)) {
        const idx = programNames.findIndex(([n, sec]) => n === v || sec === v);
        if (idx < 0) return `--maps: no program named '${v}' for ${name}`;
        value = u32(idx);
      } else if (map.kind === 'map_of_maps' && typeof v === 'string' && !/^\d+$/.test(v)) {
        const inner = maps.find((x) => x.name === v);
        if (!inner) return `--maps: no map named '${v}' for ${name}`;
        value = u32(inner.index);
      } else value = parseBytes(v, map.kind === 'prog_array' || map.kind === 'map_of_maps' ? 4 : map.def.valueSize);
      if (!key || !value) return `--maps: bad key or value '${k}' in ${name}`;
      const r = map.update(key, value, 0);
      if (r < 0) return `--maps: cannot store key '${k}' in ${name} (error ${r})`;
    }
  }
  return undefined;
}

export { W };
