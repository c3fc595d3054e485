/**
 * Rewrites an object so that libbpf can load a program whose subprograms sit in the program's own
 * section (local labels after the entry, as people write by hand). libbpf takes subprograms only from
 * `.text`, reached through relocations; a call from a program section without one is refused ("no
 * .text section found yet sub-program call exists"). So the entry function stays in its section and
 * every other function of that section moves to the end of `.text` as a sized local function. The
 * references are then written the way llvm-mc writes them for a local function in `.text`: a call from
 * the entry gets an R_BPF_64_32 relocation against the `.text` section symbol with imm = the callee's
 * slot - 1, a 64-bit load of a function's address an R_BPF_64_64 relocation against the same symbol
 * with the byte offset in imm, and a call between two moved functions stays pc-relative (both are in
 * `.text` now). A global callee is referenced through its own symbol instead, with imm -1 (or 0).
 *
 * The other relocations (maps, data, helpers by name, calls into `.text`) move with their instruction,
 * and `.BTF.ext` func_info records of the moved functions move to `.text` at their new offsets, so
 * that after libbpf's relocation the kernel gets the same instructions. libbpf appends subprograms in
 * the order it meets their first call, which is the model's order when the source calls them in the
 * order it defines them.
 */
import { readBtf } from '../elf/btf';
import { encodeBtfExt, readBtfExt, type FuncInfoRecord } from '../elf/btfExt';
import { BtfBuilder } from '../elf/btfWriter';
import {
  R_BPF_64_32, SHF_ALLOC, SHF_EXECINSTR, SHT_PROGBITS,
  type ObjectFile, type ObjRelocation, type ObjSection, type ObjSymbol,
} from '../elf/types';
import { BPF_CALL, BPF_DW, BPF_IMM, BPF_JMP, BPF_LD, BPF_PSEUDO_CALL, readSlot, SLOT_SIZE, writeSlot } from '../isa/opcode';
import type { FuncInfo, Program } from './model';

export type TextLayoutResult = { ok: true; object: ObjectFile } | { ok: false; message: string };

const CALL = BPF_JMP | BPF_CALL;
const LD_IMM64 = BPF_LD | BPF_IMM | BPF_DW;

/** A function moved out of the program's section: where it was and where it goes in `.text`. */
interface Moved { func: FuncInfo; from: number; to: number; size: number }

/**
 * `obj` (which holds `p`'s section at slot 0 of the program, as the program builder places it) with
 * the functions of `p`'s own section other than the entry moved into `.text`. The object comes back
 * unchanged when there are none. Fails, with the reason, when the code refers to the entry function
 * itself (recursion into the entry or its address), which no subprogram layout can express.
 */
