/**
 * The launch configuration: its arguments (the names of the CLI contract plus context overrides and
 * initial map contents), their validation, and loading what they name — the program file (assembly
 * or ELF object), the program to debug inside it and the input packet. Anything wrong comes back as
 * a list of messages for the debug console; nothing here throws.
 */
import * as fs from 'fs';
import * as path from 'path';
import { assembleModule } from '../../core/src/program/assembleModule';
import { buildModule } from '../../core/src/program/build';
import { readElf } from '../../core/src/elf';
import type { Module, Program } from '../../core/src/program/model';
import type { CtxInput } from '../../core/src/vm/ctx';
import { looksLikePcap, readPcap } from './pcap';

/** Initial contents of one map: key → value, each a hex byte string or a number (stored little-endian). */
export type MapContents = Record<string, string | number> | { key: string | number; value: string | number }[];

export interface LaunchOptions {
  program: string;
  section?: string;
  programType?: string;
  data?: string;
  dataFile?: string;
  packetIndex: number;
  stopOnEntry: boolean;
  maxInstructions: number;
  ctx?: CtxInput;
  maps?: Record<string, MapContents>;
}

export const DEFAULT_MAX_INSTRUCTIONS = 1_000_000;

/** Checks raw launch arguments from any client; returns the options or the reasons they are unusable. */
export function parseLaunchArgs(raw: unknown): LaunchOptions | { errors: string[] } {
  const errors: string[] = [];
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return { errors: ['the launch arguments are not an object'] };
  const a = raw as Record<string, unknown>;
  const str = (k: string): string | undefined => {
    const v = a[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') { errors.push(`"${k}" must be a string`); return undefined; }
    return v;
  };
  const program = str('program');
  if ((a['program'] === undefined || a['program'] === null || program?.trim() === '')) errors.push('"program" is missing: give the path of a .s, .bpf or .o file');
  const section = str('section'), programType = str('programType'), data = str('data'), dataFile = str('dataFile');
  if (data !== undefined && !/^(\s*[0-9a-fA-F]{2})*\s*$/.test(data.replace(/^0x/, ''))) errors.push('"data" must be hex bytes, e.g. "0a0b0c"');
  if (data !== undefined && dataFile !== undefined) errors.push('give either "data" or "dataFile", not both');
  const num = (k: string, dflt: number, min: number): number => {
    const v = a[k];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) { errors.push(`"${k}" must be an integer of at least ${min}`); return dflt; }
    return v;
  };
  const packetIndex = num('packetIndex', 0, 0);
  const maxInstructions = num('maxInstructions', DEFAULT_MAX_INSTRUCTIONS, 1);
  const soe = a['stopOnEntry'];
  if (soe !== undefined && typeof soe !== 'boolean') errors.push('"stopOnEntry" must be true or false');
  const obj = (k: string): Record<string, unknown> | undefined => {
    const v = a[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) { errors.push(`"${k}" must be a JSON object`); return undefined; }
    return v as Record<string, unknown>;
  };
  const ctx = obj('ctx');
  if (ctx !== undefined) {
    for (const [k, v] of Object.entries(ctx)) {
      if (typeof v !== 'number' && typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'number'))) errors.push(`"ctx.${k}" must be a number`);
    }
  }
  const maps = obj('maps');
  if (maps !== undefined) {
    for (const [k, v] of Object.entries(maps)) if (typeof v !== 'object' || v === null) errors.push(`"maps.${k}" must be an object of key: value pairs`);
  }
  if (errors.length > 0) return { errors };
  return {
    program: program!, packetIndex, maxInstructions, stopOnEntry: soe === true,
    ...(section !== undefined ? { section } : {}), ...(programType !== undefined ? { programType } : {}),
    ...(data !== undefined ? { data } : {}), ...(dataFile !== undefined ? { dataFile } : {}),
    ...(ctx !== undefined ? { ctx: ctx as CtxInput } : {}), ...(maps !== undefined ? { maps: maps as Record<string, MapContents> } : {}),
  };
}

/** Hex text to bytes (spaces and a 0x prefix allowed); undefined when it is not hex. */
export function hexBytes(text: string): Uint8Array | undefined {
  const t = text.replace(/^0x/i, '').replace(/\s+/g, '');
  if (t.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(t)) return undefined;
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** What a launch resolves to: the module, the program to debug, its source file and the input bytes. */
export interface Target {
  options: LaunchOptions;
  /** Absolute path of the program file. */
  file: string;
  /** Whether the file is source text (breakpoints by line) or an object (instructions only). */
  hasSource: boolean;
  module: Module;
  program: Program;
  /** Index of the program in module.programs. */
  programIndex: number;
  input: Uint8Array | undefined;
}

function readBytes(file: string, what: string): Uint8Array | string {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return `${what} ${file} is not a file`;
    return new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code === 'ENOENT' ? `${what} ${file} does not exist` : `cannot read ${what} ${file}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Reads, assembles or decodes, and picks the program; errors read like compiler output. */
export function loadTarget(options: LaunchOptions, cwd = process.cwd()): Target | { errors: string[] } {
  const file = path.resolve(cwd, options.program);
  const bytes = readBytes(file, 'program file');
  if (typeof bytes === 'string') return { errors: [bytes] };
  let module: Module;
  let hasSource = true;
  const isElf = bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  if (isElf) {
    hasSource = false;
    const r = readElf(bytes);
    const errs = r.diagnostics.map((d) => `${file}: error: ${d.message}`);
    if (r.object === undefined) return { errors: errs.length > 0 ? errs : [`${file}: error: not a usable ELF object`] };
    const built = buildModule(r.object, { fileName: file });
    module = built.module;
    const bad = built.diagnostics.filter((d) => d.severity === 'error');
    if (module.programs.length === 0) return { errors: [...bad.map((d) => `${file}: error: ${d.message}`), `${file}: error: the object holds no program`] };
  } else {
    const text = new TextDecoder('utf-8').decode(bytes);
    const r = assembleModule(text, file, options.programType);
    const errs = r.diagnostics.filter((d) => d.severity === 'error');
    if (errs.length > 0) return { errors: errs.map((d) => `${file}:${d.range.line}:${d.range.column}: error: ${d.message}`) };
    module = r.module;
    if (module.programs.length === 0) return { errors: [`${file}: error: the file holds no program (put the code in an executable section, e.g. .section xdp,"ax",@progbits)`] };
  }
  let program = module.programs[0]!;
  let programIndex = 0;
  if (options.section !== undefined) {
    programIndex = module.programs.findIndex((q) => q.section === options.section || q.name === options.section);
    if (programIndex < 0) return { errors: [`no program in section "${options.section}"; the file has ${module.programs.map((q) => `"${q.section}"`).join(', ')}`] };
    program = module.programs[programIndex]!;
  }
  if (options.programType !== undefined) program = { ...program, progType: options.programType, progTypeSource: 'option' };
  let input: Uint8Array | undefined;
  if (options.data !== undefined) input = hexBytes(options.data);
  else if (options.dataFile !== undefined) {
    const df = path.resolve(cwd, options.dataFile);
    const raw = readBytes(df, 'data file');
    if (typeof raw === 'string') return { errors: [raw] };
    if (looksLikePcap(raw)) {
      const pkts = readPcap(raw);
      if (typeof pkts === 'string') return { errors: [`${df}: ${pkts}`] };
      const p = pkts[options.packetIndex];
      if (p === undefined) return { errors: [`${df}: packet index ${options.packetIndex} is out of range: the capture holds ${pkts.length} packets`] };
      input = p;
    } else input = raw;
  }
  return { options, file, hasSource, module, program, programIndex, input };
}
