/**
 * `ebpf verify FILE`: assembles (or reads) FILE and checks every program with the embedded verifier,
 * printing kernel-worded errors at their source positions, the kernel-style log (`--log-level`), or
 * the contract's JSON (`--json`). Exit 0 when every program is accepted, 1 when one is rejected, 2 when
 * the file cannot be read or assembled. An error in an object compiled with `-g` also names the C
 * source line of its instruction (from the object's BTF line_info): an `at FILE:LINE:COL: text` line
 * under it, or a `source` object in the JSON, where `line` and `column` stay positions in FILE.
 * `--kernel` (as root, with bpftool) also loads each program through the running kernel and prints its
 * verdict under ours (see kernelCheck.ts); it never changes the exit code, which stays our verdict.
 */
import * as fs from 'fs';
import type { Command, CliIo } from './command';
import { loadModule } from './run';
import { verifyProgram, type VerifyResult } from '../verifier/index';
import { sourceLineAt } from '../verifier/log';
import { progTypeByName } from '../data/progTypes';
import type { MapDef, Program } from '../program/model';
import type { ObjectFile } from '../elf/types';
import { readElf } from '../elf/reader';
import { assemble } from '../asm/assembler';
import { kernelCheckUnavailable, kernelVerdict, type KernelVerdict } from './kernelCheck';

const USAGE = `usage: ebpf verify FILE [--json] [--prog-type T] [--log-level N] [--unprivileged] [--kernel]
Checks each program as the Linux 6.18 verifier does (as root unless --unprivileged). --log-level 1|2
prints the kernel-style verifier log. --kernel (root, bpftool) also loads each program through the running
kernel and prints its verdict next to ours.`;

interface Args { file: string; json: boolean; progType?: string; logLevel: 0 | 1 | 2; privileged: boolean; kernel: boolean }

function parse(argv: string[]): Args | string {
  const a: Args = { file: '', json: false, logLevel: 0, privileged: true, kernel: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    switch (x) {
      case '--json': a.json = true; break;
      case '--unprivileged': a.privileged = false; break;
      case '--kernel': a.kernel = true; break;
      case '--prog-type': {
        const v = argv[++i];
        if (!v) return '--prog-type needs a value';
        const name = v.toLowerCase().replace(/^bpf_prog_type_/, '');
        if (!progTypeByName(name)) return `unknown program type ${v}`;
        a.progType = name;
        break;
      }
      case '--log-level': {
        const v = Number(argv[++i]);
        if (v !== 0 && v !== 1 && v !== 2) return '--log-level takes 0, 1 or 2';
        a.logLevel = v;
        break;
      }
      default:
        if (x.startsWith('--')) return `unknown option ${x}`;
        if (a.file) return `unexpected argument ${x}`;
        a.file = x;
    }
  }
  if (!a.file) return 'missing FILE';
  return a;
}

function clock(): number {
  const [s, ns] = process.hrtime();
  return s * 1e6 + ns / 1e3;
}

function position(p: Program, insn: number): { line: number; column: number } {
  const r = p.lines[insn];
  return r ? { line: r.line, column: r.column } : { line: 1, column: 1 };
}

/** Where an instruction of an object compiled with `-g` came from in C. */
interface CSource { file: string; line: number; column: number; text: string }

/** The C source line of instruction `insn`, from the program's BTF line_info, when it has one. */
function sourceOf(p: Program, insn: number): CSource | undefined {
  const r = sourceLineAt(p.lineInfo, insn);
  return r && { file: r.file, line: r.line, column: r.column, text: r.text };
}

/** The `  at file:line:column: text` line under an error (without the column when clang gave none). */
function sourceText(s: CSource): string {
  return `  at ${s.file}:${s.line}${s.column > 0 ? `:${s.column}` : ''}: ${s.text.trim()}\n`;
}

