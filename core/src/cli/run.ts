/**
 * `ebpf run FILE`: assembles (or reads) FILE and runs its first program, or the one `--section`
 * names, in the interpreter with BPF_PROG_TEST_RUN's meaning of `--data` (and `--ctx`), initial map
 * contents from `--maps`, and prints r0, the data out and the instruction count (`--json` in the
 * contract's shape). `--trace` steps the interpreter and prints every instruction with the
 * registers it changed; otherwise the fast tier runs the program.
 */
import * as fs from 'fs';
import type { Command, CliIo } from './command';
import type { Module } from '../program/model';
import { assembleModule } from '../program/assembleModule';
import { buildModule } from '../program/build';
import { readElf } from '../elf/reader';
import { Vm, toHex, type MapsInit, type VmOptions } from '../vm/vm';
import { printInsn } from '../asm/printer';

const USAGE = `usage: ebpf run FILE [--data HEX|@file.bin] [--ctx JSON|@file.json] [--maps JSON|@file.json] [--json] [--trace]
                [--section NAME] [--type PROG_TYPE] [--limit N] [--tier fast|interp]
Runs a program in the interpreter. --data is the packet (BPF_PROG_TEST_RUN data_in) for socket_filter,
sched_cls and xdp programs, and the memory r1 points to for other types. --ctx sets context fields
({"mark": 5, "cb": [1,2]}). --maps fills maps ({"counts": {"0": 7}, "jmp": {"1": "other_prog"}}).`;

interface RunArgs {
  file: string;
  data?: string; ctx?: string; maps?: string; json: boolean; trace: boolean;
  section?: string; type?: string; limit?: number; tier: 'fast' | 'interp';
}

function parseArgs(args: string[]): RunArgs | string {
  const out: RunArgs = { file: '', json: false, trace: false, tier: 'fast' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | undefined => args[++i];
    switch (a) {
      case '--json': out.json = true; break;
      case '--trace': out.trace = true; break;
      case '--data': case '--ctx': case '--maps': case '--section': case '--type': case '--limit': case '--tier': {
        const v = value();
        if (v === undefined) return `${a} needs a value`;
        if (a === '--limit') { const n = Number(v); if (!Number.isInteger(n) || n <= 0) return `--limit takes a positive integer`; out.limit = n; }
        else if (a === '--tier') { if (v !== 'fast' && v !== 'interp') return '--tier is fast or interp'; out.tier = v; }
        else out[a.slice(2) as 'data' | 'ctx' | 'maps' | 'section' | 'type'] = v;
        break;
      }
      default:
        if (a.startsWith('--')) return `unknown option ${a}`;
        if (out.file) return `unexpected argument ${a}`;
        out.file = a;
    }
  }
  if (!out.file) return 'missing FILE';
  return out;
}

/** Hex bytes (spaces and colons allowed), or the bytes of a file given as @path. */
export function readDataArg(text: string): Uint8Array | string {
  if (text.startsWith('@')) {
    try { return new Uint8Array(fs.readFileSync(text.slice(1))); } catch (e) { return `cannot read ${text.slice(1)}: ${(e as Error).message}`; }
  }
  const hex = text.replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) return `--data is not hex bytes: ${text.length > 40 ? text.slice(0, 40) + '...' : text}`;
  const b = new Uint8Array(hex.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return b;
}

function readJsonArg(name: string, text: string): unknown | string {
  let src = text;
  if (text.startsWith('@')) {
    try { src = fs.readFileSync(text.slice(1), 'utf8'); } catch (e) { return { error: `cannot read ${text.slice(1)}: ${(e as Error).message}` }; }
  }
  try { return JSON.parse(src) as unknown; } catch (e) { return { error: `${name} is not valid JSON: ${(e as Error).message}` }; }
}

