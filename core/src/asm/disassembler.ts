/**
 * The disassembler: from raw instruction bytes or from an object file to assembly source. The
 * LLVM-dialect output is meant to be fed back to `llvm-mc -triple bpfel -mcpu=v4` (or our
 * assembler) and give the same section bytes and relocations, so it carries the directives that
 * matter (`.section`, `.globl`, `.type`, `.size`), names jump and call targets with labels (existing
 * symbols where there are some, synthesised `LBB<section>_<slot>` otherwise) and prints relocated
 * operands by symbol (`r1 = mymap ll`, `call bpf_map_lookup_elem`).
 *
 * It never throws: a slot that does not decode, or an operand that no syntax can express, is
 * written as raw data (`.quad 0x...`) with a comment saying why, and reported in the diagnostics.
 * The mnemonic dialect prints the same listing in ubpf/bpf_conformance syntax; it has no directives,
 * so sections and symbol attributes become comments there.
 */
import type { Insn } from '../isa/insn';
import { jumpTarget } from '../isa/insn';
import { decodeProgram, formOf } from '../isa/codec';
import { SLOT_SIZE } from '../isa/opcode';
import {
  R_BPF_64_32, R_BPF_64_64, R_BPF_64_ABS32, R_BPF_64_ABS64, SHN_ABS, SHN_COMMON, SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS,
  SHF_WRITE, SHT_NOBITS, type ObjectFile, type ObjRelocation, type ObjSection, type ObjSymbol,
} from '../elf/types';
import { formatSymbol, printInsn, type PrintOptions } from './printer';
import { printMnemonic, type MnemonicPrintOptions } from './mnemonicPrinter';

export interface DisasmOptions {
  /** 'llvm' (default): source llvm-mc reassembles; 'mnemonic': ubpf / bpf_conformance syntax. */
  dialect?: 'llvm' | 'mnemonic';
  /** Numbers in decimal instead of hexadecimal. */
  decimal?: boolean;
  /** Register prefix of the mnemonic dialect ('%' for the conformance suite). */
  regPrefix?: string;
}

export interface DisasmDiagnostic {
  /** Section of the problem; absent for raw bytes. */
  section?: string;
  /** Byte offset within the section (or the input). */
  offset: number;
  message: string;
}

export interface DisasmResult {
  text: string;
  diagnostics: DisasmDiagnostic[];
}

const IDENT = /^[A-Za-z_.$][A-Za-z0-9_.$]*$/;

/** A name as llvm-mc accepts it in an operand or directive: quoted when it is not a plain identifier. */
function quoteName(name: string): string {
  return IDENT.test(name) ? name : `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** The little-endian 64-bit value of the slot at `at`, for a `.quad` line that reproduces it. */
function quadOf(data: Uint8Array, at: number): string {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(data[at + i]!);
  return `0x${v.toString(16).padStart(16, '0')}`;
}

/**
 * Bytes that are all NUL-terminated printable strings (a license, a string-merge section) read
 * better as `.asciz` lines; anything else gives undefined.
 */
function stringLines(data: Uint8Array, from: number, to: number): string[] | undefined {
  if (to <= from || data[to - 1] !== 0) return undefined;
  const lines: string[] = [];
  let start = from;
  for (let i = from; i < to; i++) {
    const c = data[i]!;
    if (c === 0) {
      lines.push(`\t.asciz ${JSON.stringify(String.fromCharCode(...data.subarray(start, i)))}`);
      start = i + 1;
    } else if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      return undefined;
    }
  }
  return lines;
}

function byteLines(data: Uint8Array, from: number, to: number): string[] {
  const lines: string[] = [];
  for (let at = from; at < to; at += 16) {
    const chunk: string[] = [];
    for (let i = at; i < Math.min(to, at + 16); i++) chunk.push(`0x${hex(data[i]!, 2)}`);
    lines.push(`\t.byte ${chunk.join(', ')}`);
  }
  return lines;
}

/** Everything the printer of one section needs to know about the rest of the object. */
interface Context {
  opts: DisasmOptions;
  mnemonic: boolean;
  diagnostics: DisasmDiagnostic[];
  /** Every symbol name in the object, so synthesised labels never collide with one. */
  taken: Set<string>;
  symbols: readonly ObjSymbol[];
  printOpts: PrintOptions & MnemonicPrintOptions;
  /** Input was raw bytes, not an object. */
  raw: boolean;
}

function sectionHeader(sec: ObjSection, mnemonic: boolean): string[] {
  if (mnemonic) return [`# section ${sec.name}`];
  if (sec.name === '.text' && sec.flags === (SHF_ALLOC | SHF_EXECINSTR)) return ['\t.text'];
  let flags = '';
  if (sec.flags & SHF_ALLOC) flags += 'a';
  if (sec.flags & SHF_WRITE) flags += 'w';
  if (sec.flags & SHF_EXECINSTR) flags += 'x';
  if (sec.flags & SHF_MERGE) flags += 'M';
  if (sec.flags & SHF_STRINGS) flags += 'S';
  const kind = sec.type === SHT_NOBITS ? '@nobits' : '@progbits';
  const entsize = sec.flags & SHF_MERGE ? `,${sec.entsize ?? 1}` : '';
  const lines = [`\t.section ${quoteName(sec.name)},"${flags}",${kind}${entsize}`];
  if (!(sec.flags & SHF_EXECINSTR) && sec.align > 1 && (sec.align & (sec.align - 1)) === 0) {
    lines.push(`\t.p2align ${Math.log2(sec.align)}`);
  }
  return lines;
}

