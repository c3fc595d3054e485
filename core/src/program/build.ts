/**
 * Builds the program model from an object file, the way libbpf loads one: every executable section
 * other than `.text` is a program; functions in `.text` that a program calls (through a `call`
 * relocation, a pc-relative call, or a 64-bit load of a function address) are appended after it,
 * transitively, each once, and the call offsets are fixed up for the new layout. 64-bit loads of a
 * `# @map` become map references; calls to undefined symbols become extern calls, or helper calls
 * when the name is a helper's.
 *
 * The instructions handed to the verifier look as libbpf hands them to the kernel: a map load has
 * src = BPF_PSEUDO_MAP_FD (imm = index of the map in `module.maps`), a data load src =
 * BPF_PSEUDO_MAP_VALUE (second imm = offset), a function address src = BPF_PSEUDO_FUNC (imm
 * pc-relative). `ldImm64Refs` says the same by name. The same builder serves objects assembled from
 * text (with source lines) and objects read from an ELF file (without, but with the C source lines of
 * their BTF line_info when clang compiled them with `-g`).
 */
import type { Diagnostic, SourceRange } from '../diagnostics';
import { decodeProgram } from '../isa/codec';
import type { Insn } from '../isa/insn';
import { BPF_PSEUDO_FUNC, BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE, readSlot } from '../isa/opcode';
import { SHF_ALLOC, SHF_EXECINSTR, SHT_NOBITS, type ObjectFile, type ObjRelocation, type ObjSection, type ObjSymbol } from '../elf/types';
import { progTypeForSection } from '../data/sections';
import { MSG } from '../asm/messages';
import { helperByName } from '../data/helpers';
import { withObjectMaps } from '../elf/maps';
import { readBtf, type Btf } from '../elf/btf';
import { programFuncInfo, programLineInfo, readBtfExt, unnamedFuncParam, type FuncInfoSection, type LineInfoSection } from '../elf/btfExt';
import type { FuncInfo, LdImm64Ref, MapDef, Module, Program } from './model';

export interface BuildExtras {
  fileName: string;
  /** Per section, the source range of each slot. */
  lines?: Map<string, (SourceRange | undefined)[]>;
  /** Per section, label names by slot (defaults to the object's symbols). */
  labels?: Map<string, Map<number, string>>;
  annotations?: {
    maps: MapDef[];
    /** Program type by section name; the key '' applies to every program. */
    progTypeBySection?: Map<string, string>;
  };
  /** Program type for sections that no rule and no annotation types. */
  defaultProgType?: string;
}

export interface BuildResult { module: Module; diagnostics: Diagnostic[] }

const NOWHERE: SourceRange = { line: 1, column: 1, endLine: 1, endColumn: 1 };

interface CodeSection { sec: ObjSection; insns: (Insn | undefined)[]; relocs: Map<number, ObjRelocation>; badSlots: Set<number> }

