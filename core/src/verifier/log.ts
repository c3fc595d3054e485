/**
 * The kernel-style verifier log: instructions printed the way the kernel's disassembler prints them
 * (`(79) r0 = *(u64 *)(r1 +0)`), register and stack states in the kernel's notation
 * (`R1=ctx() R10=fp0 fp-8=mmmmmmmm`), the state line after each instruction aligned at column 40,
 * the C source line before the instructions of an object compiled with `-g` (`; text @ file:line`),
 * and the closing statistics line.
 */
import type { Insn } from '../isa/insn';
import { formOf } from '../isa/codec';
import { helperById } from '../data/helpers';
import type { Program } from '../program/model';
import type { Env } from './env';
import type { Frame, VState } from './state';
import { regText, type Reg } from './regState';
import type { StateView } from './types';

const JMP: { [op: string]: string } = {
  jeq: '==', jgt: '>', jge: '>=', jset: '&', jne: '!=', jsgt: 's>', jsge: 's>=', jlt: '<', jle: '<=', jslt: 's<', jsle: 's<=',
};
const ALU: { [op: string]: string } = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', sdiv: 's/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=', mod: '%=', smod: 's%=',
  xor: '^=', mov: '=', arsh: 's>>=',
};
const SZ: { [n: number]: string } = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };

function offText(off: number): string {
  return off >= 0 ? `+${off}` : `${off}`;
}

function hex(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}

/** The instruction as the kernel's print_bpf_insn shows it, with the opcode byte in front. */
export function insnText(insn: Insn): string {
  const code = formOf(insn)?.opcode ?? 0;
  return `(${code.toString(16).padStart(2, '0')}) ${insnBody(insn)}`;
}

function insnBody(insn: Insn): string {
  switch (insn.kind) {
    case 'alu': {
      const r = insn.is64 ? 'r' : 'w';
      if (insn.op === 'neg') return `${r}${insn.dst} = -${r}${insn.dst}`;
      const src = insn.useReg ? `${r}${insn.src}` : `${insn.imm}`;
      return `${r}${insn.dst} ${ALU[insn.op]} ${src}`;
    }
    case 'movsx': { const r = insn.is64 ? 'r' : 'w'; return `${r}${insn.dst} = (s${insn.bits})${r}${insn.src}`; }
    case 'endian':
      if (insn.order === 'swap') return `r${insn.dst} = bswap${insn.bits} r${insn.dst}`;
      return `r${insn.dst} = ${insn.order}${insn.bits} r${insn.dst}`;
    case 'addrSpaceCast': return `r${insn.dst} = addr_space_cast(r${insn.src}, ${insn.imm >>> 16}, ${insn.imm & 0xffff})`;
    case 'load': return `r${insn.dst} = *(${insn.signed ? 's' : 'u'}${insn.size * 8} *)(r${insn.src} ${offText(insn.off)})`;
    case 'store':
      return `*(${SZ[insn.size]} *)(r${insn.dst} ${offText(insn.off)}) = ${insn.useReg ? `r${insn.src}` : insn.imm}`;
    case 'atomic': {
      const w = insn.size === 8 ? '64' : '';
      const p = `(${SZ[insn.size]} *)(r${insn.dst} ${offText(insn.off)})`;
      // The kernel's disassembler names the source register rN at every width.
      const s = `r${insn.src}`;
      if (insn.op === 'cmpxchg') return `r0 = atomic${w}_cmpxchg(${p}, r0, ${s})`;
      if (insn.op === 'xchg') return `${s} = atomic${w}_xchg(${p}, ${s})`;
      if (insn.fetch) return `${s} = atomic${w}_fetch_${insn.op}(${p}, ${s})`;
      return `lock *${p} ${ALU[insn.op]} ${s}`;
    }
    case 'loadAcquire': return `r${insn.dst} = load_acquire((${SZ[insn.size]} *)(r${insn.src} ${offText(insn.off)}))`;
    case 'storeRelease': return `store_release((${SZ[insn.size]} *)(r${insn.dst} ${offText(insn.off)}), r${insn.src})`;
    case 'ldImm64':
      if (insn.src === 1) return `r${insn.dst} = map[id:${insn.imm}]`;
      return `r${insn.dst} = 0x${insn.imm64.toString(16)}`;
    case 'ldImm64Hi': return '';
    case 'ldAbs': return `r0 = *(${SZ[insn.size]} *)skb[${insn.imm}]`;
    case 'ldInd': return `r0 = *(${SZ[insn.size]} *)skb[r${insn.src} + ${insn.imm}]`;
    case 'ja': return insn.long ? `gotol pc${offText(insn.imm)}` : `goto pc${offText(insn.off)}`;
    case 'jcond': {
      const r = insn.is64 ? 'r' : 'w';
      const src = insn.useReg ? `${r}${insn.src}` : hex(insn.imm);
      return `if ${r}${insn.dst} ${JMP[insn.op]} ${src} goto pc${offText(insn.off)}`;
    }
    case 'call':
      if (insn.src === 1) return `call pc${offText(insn.imm)}`;
      if (insn.src === 2) return `call kernel-function`;
      // Id 0 is BPF_FUNC_unspec, which the kernel's table names though no helper has it.
      return `call ${helperById(insn.imm)?.name ?? (insn.imm === 0 ? 'bpf_unspec' : 'unknown')}#${insn.imm}`;
    case 'callx': return `call r${insn.dst}`;
    case 'exit': return 'exit';
    case 'mayGoto': return `may_goto pc${offText(insn.off)}`;
  }
}