export function subprogramsToText(obj: ObjectFile, p: Program): TextLayoutResult {
  const S = p.section;
  const entry = p.funcs[0];
  const own = obj.sections.find((s) => s.name === S);
  const inOwn = p.funcs.slice(1).filter((f) => f.section === S).sort((a, b) => a.start - b.start);
  if (inOwn.length === 0 || !entry || !own || S === '.text') return { ok: true, object: obj };
  if (entry.section !== S || entry.start !== 0) return { ok: false, message: `the entry of ${p.name} is not at the start of section ${S}` };

  const entryEnd = entry.end * SLOT_SIZE;
  const oldText = obj.sections.find((s) => s.name === '.text');
  // Moved code goes after the old `.text`, so the old functions keep their offsets and relocations.
  const textBase = Math.ceil((oldText?.data.length ?? 0) / SLOT_SIZE) * SLOT_SIZE;
  const moved: Moved[] = [];
  let at = textBase;
  for (const f of inOwn) {
    const size = (f.end - f.start) * SLOT_SIZE;
    moved.push({ func: f, from: f.start * SLOT_SIZE, to: at, size });
    at += size;
  }
  /** New `.text` offset of byte `off` of the program's section, or undefined when it stays (the entry). */
  const newOffset = (off: number): number | undefined => {
    if (off < entryEnd) return undefined;
    for (const m of moved) if (off >= m.from && off < m.from + m.size) return m.to + (off - m.from);
    // A label just past the last instruction (`.size` arithmetic) ends the last moved function.
    const last = moved[moved.length - 1]!;
    return off === last.from + last.size ? last.to + last.size : undefined;
  };

  const ownData = own.data.slice(0, entryEnd);
  const textData = new Uint8Array(at);
  if (oldText) textData.set(oldText.data, 0);
  for (const m of moved) textData.set(own.data.subarray(m.from, m.from + m.size), m.to);

  const origSyms = new Map<string, ObjSymbol>();
  for (const s of obj.symbols) if (s.type !== 'section' && s.type !== 'file' && !origSyms.has(s.name)) origSyms.set(s.name, s);

  // Relocations move with the instruction they patch; code references into the section are redone below.
  const relocs = new Map<string, ObjRelocation>();
  const key = (section: string, offset: number): string => `${section}:${offset}`;
  const others: ObjRelocation[] = [];
  for (const r of obj.relocations) {
    if (r.section === S) {
      const to = newOffset(r.offset);
      const placed = to === undefined ? { ...r } : { ...r, section: '.text', offset: to };
      relocs.set(key(placed.section, placed.offset), placed);
    } else if (r.section === '.text') {
      relocs.set(key(r.section, r.offset), { ...r });
    } else {
      others.push({ ...r });
    }
  }

  /** The callee's symbol when it is global (then referenced by name), else undefined. */
  const globalAt = (from: number): ObjSymbol | undefined => obj.symbols.find((s) =>
    s.section === S && s.value === from && s.bind !== 'local' && s.type !== 'section' && s.type !== 'file');

  // Walk the code that stays, the code that moved, and the old `.text` (which may take a moved
  // function's address), each slot with its section and offset before and after the move.
  const walks: { data: Uint8Array; section: string; origin: string; from: number; to: number; size: number }[] = [
    { data: ownData, section: S, origin: S, from: 0, to: 0, size: entryEnd },
    ...moved.map((m) => ({ data: textData, section: '.text', origin: S, from: m.from, to: m.to, size: m.size })),
    ...(oldText ? [{ data: textData, section: '.text', origin: '.text', from: 0, to: 0, size: oldText.data.length }] : []),
  ];
  for (const w of walks) {
    for (let i = 0; i + SLOT_SIZE <= w.size; i += SLOT_SIZE) {
      const pos = w.to + i;
      const slot = readSlot(w.data, pos);
      const rel = relocs.get(key(w.section, pos));
      if (slot.opcode === CALL && slot.src === BPF_PSEUDO_CALL) {
        let target: number | undefined;
        if (rel) {
          const sym = rel.symbolIsSection ? undefined : origSyms.get(rel.symbol);
          if (rel.symbolIsSection ? rel.symbol === S : sym?.section === S) target = (sym?.value ?? 0) + (slot.imm + 1) * SLOT_SIZE;
        } else if (w.origin === S) {
          target = w.from + i + (slot.imm + 1) * SLOT_SIZE;
        }
        if (target === undefined) continue;
        const dest = newOffset(target);
        if (dest === undefined) return { ok: false, message: `${p.name} calls its own entry function, which cannot be a subprogram in .text` };
        if (w.section === '.text') {
          // Both ends are in `.text` now: a plain pc-relative call, as llvm-mc writes it between local labels.
          relocs.delete(key(w.section, pos));
          slot.imm = (dest - (pos + SLOT_SIZE)) / SLOT_SIZE;
        } else {
          const g = globalAt(target);
          relocs.set(key(w.section, pos), g
            ? { section: w.section, offset: pos, type: R_BPF_64_32, symbol: g.name }
            : { section: w.section, offset: pos, type: R_BPF_64_32, symbol: '.text', symbolIsSection: true });
          slot.imm = g ? -1 : dest / SLOT_SIZE - 1;
        }
        writeSlot(w.data, pos, slot);
      } else if (slot.opcode === LD_IMM64) {
        if (rel) {
          const sym = rel.symbolIsSection ? undefined : origSyms.get(rel.symbol);
          if (rel.symbolIsSection ? rel.symbol === S : sym?.section === S) {
            const dest = newOffset((sym?.value ?? 0) + slot.imm);
            if (dest === undefined) return { ok: false, message: `${p.name} takes the address of its own entry function, which cannot be a subprogram in .text` };
            const g = sym && sym.bind !== 'local' ? sym : undefined;
            relocs.set(key(w.section, pos), g
              ? { ...rel, section: w.section, offset: pos, symbol: g.name, symbolIsSection: false }
              : { ...rel, section: w.section, offset: pos, symbol: '.text', symbolIsSection: true });
            slot.imm = g ? 0 : dest;
            writeSlot(w.data, pos, slot);
          }
        }
        i += SLOT_SIZE;
      }
    }
  }

  const symbols = movedSymbols(obj.symbols, S, entryEnd, newOffset, moved);
  const sections = obj.sections.filter((s) => s.name !== '.text').map((s) => (s.name === S ? { ...s, data: ownData } : s));
  const text: ObjSection = oldText
    ? { ...oldText, data: textData }
    : { name: '.text', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, align: SLOT_SIZE, data: textData };
  // `.text` comes first, as llvm-mc orders it, or keeps its place.
  sections.splice(oldText ? obj.sections.indexOf(oldText) : 0, 0, text);

  const byPlace = (a: ObjRelocation, b: ObjRelocation): number => a.offset - b.offset;
  const out: ObjectFile = { sections, symbols, relocations: [...others, ...[...relocs.values()].sort(byPlace)] };
  if (obj.addrsig) out.addrsig = obj.addrsig;
  return { ok: true, object: withMovedFuncInfo(out, S, newOffset) };
}