/** Directives and the label that define a symbol at the current position. */
function symbolLines(sym: ObjSymbol, ctx: Context): string[] {
  const name = quoteName(sym.name);
  if (ctx.mnemonic) return [`${sym.name}:`];
  const lines: string[] = [];
  if (sym.bind === 'global') lines.push(`\t.globl ${name}`);
  if (sym.bind === 'weak') lines.push(`\t.weak ${name}`);
  if (sym.type === 'func') lines.push(`\t.type ${name},@function`);
  if (sym.type === 'object') lines.push(`\t.type ${name},@object`);
  if (sym.size > 0) lines.push(`\t.size ${name}, ${sym.size}`);
  lines.push(`${name}:`);
  return lines;
}

/** Symbols defined in a section, by byte offset; section and file symbols are not labels. */
function symbolsByOffset(section: string, symbols: readonly ObjSymbol[]): Map<number, ObjSymbol[]> {
  const out = new Map<number, ObjSymbol[]>();
  for (const s of symbols) {
    if (s.section !== section || s.type === 'section' || s.type === 'file' || s.specialIndex !== undefined) continue;
    const list = out.get(s.value) ?? [];
    list.push(s);
    out.set(s.value, list);
  }
  return out;
}

/**
 * The operand text of a relocation against a section symbol at `offset` in that section: a local
 * symbol defined there if there is one (llvm-mc turns references to local symbols into section
 * references, so the object comes out the same), otherwise the section name plus the offset.
 */
function sectionTarget(section: string, offset: number, ctx: Context): string {
  const local = ctx.symbols.find((s) => s.section === section && s.value === offset && s.bind === 'local'
    && (s.type === 'func' || s.type === 'notype' || s.type === 'object'));
  if (local) return quoteName(local.name);
  return formatSymbol(quoteName(section), BigInt(offset), ctx.opts.decimal ?? false);
}