export function buildModule(obj: ObjectFile, extras: BuildExtras): BuildResult {
  const diagnostics: Diagnostic[] = [];
  // Maps come from `# @map` annotations first, then from the object itself (a legacy `maps` section
  // or BTF-described `.maps`, as clang writes them); an annotation wins over the object's definition.
  const objectMaps = withObjectMaps(extras.annotations?.maps ?? [], obj);
  const maps = objectMaps.maps;
  // From source, a map the object cannot describe is reported where it is used (with a hint to add
  // an annotation); an object file has no source positions, so its own map problems are reported.
  if (!extras.lines) {
    for (const d of objectMaps.diagnostics) {
      diagnostics.push({ code: d.code ?? 'ELF700', severity: 'error', message: d.message, range: NOWHERE });
    }
  }
  const symByName = new Map<string, ObjSymbol>();
  for (const s of obj.symbols) if (s.type !== 'section' && s.type !== 'file' && !symByName.has(s.name)) symByName.set(s.name, s);
  const rangeOf = (section: string, slot: number): SourceRange => extras.lines?.get(section)?.[slot] ?? NOWHERE;
  const report = (m: { code: string }, severity: Diagnostic['severity'], message: string, section: string, slot: number, program?: string): void => {
    diagnostics.push({ code: m.code, severity, message, range: rangeOf(section, slot), ...(program ? { program } : {}) });
  };

  const code = new Map<string, CodeSection>();
  for (const sec of obj.sections) {
    if ((sec.flags & SHF_EXECINSTR) === 0 || sec.type === SHT_NOBITS || sec.data.length === 0) continue;
    const decoded = decodeProgram(sec.data);
    for (const d of decoded.diagnostics) report(MSG.decodeError, 'warning', MSG.decodeError.text(d.message), sec.name, d.slot);
    const relocs = new Map<number, ObjRelocation>();
    for (const r of obj.relocations) if (r.section === sec.name) relocs.set(r.offset, r);
    code.set(sec.name, { sec, insns: decoded.insns, relocs, badSlots: new Set(decoded.diagnostics.map((d) => d.slot)) });
  }
  const textStarts = functionStarts(obj, code);
  const btfExt = readBtfExtInfo(obj, diagnostics);

  const progSections = [...code.keys()].filter((n) => n !== '.text');
  // A file with only `.text` (a plain listing without sections) is one program, so it can still be run.
  if (progSections.length === 0 && code.has('.text')) progSections.push('.text');

  const programs: Program[] = [];
  for (const section of progSections) {
    programs.push(buildProgram(section));
  }

  function buildProgram(section: string): Program {
    const name = entryName(obj, section);
    const prog: Program = {
      name, section, progType: 'socket_filter', progTypeSource: 'default', insns: [], lines: [], funcs: [],
      ldImm64Refs: new Map<number, LdImm64Ref>(), externCalls: new Map<number, string>(), labels: new Map<number, string>(),
    };
    setProgType(prog);
    /** Where each appended piece starts: key `section:firstSlot`. */
    const placed = new Map<string, number>();
    const pieces: { section: string; first: number; end: number; base: number }[] = [];
    const place = (sec: string, first: number, end: number, fname: string): number => {
      const key = `${sec}:${first}`;
      const have = placed.get(key);
      if (have !== undefined) return have;
      const base = prog.insns.length;
      placed.set(key, base);
      const src = code.get(sec)!;
      for (let pc = first; pc < end; pc++) {
        const insn = src.insns[pc];
        if (src.badSlots.has(pc) && pc * 8 + 8 <= src.sec.data.length) (prog.rawSlots ??= new Map()).set(prog.insns.length, readSlot(src.sec.data, pc * 8));
        prog.insns.push(insn ? { ...insn } : { kind: 'exit', dst: 0, src: 0, off: 0, imm: 0 });
        prog.lines.push(extras.lines?.get(sec)?.[pc]);
      }
      const info: FuncInfo = { name: fname, start: base, end: base + (end - first), section: sec };
      prog.funcs.push(info);
      pieces.push({ section: sec, first, end, base });
      return base;
    };
    const own = code.get(section)!;
    place(section, 0, own.insns.length, name);
    /** Call targets inside the program's own section: functions of their own, as the kernel sees them. */
    const ownStarts = new Set<number>();
    /** Program index of a slot of `.text`, appending the function that holds it. */
    const textIndex = (slot: number): number | undefined => {
      const text = code.get('.text');
      if (!text || slot < 0 || slot >= text.insns.length) return undefined;
      let start = 0;
      for (const s of textStarts) if (s <= slot) start = s;
      let next = textStarts.find((s) => s > start) ?? text.insns.length;
      // A function symbol with a size (`.size f, .-f`) bounds the function more tightly.
      const sized = obj.symbols.find((s) => s.section === '.text' && s.type === 'func' && s.value === start * 8 && s.size > 0);
      if (sized && sized.size % 8 === 0 && start + sized.size / 8 < next && start + sized.size / 8 > slot) next = start + sized.size / 8;
      const fname = textName(obj, start);
      return place('.text', start, next, fname) + (slot - start);
    };
    for (let p = 0; p < pieces.length; p++) {
      const piece = pieces[p]!;
      const src = code.get(piece.section)!;
      for (let pc = piece.first; pc < piece.end; pc++) {
        const q = piece.base + (pc - piece.first);
        const insn = prog.insns[q]!;
        const rel = src.relocs.get(pc * 8);
        if (insn.kind === 'call' && insn.src === 1) {
          let targetSec = piece.section;
          let targetSlot = pc + 1 + insn.imm;
          if (rel) {
            const sym = rel.symbolIsSection ? undefined : symByName.get(rel.symbol);
            if (!rel.symbolIsSection && (sym === undefined || sym.section === undefined)) {
              externCall(prog, q, rel.symbol, piece.section, pc);
              continue;
            }
            targetSec = rel.symbolIsSection ? rel.symbol : sym!.section!;
            targetSlot = (rel.symbolIsSection ? 0 : sym!.value / 8) + insn.imm + 1;
          }
          const idx = targetSec === piece.section && piece.section === section
            ? targetSlot
            : targetSec === '.text' ? textIndex(targetSlot) : undefined;
          if (idx === undefined || !Number.isInteger(idx)) {
            report(MSG.badCallTarget, 'error', MSG.badCallTarget.text(`${targetSec}+${targetSlot}`), piece.section, pc, name);
            continue;
          }
          insn.imm = idx - (q + 1);
          if (targetSec === section && idx > 0 && idx < own.insns.length) ownStarts.add(idx);
        } else if (insn.kind === 'ldImm64' && rel) {
          ldImm64(prog, q, insn, rel, piece.section, pc, textIndex, ownStarts);
        } else if (rel) {
          // llvm-mc writes such relocations for jumps to global or undefined labels; no loader applies them.
          report(MSG.badReloc, 'warning', MSG.badReloc.text(`relocation against '${rel.symbol}' on a ${insn.kind} instruction is ignored`), piece.section, pc, name);
        }
      }
    }
    for (const piece of pieces) {
      const names = extras.labels?.get(piece.section) ?? symbolLabels(obj, piece.section);
      for (const [slot, label] of names) {
        if (slot >= piece.first && slot < piece.end && !prog.labels.has(piece.base + slot - piece.first)) {
          prog.labels.set(piece.base + slot - piece.first, label);
        }
      }
    }
    splitOwn(prog, ownStarts);
    if (btfExt?.funcInfo) {
      const btfFuncs = programFuncInfo(btfExt.funcInfo, btfExt.btf, pieces, (d) => {
        diagnostics.push({ code: d.code ?? 'ELF620', severity: 'warning', message: d.message, range: NOWHERE, program: name });
      });
      if (btfFuncs) prog.btfFuncs = btfFuncs;
    }
    const lineInfo = btfExt?.lineInfo ? programLineInfo(btfExt.lineInfo, pieces) : undefined;
    if (lineInfo) prog.lineInfo = lineInfo;
    return prog;
  }

  function setProgType(prog: Program): void {
    const ann = extras.annotations?.progTypeBySection;
    const byAnn = ann?.get(prog.section) ?? ann?.get('');
    const bySec = progTypeForSection(prog.section);
    if (byAnn !== undefined) {
      prog.progType = byAnn;
      prog.progTypeSource = 'annotation';
    } else if (bySec) {
      prog.progType = bySec.progType;
      prog.progTypeSource = 'section';
      if (bySec.attachType !== undefined) prog.attachType = bySec.attachType;
    } else if (extras.defaultProgType !== undefined) {
      prog.progType = extras.defaultProgType;
      prog.progTypeSource = 'option';
    } else if (prog.section !== '.text') {
      report(MSG.noProgType, 'warning', MSG.noProgType.text(prog.section), prog.section, 0, prog.name);
    }
  }

  function externCall(prog: Program, q: number, callee: string, section: string, pc: number): void {
    prog.externCalls.set(q, callee);
    const helper = helperByName(callee);
    if (!helper) {
      report(MSG.undefinedFunction, 'error', MSG.undefinedFunction.text(callee), section, pc, prog.name);
      return;
    }
    prog.insns[q] = { kind: 'call', dst: 0, src: 0, off: 0, imm: helper.id };
    report(MSG.helperByName, 'info', MSG.helperByName.text(callee, helper.id), section, pc, prog.name);
  }

  function ldImm64(
    prog: Program, q: number, insn: Insn & { kind: 'ldImm64' }, rel: ObjRelocation, section: string, pc: number,
    textIndex: (slot: number) => number | undefined, ownStarts: Set<number>,
  ): void {
    const addend = Number(BigInt.asIntN(32, insn.imm64 & 0xffffffffn));
    const sym = rel.symbolIsSection ? undefined : symByName.get(rel.symbol);
    const targetSec = rel.symbolIsSection ? rel.symbol : sym?.section;
    const offset = (sym?.value ?? 0) + addend;
    const setImm = (src: number, lo: number, hi: number): void => {
      insn.src = src;
      insn.imm64 = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      insn.imm = lo | 0;
      const marker = prog.insns[q + 1];
      if (marker) marker.imm = hi | 0;
    };
    if (targetSec === undefined) {
      const mapIndex = maps.findIndex((m) => m.name === rel.symbol);
      if (mapIndex < 0) {
        report(MSG.unknownMap, 'error', MSG.unknownMap.text(rel.symbol), section, pc, prog.name);
        return;
      }
      prog.ldImm64Refs.set(q, { kind: 'map', map: rel.symbol, offset: addend });
      setImm(BPF_PSEUDO_MAP_FD, mapIndex, addend);
      return;
    }
    const target = obj.sections.find((s) => s.name === targetSec);
    if (target && (target.flags & SHF_EXECINSTR) !== 0) {
      const idx = targetSec === prog.section ? offset / 8 : targetSec === '.text' ? textIndex(offset / 8) : undefined;
      if (targetSec === prog.section && idx !== undefined && idx > 0) ownStarts.add(idx);
      if (idx === undefined || !Number.isInteger(idx)) {
        report(MSG.badCallTarget, 'error', MSG.badCallTarget.text(`${targetSec}+${offset}`), section, pc, prog.name);
        return;
      }
      prog.ldImm64Refs.set(q, { kind: 'func', func: sym?.name ?? textName(obj, offset / 8), slot: idx });
      setImm(BPF_PSEUDO_FUNC, idx - (q + 1), 0);
      return;
    }
    const mapIndex = maps.findIndex((m) => m.name === rel.symbol);
    if (mapIndex >= 0) {
      prog.ldImm64Refs.set(q, { kind: 'map', map: rel.symbol, offset: addend });
      setImm(BPF_PSEUDO_MAP_FD, mapIndex, addend);
      return;
    }
    // A symbol in a map section that neither an annotation nor the object's BTF describes.
    if (targetSec === '.maps' || targetSec === 'maps') {
      report(MSG.unknownMap, 'error', MSG.unknownMap.text(rel.symbol), section, pc, prog.name);
      return;
    }
    // libbpf makes each global-data section a one-element array map; the verifier needs its size,
    // and the contents of the read-only ones.
    if (/^\.(data|bss|rodata)(\.|$)/.test(targetSec) && target) (prog.globalData ??= new Map()).set(targetSec, target.data);
    prog.ldImm64Refs.set(q, { kind: 'data', section: targetSec, offset });
    setImm(BPF_PSEUDO_MAP_VALUE, 0, offset);
  }

  const dataSections = new Map<string, Uint8Array>();
  for (const s of obj.sections) {
    // Call-frame tables are allocated too, but libbpf ignores them, and so does the model.
    if ((s.flags & SHF_ALLOC) !== 0 && (s.flags & SHF_EXECINSTR) === 0 && s.name !== '.eh_frame') dataSections.set(s.name, s.data);
  }
  const module: Module = { fileName: extras.fileName, programs, maps, dataSections };
  const lic = dataSections.get('license');
  if (lic) {
    const nul = lic.indexOf(0);
    module.license = String.fromCharCode(...lic.subarray(0, nul < 0 ? lic.length : nul));
  }
  return { module, diagnostics };
}