/** The object bpftool gets: the input itself when it is an ELF object, else our assembly of it. */
function objectOf(file: string): ObjectFile | undefined {
  let bytes: Uint8Array;
  try { bytes = new Uint8Array(fs.readFileSync(file)); } catch { return undefined; }
  if (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return readElf(bytes).object;
  return assemble(Buffer.from(bytes).toString('utf8')).object;
}

function isElfFile(file: string): boolean {
  try {
    const b = fs.readFileSync(file).subarray(0, 4);
    return b.length === 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
  } catch { return false; }
}

/** The kernel's verdict for `p`, or why it was not asked. */
function kernelFor(args: Args, obj: ObjectFile | undefined, elfInput: boolean, p: Program, maps: MapDef[]): KernelVerdict {
  if (!obj) return { checked: false, message: 'not checked (the file could not be turned into an object)' };
  if (args.progType) return { checked: false, message: 'not checked (--prog-type cannot be passed to bpftool)' };
  if (!args.privileged) return { checked: false, message: 'not checked (--unprivileged: bpftool loads as root)' };
  // `# @map` annotations are comments: kernelVerdict writes them into the object as BTF-defined maps.
  return kernelVerdict(obj, p, elfInput ? [] : maps);
}

function kernelLine(k: KernelVerdict): string {
  if (!k.checked) return `  kernel: ${k.message.startsWith('not checked') ? k.message : `not checked: ${k.message}`}\n`;
  return k.accepted ? '  kernel: accepted\n' : `  kernel: rejected: ${k.message}\n`;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const args = parse(argv);
  if (typeof args === 'string') { io.err(`ebpf verify: ${args}\n${USAGE}\n`); return 2; }
  const loaded = loadModule(args.file);
  if ('errors' in loaded) { io.err(loaded.errors.join('\n') + '\n'); return 2; }
  const mod = loaded.module;
  if (mod.programs.length === 0) { io.err(`${args.file}: error: no programs (no executable section other than .text)\n`); return 2; }
  let kernel = false;
  if (args.kernel) {
    const why = kernelCheckUnavailable();
    if (why) io.err(`ebpf verify: --kernel: ${why}\n`);
    kernel = why === undefined;
  }
  const obj = kernel ? objectOf(args.file) : undefined;
  const elfInput = kernel && isElfFile(args.file);
  let rejected = false;
  const out: object[] = [];
  for (const p of mod.programs) {
    if (args.progType) { p.progType = args.progType; p.progTypeSource = 'option'; }
    const r: VerifyResult = verifyProgram(p, mod.maps, { privileged: args.privileged, logLevel: args.logLevel, clock });
    if (!r.accepted) rejected = true;
    const diagnostics = r.error ? [{ severity: 'error', message: r.error.message, ...position(p, r.error.insn), insn: r.error.insn,
      ...(r.error.code ? { code: r.error.code } : {}), ...(r.error.explanation ? { explanation: r.error.explanation } : {}),
      ...(r.error.hint ? { hint: r.error.hint } : {}), source: sourceOf(p, r.error.insn) }] : [];
    const k = kernel ? kernelFor(args, obj, elfInput, p, mod.maps) : undefined;
    if (args.json) {
      out.push({ name: p.name, section: p.section, progType: p.progType, accepted: r.accepted, insnsProcessed: r.insnsProcessed,
        verificationTimeUsec: r.timeUsec, diagnostics,
        ...(k ? { kernel: k.checked ? { accepted: k.accepted, message: k.message } : { checked: false, message: k.message } } : {}) });
      continue;
    }
    if (args.logLevel > 0) io.out(r.log);
    if (r.error) {
      const pos = position(p, r.error.insn);
      io.out(`${args.file}:${pos.line}:${pos.column}: error: ${r.error.message} (insn ${r.error.insn}, program ${p.name})\n`);
      const source = sourceOf(p, r.error.insn);
      if (source) io.out(sourceText(source));
      if (r.error.explanation) io.out(`  ${r.error.explanation}\n`);
      if (r.error.hint) io.out(`  hint: ${r.error.hint}\n`);
    } else {
      io.out(`${p.name} (${p.section}, ${p.progType}): accepted, processed ${r.insnsProcessed} insns\n`);
    }
    if (k) io.out(`  ours:   ${r.accepted ? 'accepted' : `rejected: ${r.error?.message ?? ''}`}\n${kernelLine(k)}`);
  }
  if (args.json) io.out(JSON.stringify({ file: args.file, programs: out }, null, 2) + '\n');
  return rejected ? 1 : 0;
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check programs with the embedded verifier',
  usage: USAGE,
  run,
};