function codeSection(sec: ObjSection, index: number, relocs: Map<number, ObjRelocation>, ctx: Context): string[] {
  const data = sec.data;
  const count = Math.floor(data.length / SLOT_SIZE);
  const decoded = decodeProgram(data.length % SLOT_SIZE === 0 ? data : data.subarray(0, count * SLOT_SIZE));
  const bad = new Map<number, string>();
  for (const d of decoded.diagnostics) if (!bad.has(d.slot)) bad.set(d.slot, d.message);

  // Which slots print as instructions, and which slots a label may sit on.
  const printable: (Insn | undefined)[] = new Array(count);
  const labelable = new Array<boolean>(count + 1).fill(true);
  for (let pc = 0; pc < count; pc++) {
    const insn = decoded.insns[pc];
    if (!insn || insn.kind === 'ldImm64Hi') continue;
    if (insn.kind === 'ldImm64') {
      if (bad.has(pc) || bad.has(pc + 1)) continue;
      // `ld_pseudo` has no operand for the second slot's immediate: when it is not zero, only raw data keeps it.
      if (insn.src !== 0 && insn.imm64 >> 32n !== 0n) {
        bad.set(pc, 'ld_pseudo with a non-zero second immediate cannot be written in assembly');
        continue;
      }
      labelable[pc + 1] = false;
    }
    printable[pc] = insn;
  }
  for (let pc = 0; pc < count; pc++) {
    if (printable[pc] === undefined && decoded.insns[pc]?.kind === 'ldImm64') {
      // A broken 64-bit load prints as two raw slots, so its second slot becomes a valid label site again.
      labelable[pc + 1] = true;
    }
  }

  const syms = symbolsByOffset(sec.name, ctx.symbols);
  const labels = new Map<number, string>();
  // Only a local symbol can name a jump target: llvm-mc turns a jump or call to a global symbol into a relocation.
  for (const [off, list] of syms) {
    const local = list.find((x) => x.bind === 'local');
    if (off % SLOT_SIZE === 0 && local) labels.set(off / SLOT_SIZE, quoteName(local.name));
  }
  const labelFor = (slot: number): string | undefined => {
    if (slot < 0 || slot > count || !labelable[slot]) return undefined;
    let name = labels.get(slot);
    if (name === undefined) {
      name = `LBB${index}_${slot}`;
      for (let n = 1; ctx.taken.has(name); n++) name = `LBB${index}_${slot}_${n}`;
      ctx.taken.add(name);
      labels.set(slot, name);
    }
    return name;
  };

  // Print every instruction first, so every label a jump needs exists before the listing is laid out.
  const body: (string | undefined)[] = new Array(count);
  for (let pc = 0; pc < count; pc++) {
    const insn = printable[pc];
    if (insn === undefined) {
      if (decoded.insns[pc]?.kind === 'ldImm64Hi' && printable[pc - 1] !== undefined) continue;
      const kind = decoded.insns[pc]?.kind;
      const why = bad.get(pc)
        ?? (kind === 'ldImm64' ? 'broken 64-bit immediate load' : kind === 'ldImm64Hi' ? 'second slot of the 64-bit load above' : 'not an instruction');
      ctx.diagnostics.push({ section: sec.name, offset: pc * SLOT_SIZE, message: why });
      body[pc] = `\t.quad ${quadOf(data, pc * SLOT_SIZE)} # ${why}`;
      continue;
    }
    const line = printOne(insn, pc, sec, relocs.get(pc * SLOT_SIZE), labelFor, ctx);
    if (line !== undefined) { body[pc] = line; continue; }
    // printOne has just reported why the instruction cannot be written; the comment repeats it.
    const why = ctx.diagnostics[ctx.diagnostics.length - 1]?.message ?? 'cannot be written in assembly';
    body[pc] = `\t.quad ${quadOf(data, pc * SLOT_SIZE)} # ${why}${insn.kind === 'ldImm64' ? `\n\t.quad ${quadOf(data, (pc + 1) * SLOT_SIZE)}` : ''}`;
  }

  // Raw bytes in the mnemonic dialect get no header at all, so the listing is a program the
  // bpf_conformance assembler (which knows no comments or directives) reads as it is.
  const out = ctx.raw && ctx.mnemonic ? [] : sectionHeader(sec, ctx.mnemonic);
  const emitted = new Set<ObjSymbol>();
  const labelLines = (slot: number): void => {
    for (const sym of syms.get(slot * SLOT_SIZE) ?? []) { out.push(...symbolLines(sym, ctx)); emitted.add(sym); }
    const synth = labels.get(slot);
    if (synth !== undefined && !(syms.get(slot * SLOT_SIZE) ?? []).some((x) => quoteName(x.name) === synth)) out.push(`${synth}:`);
  };
  for (let pc = 0; pc < count; pc++) {
    if (labelable[pc]) labelLines(pc);
    const line = body[pc];
    if (line !== undefined) out.push(line);
  }
  labelLines(count);
  if (data.length % SLOT_SIZE !== 0) {
    ctx.diagnostics.push({ section: sec.name, offset: count * SLOT_SIZE, message: `${data.length % SLOT_SIZE} trailing bytes do not make a whole instruction` });
    out.push(...byteLines(data, count * SLOT_SIZE, data.length));
  }
  for (const list of syms.values()) {
    for (const sym of list) {
      if (emitted.has(sym)) continue;
      ctx.diagnostics.push({ section: sec.name, offset: sym.value, message: `symbol ${sym.name} is not at an instruction boundary and was left out` });
    }
  }
  return out;
}