/**
 * The object's func_info and line_info (`.BTF.ext`) with the `.BTF` that names their sections, types
 * and source lines, or undefined when the object has neither. Problems with either section are
 * warnings: the program still loads without func_info as long as it takes no subprogram's address,
 * and the verifier says so when it does. When libbpf would load the object without BTF (a FUNC with an
 * unnamed parameter), func_info is left out; line_info is kept, since it still says which C line each
 * instruction came from (the verifier log prints it only for programs that have func_info).
 */
function readBtfExtInfo(obj: ObjectFile, diagnostics: Diagnostic[]): { btf: Btf; funcInfo?: FuncInfoSection[]; lineInfo?: LineInfoSection[] } | undefined {
  const ext = obj.sections.find((s) => s.name === '.BTF.ext');
  if (!ext) return undefined;
  const warn = (d: { code?: string; message: string }): void => {
    diagnostics.push({ code: d.code ?? 'ELF620', severity: 'warning', message: d.message, range: NOWHERE });
  };
  const btfSec = obj.sections.find((s) => s.name === '.BTF');
  // Map definitions already report the problems of `.BTF` itself (from an object file), so here an
  // unusable `.BTF` only means that func_info and line_info cannot be read.
  const btf = btfSec ? readBtf(btfSec.data).btf : undefined;
  const read = readBtfExt(ext.data, btf);
  for (const d of read.diagnostics) warn(d);
  if (!btf) return undefined;
  const out: { btf: Btf; funcInfo?: FuncInfoSection[]; lineInfo?: LineInfoSection[] } = { btf };
  if (read.lineInfo && read.lineInfo.length > 0) out.lineInfo = read.lineInfo;
  const unnamed = unnamedFuncParam(btf);
  if (unnamed) {
    warn({
      code: 'ELF631',
      message: `.BTF: FUNC '${unnamed.func}' has a parameter without a name (arg#${unnamed.arg}), which the kernel refuses; libbpf loads the object without BTF, so func_info is ignored and every function is static`,
    });
  } else if (read.funcInfo && read.funcInfo.length > 0) out.funcInfo = read.funcInfo;
  return out.funcInfo || out.lineInfo ? out : undefined;
}