/**
 * The symbol table after the move: symbols inside moved code follow it into `.text`; each moved
 * function starts at a sized local (or its own global) function symbol, made up when the source
 * had only a temporary label there; `.text` gets its section symbol for the new relocations.
 */
function movedSymbols(
  old: ObjSymbol[], S: string, entryEnd: number, newOffset: (off: number) => number | undefined, moved: Moved[],
): ObjSymbol[] {
  const symbols: ObjSymbol[] = [];
  for (const s of old) {
    const c = { ...s };
    if (c.section === S && c.type !== 'section') {
      const to = newOffset(c.value);
      if (to !== undefined) {
        c.section = '.text';
        c.value = to;
        // Only a function start may be a function: libbpf would take another one for a subprogram.
        if (c.type === 'func') { c.type = 'notype'; c.size = 0; }
      } else if (c.value + c.size > entryEnd) {
        c.size = Math.max(0, entryEnd - c.value);
      }
    }
    symbols.push(c);
  }
  const names = new Set(symbols.map((s) => s.name));
  for (const m of moved) {
    const here = symbols.filter((s) => s.section === '.text' && s.value === m.to && s.type !== 'section' && s.type !== 'file');
    let sym = here.find((s) => s.name === m.func.name) ?? here.find((s) => s.bind !== 'local') ?? here.find((s) => !s.name.startsWith('.L'));
    if (!sym) {
      let name = `${S}_${m.from}`.replace(/\W/g, '_');
      while (names.has(name)) name += '_';
      names.add(name);
      sym = { name, section: '.text', value: m.to, size: 0, type: 'func', bind: 'local' };
      symbols.push(sym);
    }
    sym.type = 'func';
    sym.size = m.size;
  }
  if (!symbols.some((s) => s.type === 'section' && s.name === '.text')) {
    symbols.unshift({ name: '.text', section: '.text', value: 0, size: 0, type: 'section', bind: 'local' });
  }
  return symbols;
}

/**
 * `obj` with the func_info records of moved functions moved to `.text` at their new offsets. The
 * section names of `.BTF.ext` are offsets into the `.BTF` strings, so `.BTF` is rewritten with the
 * names appended (types and old strings keep their offsets). The new `.BTF.ext` holds func_info only
 * (line_info would point at the old places), and the relocations of the old one go, since libbpf
 * reads the stored offsets and ignores them. Unchanged when the object has no usable func_info.
 */
function withMovedFuncInfo(obj: ObjectFile, S: string, newOffset: (off: number) => number | undefined): ObjectFile {
  const extSec = obj.sections.find((s) => s.name === '.BTF.ext');
  const btfSec = obj.sections.find((s) => s.name === '.BTF');
  if (!extSec || !btfSec) return obj;
  const btf = readBtf(btfSec.data).btf;
  const info = readBtfExt(extSec.data, btf).funcInfo;
  if (!btf || !info) return obj;
  const bySection = new Map<string, FuncInfoRecord[]>();
  const add = (section: string, r: FuncInfoRecord): void => {
    let list = bySection.get(section);
    if (!list) bySection.set(section, list = []);
    list.push(r);
  };
  let changed = false;
  for (const sec of info) {
    for (const r of sec.records) {
      const to = sec.section === S ? newOffset(r.insnOff) : undefined;
      if (to === undefined) add(sec.section, r);
      else { add('.text', { insnOff: to, typeId: r.typeId }); changed = true; }
    }
  }
  if (!changed) return obj;
  const b = new BtfBuilder({ bytes: btfSec.data, count: btf.count });
  const sections = [...bySection].map(([name, records]) => ({ nameOff: b.str(name), records: records.sort((x, y) => x.insnOff - y.insnOff) }));
  const extData = encodeBtfExt(sections);
  const btfData = b.bytes();
  return {
    ...obj,
    sections: obj.sections.map((s) => (s === extSec ? { ...s, data: extData } : s === btfSec ? { ...s, data: btfData } : s)),
    relocations: obj.relocations.filter((r) => r.section !== '.BTF.ext'),
  };
}