/** One instruction line, or undefined when its relocation cannot be written in assembly. */
function printOne(
  insn: Insn, pc: number, sec: ObjSection, rel: ObjRelocation | undefined,
  labelFor: (slot: number) => string | undefined, ctx: Context,
): string | undefined {
  let symbol: string | undefined;
  if (rel) {
    const fail = (why: string): undefined => {
      ctx.diagnostics.push({ section: sec.name, offset: pc * SLOT_SIZE, message: why });
      return undefined;
    };
    if (insn.kind === 'ldImm64' && insn.src === 0 && rel.type === R_BPF_64_64) {
      // llvm-mc keeps only the low 32 bits of the addend (the second slot stays zero).
      if (insn.imm64 >> 32n !== 0n) return fail('relocated 64-bit load with a non-zero second immediate cannot be written in assembly');
      if (rel.symbolIsSection) {
        const addend = Number(BigInt.asUintN(32, insn.imm64));
        symbol = sectionTarget(rel.symbol, addend, ctx);
        insn = { ...insn, imm64: 0n };
      } else {
        symbol = quoteName(rel.symbol);
      }
    } else if ((insn.kind === 'ja' || insn.kind === 'jcond' || insn.kind === 'mayGoto') && rel.type === R_BPF_64_64
      && !rel.symbolIsSection && (insn.kind === 'ja' && insn.long ? insn.imm : insn.off) === -1) {
      // llvm-mc writes a jump to a global symbol as -1 plus an R_BPF_64_64 relocation; naming the symbol does the same.
      const name = quoteName(rel.symbol);
      return print(insn, pc, () => name, undefined, ctx);
    } else if (insn.kind === 'call' && insn.src === 1 && rel.type === R_BPF_64_32) {
      if (rel.symbolIsSection) symbol = sectionTarget(rel.symbol, (insn.imm + 1) * SLOT_SIZE, ctx);
      else if (insn.imm === -1) symbol = quoteName(rel.symbol);
      else return fail(`call relocation against ${rel.symbol} with immediate ${insn.imm} cannot be written in assembly`);
    } else {
      return fail(`relocation of type ${rel.type} against ${rel.symbol || '(no symbol)'} on this instruction cannot be written in assembly`);
    }
  } else if (insn.kind === 'call' && insn.src === 1 && labelFor(jumpTarget(insn, pc)!) === undefined && !ctx.mnemonic) {
    // llvm-mc writes a numeric `call N` as a helper call; a local call needs a label to keep src = 1.
    ctx.diagnostics.push({ section: sec.name, offset: pc * SLOT_SIZE, message: 'local call target outside the section' });
    return undefined;
  } else if (insn.kind === 'ja' && insn.long && (insn.imm < -32768 || insn.imm > 32767)
    && labelFor(jumpTarget(insn, pc)!) === undefined && !ctx.mnemonic) {
    // llvm-mc reads a numeric `gotol` offset as 16 bits; a longer one needs a label.
    ctx.diagnostics.push({ section: sec.name, offset: pc * SLOT_SIZE, message: 'gotol target outside the section' });
    return undefined;
  }
  const text = print(insn, pc, labelFor, symbol, ctx);
  // Our own spellings (`call kfunc N`) mean nothing to llvm-mc: keep the bytes, show the text in a comment.
  if (!ctx.mnemonic && formOf(insn)?.llvmExtension) return `\t.quad ${quadOf(sec.data, pc * SLOT_SIZE)} # ${text.trim()}`;
  return text;
}

function print(insn: Insn, pc: number, labelFor: (slot: number) => string | undefined, symbol: string | undefined, ctx: Context): string {
  // One options object per run, updated in place: a listing of 100,000 instructions would otherwise
  // allocate as many option objects, and the garbage collector shows in the timings.
  const po = ctx.printOpts;
  po.pc = pc;
  po.labelFor = labelFor;
  if (symbol !== undefined) po.symbol = symbol;
  else delete po.symbol;
  return `\t${ctx.mnemonic ? printMnemonic(insn, po) : printInsn(insn, po)}`;
}