/** Loads a .s/.bpf text file or an ELF object into the program model; errors as `FILE:LINE:COL: error: ...` lines. */
export function loadModule(file: string): { module: Module } | { errors: string[] } {
  let bytes: Uint8Array;
  try { bytes = new Uint8Array(fs.readFileSync(file)); } catch (e) { return { errors: [`${file}: error: ${(e as Error).message}`] }; }
  if (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
    const r = readElf(bytes);
    const errs = r.object ? [] : r.diagnostics.map((d) => `${file}: error: ${d.message}`);
    if (!r.object || errs.length > 0) return { errors: errs.length ? errs : [`${file}: error: not a BPF object`] };
    const built = buildModule(r.object, { fileName: file });
    const berrs = built.diagnostics.filter((d) => d.severity === 'error').map((d) => `${file}: error: ${d.message}`);
    return berrs.length ? { errors: berrs } : { module: built.module };
  }
  const text = Buffer.from(bytes).toString('utf8');
  const r = assembleModule(text, file);
  const errs = r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${file}:${d.range.line}:${d.range.column}: error: ${d.message}`);
  return errs.length ? { errors: errs } : { module: r.module };
}

function hex64(v: bigint): string {
  return '0x' + v.toString(16);
}

async function runCommandImpl(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') { io.err(`ebpf run: ${args}\n${USAGE}\n`); return 2; }
  const loaded = loadModule(args.file);
  if ('errors' in loaded) { io.err(loaded.errors.join('\n') + '\n'); return 2; }
  const mod = loaded.module;
  if (mod.programs.length === 0) { io.err(`${args.file}: error: no program to run (no executable section other than .text)\n`); return 2; }
  let index = 0;
  if (args.section !== undefined) {
    index = mod.programs.findIndex((p) => p.section === args.section || p.name === args.section);
    if (index < 0) { io.err(`ebpf run: no program in section or named '${args.section}'\n`); return 2; }
  }
  const opts: VmOptions = {};
  if (args.data !== undefined) {
    const d = readDataArg(args.data);
    if (typeof d === 'string') { io.err(`ebpf run: ${d}\n`); return 2; }
    opts.data = d;
  }
  for (const key of ['ctx', 'maps'] as const) {
    const text = args[key];
    if (text === undefined) continue;
    const v = readJsonArg(`--${key}`, text);
    if (typeof v === 'object' && v !== null && 'error' in v) { io.err(`ebpf run: ${(v as { error: string }).error}\n`); return 2; }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) { io.err(`ebpf run: --${key} must be a JSON object\n`); return 2; }
    if (key === 'ctx') opts.ctx = v as VmOptions['ctx'];
    else opts.maps = v as MapsInit;
  }
  if (args.type !== undefined) opts.progType = args.type;
  if (args.limit !== undefined) opts.limit = args.limit;
  const vm = Vm.load(mod, opts, index);
  if ('error' in vm) { io.err(`ebpf run: ${vm.error}\n`); return 2; }
  if (args.trace) trace(vm, io);
  const r = args.trace ? vm.result() : vm.run(args.tier);
  if (args.json) {
    const out: Record<string, unknown> = { retval: r.retval, dataOut: toHex(r.dataOut), insns: r.insns };
    if (r.fault) out.error = r.fault.message;
    if (r.printk.length) out.printk = r.printk;
    if (r.perfEvents.length) out.perfEvents = r.perfEvents.map((e) => ({ map: e.map, index: e.index, data: toHex(e.data) }));
    const rb = r.ringbuf.filter((x) => x.records.length > 0);
    if (rb.length) out.ringbuf = rb.map((x) => ({ map: x.map, records: x.records.map(toHex) }));
    if (mod.maps.length) out.maps = vm.dumpMaps();
    io.out(JSON.stringify(out) + '\n');
  } else {
    for (const line of r.printk) io.out(`trace_printk: ${line}\n`);
    for (const e of r.perfEvents) io.out(`perf_event_output: ${e.map}[${e.index}] ${toHex(e.data)}\n`);
    for (const x of r.ringbuf) for (const rec of x.records) io.out(`ringbuf ${x.map}: ${toHex(rec)}\n`);
    io.out(`retval: ${r.retval}\n`);
    if (r.dataOut.length > 0) io.out(`data out: ${toHex(r.dataOut)}\n`);
    io.out(`insns: ${r.insns}\n`);
  }
  if (r.fault) {
    const p = vm.program;
    const range = p?.lines[r.fault.slot];
    const where = range ? `${args.file}:${range.line}:${range.column}: ` : '';
    io.err(`${where}error: ${r.fault.message}\n`);
    return 1;
  }
  return 0;
}

/** Steps the program, printing each instruction and the registers it changed. */
function trace(vm: Vm, io: CliIo): void {
  let before = vm.registers();
  for (;;) {
    const pc = vm.pc;
    const insn = vm.code.insns[pc];
    const depth = vm.machine.frames.length - 1;
    const why = vm.step(1);
    const after = vm.registers();
    const changed: string[] = [];
    for (let r = 0; r <= 10; r++) {
      if (after[r] === before[r]) continue;
      const ptr = vm.describePointer(after[r]!);
      changed.push(`r${r}=${ptr ?? hex64(after[r]!)}`);
    }
    const ref = vm.program?.ldImm64Refs.get(pc);
    const symbol = ref === undefined ? undefined : ref.kind === 'map' ? ref.map : ref.kind === 'func' ? ref.func : ref.section;
    const label = (slot: number): string | undefined => vm.program?.labels.get(slot);
    const text = insn ? printInsn(insn, { pc, labelFor: label, ...(symbol !== undefined ? { symbol } : {}) }) : '<invalid>';
    const indent = '  '.repeat(depth);
    io.out(`${String(pc).padStart(5)}: ${indent}${text}${changed.length ? `    ; ${changed.join(' ')}` : ''}\n`);
    before = after;
    if (why !== 'budget') break;
  }
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run the first program in the interpreter',
  usage: USAGE,
  run: runCommandImpl,
};