/**
 * Split the program's own function at the call targets inside its section (subprograms written in
 * the program's section rather than in `.text`), naming each piece after the label it starts at.
 */
function splitOwn(prog: Program, starts: Set<number>): void {
  const own = prog.funcs[0]!;
  const cuts = [...starts].filter((s) => s > own.start && s < own.end).sort((a, b) => a - b);
  if (cuts.length === 0) return;
  const pieces: FuncInfo[] = [];
  let from = own.start;
  for (const cut of [...cuts, own.end]) {
    pieces.push({ name: from === own.start ? own.name : prog.labels.get(from) ?? `${prog.section}+${from * 8}`, start: from, end: cut, section: own.section });
    from = cut;
  }
  prog.funcs.splice(0, 1, ...pieces);
}

/** Where functions start in `.text`: function and global symbols, and every call target into it. */
function functionStarts(obj: ObjectFile, code: Map<string, CodeSection>): number[] {
  const starts = new Set<number>([0]);
  const text = code.get('.text');
  if (!text) return [0];
  for (const s of obj.symbols) {
    if (s.section === '.text' && (s.type === 'func' || (s.type === 'notype' && s.bind !== 'local'))) starts.add(s.value / 8);
  }
  const symVal = new Map<string, ObjSymbol>();
  for (const s of obj.symbols) if (s.type !== 'section') symVal.set(s.name, s);
  for (const [name, cs] of code) {
    cs.insns.forEach((insn, pc) => {
      if (!insn) return;
      const rel = cs.relocs.get(pc * 8);
      let target: number | undefined;
      if (insn.kind === 'call' && insn.src === 1) {
        if (!rel) target = name === '.text' ? pc + 1 + insn.imm : undefined;
        else if (rel.symbolIsSection && rel.symbol === '.text') target = insn.imm + 1;
        else if (!rel.symbolIsSection && symVal.get(rel.symbol)?.section === '.text') target = symVal.get(rel.symbol)!.value / 8 + insn.imm + 1;
      } else if (insn.kind === 'ldImm64' && rel) {
        const lo = Number(BigInt.asIntN(32, insn.imm64 & 0xffffffffn));
        if (rel.symbolIsSection && rel.symbol === '.text') target = lo / 8;
        else if (!rel.symbolIsSection && symVal.get(rel.symbol)?.section === '.text') target = (symVal.get(rel.symbol)!.value + lo) / 8;
      }
      if (target !== undefined && Number.isInteger(target) && target >= 0 && target < text.insns.length) starts.add(target);
    });
  }
  return [...starts].sort((a, b) => a - b);
}

/** The program's name: the first global function at offset 0 of its section, else any symbol there. */
function entryName(obj: ObjectFile, section: string): string {
  const at0 = obj.symbols.filter((s) => s.section === section && s.value === 0 && s.type !== 'section' && s.type !== 'file');
  const pick = at0.find((s) => s.bind !== 'local' && s.type === 'func') ?? at0.find((s) => s.bind !== 'local') ?? at0.find((s) => s.type === 'func');
  return pick?.name ?? section;
}

function textName(obj: ObjectFile, slot: number): string {
  const at = obj.symbols.filter((s) => s.section === '.text' && s.value === slot * 8 && s.type !== 'section' && s.type !== 'file');
  return (at.find((s) => s.type === 'func') ?? at.find((s) => !s.name.startsWith('.L')) ?? at[0])?.name ?? `.text+${slot * 8}`;
}

function symbolLabels(obj: ObjectFile, section: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const s of obj.symbols) {
    if (s.section === section && s.type !== 'section' && s.type !== 'file' && s.value % 8 === 0 && !out.has(s.value / 8)) out.set(s.value / 8, s.name);
  }
  return out;
}