/** Non-code sections: their bytes, with symbols as labels and data relocations as `.quad sym` / `.long sym`. */
function dataSection(sec: ObjSection, relocs: Map<number, ObjRelocation>, ctx: Context): string[] {
  if (ctx.mnemonic) return [`# section ${sec.name}: ${sec.data.length} bytes of data`];
  const out = sectionHeader(sec, false);
  const syms = symbolsByOffset(sec.name, ctx.symbols);
  if (sec.type === SHT_NOBITS) {
    let at = 0;
    for (const off of [...syms.keys()].filter((o) => o <= sec.data.length).sort((a, b) => a - b)) {
      if (off > at) out.push(`\t.zero ${off - at}`);
      for (const sym of syms.get(off)!) out.push(...symbolLines(sym, ctx));
      at = off;
    }
    if (sec.data.length > at) out.push(`\t.zero ${sec.data.length - at}`);
    return out;
  }
  const data = sec.data;
  let pending = -1;
  const flush = (to: number): void => {
    if (pending >= 0 && to > pending) out.push(...(stringLines(data, pending, to) ?? byteLines(data, pending, to)));
    pending = -1;
  };
  for (let at = 0; at <= data.length; at++) {
    const here = syms.get(at);
    const rel = relocs.get(at);
    if (here || rel || at === data.length) flush(at);
    if (here) for (const sym of here) out.push(...symbolLines(sym, ctx));
    if (at === data.length) break;
    const width = rel?.type === R_BPF_64_ABS64 ? 8 : rel?.type === R_BPF_64_ABS32 ? 4 : 0;
    if (rel && width > 0 && at + width <= data.length) {
      let addend = 0n;
      for (let i = width - 1; i >= 0; i--) addend = (addend << 8n) | BigInt(data[at + i]!);
      const target = rel.symbolIsSection ? sectionTarget(rel.symbol, Number(addend), ctx)
        : `${quoteName(rel.symbol)}${addend !== 0n ? ` + ${addend}` : ''}`;
      out.push(`\t${width === 8 ? '.quad' : '.long'} ${rel.symbol === '' ? String(addend) : target}`);
      at += width - 1;
      continue;
    }
    if (rel) ctx.diagnostics.push({ section: sec.name, offset: at, message: `relocation of type ${rel.type} in a data section was left out` });
    if (pending < 0) pending = at;
  }
  return out;
}

function printOptions(opts: DisasmOptions): PrintOptions & MnemonicPrintOptions {
  return { decimal: opts.decimal ?? false, regPrefix: opts.regPrefix ?? '' };
}

function disassembleObject(obj: ObjectFile, opts: DisasmOptions): DisasmResult {
  const mnemonic = opts.dialect === 'mnemonic';
  const ctx: Context = {
    opts, mnemonic, diagnostics: [], taken: new Set(obj.symbols.map((s) => s.name)), symbols: obj.symbols, printOpts: printOptions(opts), raw: false,
  };
  const out: string[] = [];
  for (const s of obj.symbols) if (s.type === 'file' && !mnemonic) out.push(`\t.file ${JSON.stringify(s.name)}`);
  obj.sections.forEach((sec, index) => {
    const relocs = new Map<number, ObjRelocation>();
    for (const r of obj.relocations) if (r.section === sec.name) relocs.set(r.offset, r);
    if (out.length > 0) out.push('');
    out.push(...(sec.flags & SHF_EXECINSTR ? codeSection(sec, index, relocs, ctx) : dataSection(sec, relocs, ctx)));
  });
  if (!mnemonic) {
    for (const s of obj.symbols) {
      const name = quoteName(s.name);
      if (s.section === undefined && s.specialIndex === undefined && s.bind === 'weak') out.push(`\t.weak ${name}`);
      // Symbols outside every section: absolute values (`.set`) and common blocks (`.comm`, value = alignment).
      if (s.type !== 'file' && s.specialIndex === SHN_ABS) {
        if (s.bind !== 'local') out.push(`\t.${s.bind === 'weak' ? 'weak' : 'globl'} ${name}`);
        out.push(`\t.set ${name}, ${s.value}`);
      }
      if (s.specialIndex === SHN_COMMON) out.push(`\t.comm ${name}, ${s.size}, ${s.value}`);
    }
    if (obj.addrsig) {
      out.push('\t.addrsig');
      for (const name of obj.addrsig) out.push(`\t.addrsig_sym ${quoteName(name)}`);
    }
  }
  return { text: `${out.join('\n')}\n`, diagnostics: ctx.diagnostics };
}

/**
 * Disassemble raw instruction bytes (one program in `.text`) or every section of an object file.
 * Never throws; problems are in `diagnostics` and show in the text as commented raw data.
 */
export function disassemble(input: Uint8Array | ObjectFile, opts: DisasmOptions = {}): DisasmResult {
  if (input instanceof Uint8Array) {
    const sec: ObjSection = { name: '.text', type: 1, flags: SHF_ALLOC | SHF_EXECINSTR, align: 8, data: input };
    const ctx: Context = { opts, mnemonic: opts.dialect === 'mnemonic', diagnostics: [], taken: new Set(), symbols: [], printOpts: printOptions(opts), raw: true };
    const lines = codeSection(sec, 0, new Map(), ctx);
    for (const d of ctx.diagnostics) delete d.section;
    return { text: `${lines.join('\n')}\n`, diagnostics: ctx.diagnostics };
  }
  return disassembleObject(input, opts);
}