function mapName(env: Env): (i: number) => string {
  return (i) => env.maps[i]?.name ?? `map${i}`;
}

function mapSizes(env: Env): (i: number) => [number, number] {
  return (i) => [env.maps[i]?.keySize ?? 0, env.maps[i]?.valueSize ?? 0];
}

export function regString(env: Env, f: Frame, i: number): string {
  return inFrame(f, f.regs[i]!, regText(f.regs[i]!, mapName(env), mapSizes(env)));
}

/** A pointer into another frame's stack names that frame, as the kernel's `fp[0]-16`. */
function inFrame(f: Frame, r: Reg, text: string): string {
  return r.type === 'fp' && r.frame !== f.frameno && text.startsWith('fp') ? `fp[${r.frame}]${text.slice(2)}` : text;
}

/** A whole frame as the kernel prints it around calls: `frame1: R1=ctx() R10=fp0 cb`. */
export function frameText(env: Env, f: Frame): string {
  const text = frameView(env, f).text;
  return `${f.frameno ? `frame${f.frameno}: ` : ''}${text}${f.inCallbackFn ? ' cb' : ''}`;
}

/** One frame's registers and stack, optionally only the scratched ones. */
export function frameView(env: Env, f: Frame, only?: { regs: number; stack: Set<number> }): StateView {
  const regs: { [r: number]: string } = {};
  const stack: { [off: string]: string } = {};
  const parts: string[] = [];
  for (let i = 0; i < 11; i++) {
    if (only && !(only.regs & (1 << i))) continue;
    const r = f.regs[i]!;
    if (r.type === 'not_init') continue;
    const t = regString(env, f, i);
    regs[i] = t;
    parts.push(`R${i}=${t}`);
  }
  for (let spi = 0; spi < f.stack.length; spi++) {
    if (only && !only.stack.has(spi)) continue;
    const s = f.stack[spi]!;
    if (s.types === '????????') continue;
    const off = -(spi + 1) * 8;
    // A spill narrower than the slot shows the bytes above it first, as the kernel prints `fp-8=????0`.
    const t = s.spilled && s.types[7] === 'r' ? s.types.slice(0, s.types.indexOf('r')) + inFrame(f, s.spilled, regText(s.spilled, mapName(env), mapSizes(env))) : s.types;
    stack[String(off)] = t;
    parts.push(`fp${off}=${t}`);
  }
  return { regs, stack, text: parts.join(' ') };
}

export function stateText(env: Env, s: VState): string {
  const f = s.frames[s.frames.length - 1]!;
  let text = frameView(env, f).text;
  if (s.refs.length) text += ` refs=${s.refs.map((r) => r.id).join(',')}`;
  if (f.inCallbackFn) text += ' cb';
  return s.frames.length > 1 ? `frame${f.frameno}: ${text}` : text;
}

/** Pads an instruction line to the kernel's state column (vlog_alignment). */
export function alignedState(line: string, state: string): string {
  if (!state) return line;
  // The kernel measures from just past the instruction text (its trailing newline is taken back).
  const pos = line.length + 1;
  // vlog_alignment: the next multiple of 8 at or past column 40, and at least 4 past the text.
  const pad = Math.ceil(Math.max(pos + 4, 40) / 8) * 8 - pos - 1;
  return `${line}${' '.repeat(Math.max(pad, 1))}; ${state}`;
}

export function statsLine(processed: number, maxStates: number, total: number, peak: number): string {
  return `processed ${processed} insns (limit 1000000) max_states_per_insn ${maxStates} total_states ${total} peak_states ${peak} mark_read 0`;
}

type LineRecord = NonNullable<Program['lineInfo']>[number];

/** The line_info record that applies to `slot`: the last one at or before it (find_linfo). */
export function sourceLineAt(lines: Program['lineInfo'], slot: number): LineRecord | undefined {
  if (!lines || lines.length === 0 || lines[0]!.slot > slot) return undefined;
  let lo = 0;
  let hi = lines.length - 1;
  // Rightmost record with slot <= `slot`; lines[lo] satisfies it throughout.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid]!.slot <= slot) lo = mid;
    else hi = mid - 1;
  }
  return lines[lo];
}

/**
 * The kernel's verbose_linfo for one walk (it forgets the last line at the start of each do_check_common):
 * before an instruction, the `; text @ file:line` line of its record, unless that is the record printed
 * last or names the same file and line (records that differ only in column would print the same text).
 * The text loses its leading blanks and the file its directories, as in the kernel.
 */
export class SourceLineLog {
  private prev: LineRecord | undefined;

  constructor(private readonly lines: Program['lineInfo']) {}

  before(slot: number): string | undefined {
    const r = sourceLineAt(this.lines, slot);
    if (!r || r === this.prev) return undefined;
    if (this.prev && this.prev.file === r.file && this.prev.line === r.line) return undefined;
    this.prev = r;
    return `; ${r.text.replace(/^\s+/, '')} @ ${r.file.slice(r.file.lastIndexOf('/') + 1)}:${r.line}`;
  }
}
