/**
 * The `.BTF.ext` section of a BPF object: its header and the func_info and line_info subsections,
 * read (both) and written (func_info). func_info says where each function starts and which BTF FUNC
 * type describes it; the kernel wants it before a program may take the address of a subprogram
 * (bpf_loop and other callbacks). line_info ties instructions to C source lines; the kernel prints
 * them in its verifier log (`; text @ file:line`), and diagnostics on objects point at them. The layout
 * is libbpf's: a header (magic 0xeb9f, version 1, flags, header length, then offset and length of the
 * func_info, line_info and, in longer headers, CO-RE relocation subsections, counted from the end of
 * the header). Each subsection starts with the size of one record, then holds, per ELF section, the
 * offset of the section's name in the `.BTF` string table, a record count and the records. A
 * func_info record is the function's first instruction as a byte offset inside its ELF section, then
 * its FUNC type id; a line_info record is the instruction's byte offset, the offsets of the file name
 * and of the source line's text in the `.BTF` string table, and the line number and column packed as
 * `line << 10 | column`.
 *
 * In an object, the byte offset is written through a 32-bit relocation against the function or its
 * section (`.long func` in assembly). libbpf ignores that relocation and takes the stored value as the
 * offset, and so does this reader; the stored value is the symbol's offset only when the symbol is
 * the section's own (or sits at offset 0), which is what clang and llvm-mc write.
 *
 * Reading never throws: problems become diagnostics (codes ELF620-ELF637) and the reader keeps what it
 * could decode; a problem in one subsection does not cost the other. CO-RE relocations are skipped.
 */
import type { BtfFuncInfo, Program } from '../program/model';
import { Btf, BTF_KIND, BTF_MAGIC, paramType } from './btf';
import type { ElfDiagnostic } from './types';

/** The shortest header libbpf accepts: through the line_info fields. */
const MIN_HEADER = 24;
/** The header clang writes today, with the CO-RE relocation fields. */
const FULL_HEADER = 32;
/** A func_info record as the kernel defines it: insn_off and type_id. */
export const FUNC_INFO_SIZE = 8;
/** A line_info record as the kernel defines it: insn_off, file_name_off, line_off and line_col. */
export const LINE_INFO_SIZE = 16;

/** One func_info record. */
export interface FuncInfoRecord {
  /** Byte offset of the function's first instruction inside its ELF section. */
  insnOff: number;
  /** Id of the BTF FUNC type that describes the function. */
  typeId: number;
}

/** The func_info records of one ELF section. */
export interface FuncInfoSection {
  section: string;
  records: FuncInfoRecord[];
}

/** One line_info record, with its strings looked up in `.BTF`. */
export interface LineInfoRecord {
  /** Byte offset of the instruction inside its ELF section. */
  insnOff: number;
  /** The source file as the compiler named it (often a path). */
  file: string;
  /** 1-based line and column (0 when the compiler gave none). */
  line: number;
  column: number;
  /** The source line's text, as the compiler copied it (leading blanks included). */
  text: string;
}

/** One line_info record placed in a program (see Program.lineInfo). */
export type SourceLineInfo = NonNullable<Program['lineInfo']>[number];

/** The line_info records of one ELF section. */
export interface LineInfoSection {
  section: string;
  records: LineInfoRecord[];
}

export interface BtfExtReadResult {
  /** Absent when the header or the subsection's bounds are unusable. */
  funcInfo?: FuncInfoSection[];
  lineInfo?: LineInfoSection[];
  diagnostics: ElfDiagnostic[];
}

const hex = (n: number): string => `0x${n.toString(16)}`;

// The subsections share their framing, so their framing messages are one wording with the
// subsection's name in it, under a code of each subsection's own.
const pastEnd = (what: string) => (off: number, n: number, avail: number): string =>
  `.BTF.ext: ${what} at offset ${hex(off)} (length ${hex(n)}) extends past the end of the data (${hex(avail)} bytes after the header)`;
const badRecSize = (what: string, min: number) => (size: number): string =>
  `.BTF.ext: ${what} record size ${size} is below ${min} or not a multiple of 4`;
const shortHeader = (what: string) => (at: number): string => `.BTF.ext: ${what} section header at offset ${hex(at)} is truncated`;
const badName = (what: string) => (at: number, off: number): string =>
  `.BTF.ext: ${what} at offset ${hex(at)} names its section by string offset ${hex(off)}, which is outside the .BTF string section`;
const tooMany = (what: string) => (section: string, n: number, at: number): string =>
  `.BTF.ext: ${what} of section ${section}: ${n} records at offset ${hex(at)} extend past the end of ${what}`;

const MESSAGES = {
  ELF620: (len: number) => `.BTF.ext: truncated header: the section has ${len} bytes, the header needs at least ${MIN_HEADER}`,
  ELF621: (magic: number) => `.BTF.ext: bad magic ${hex(magic)} at offset 0x0 (expected 0xeb9f)`,
  ELF622: (v: number) => `.BTF.ext: unsupported version ${v} at offset 0x2 (expected 1)`,
  ELF623: (hl: number, len: number) => `.BTF.ext: header length ${hex(hl)} at offset 0x4 is below 0x18 or past the end of the section (size ${hex(len)})`,
  ELF624: pastEnd('func_info'),
  ELF625: badRecSize('func_info', FUNC_INFO_SIZE),
  ELF626: shortHeader('func_info'),
  ELF627: badName('func_info'),
  ELF628: tooMany('func_info'),
  ELF629: (section: string, off: number, id: number, what: string) => `.BTF.ext: func_info of section ${section} at insn_off ${hex(off)}: type [${id}] ${what}`,
  ELF630: () => '.BTF.ext: the object has no usable .BTF section to name its types, sections and source lines; func_info and line_info were ignored',
  ELF632: pastEnd('line_info'),
  ELF633: badRecSize('line_info', LINE_INFO_SIZE),
  ELF634: shortHeader('line_info'),
  ELF635: badName('line_info'),
  ELF636: tooMany('line_info'),
  ELF637: (section: string, off: number, field: string, str: number) =>
    `.BTF.ext: line_info of section ${section} at insn_off ${hex(off)}: ${field} offset ${hex(str)} is outside the .BTF string section; the record was ignored`,
};
type Code = keyof typeof MESSAGES;
type Report = <C extends Code>(code: C, ...args: Parameters<(typeof MESSAGES)[C]>) => void;

/** The codes and record size of one subsection, and where the header gives its offset. */
interface Subsection {
  name: string;
  headerField: number;
  minRecSize: number;
  codes: { pastEnd: 'ELF624' | 'ELF632'; recSize: 'ELF625' | 'ELF633'; header: 'ELF626' | 'ELF634'; name: 'ELF627' | 'ELF635'; count: 'ELF628' | 'ELF636' };
}
const FUNC_INFO: Subsection = {
  name: 'func_info', headerField: 8, minRecSize: FUNC_INFO_SIZE,
  codes: { pastEnd: 'ELF624', recSize: 'ELF625', header: 'ELF626', name: 'ELF627', count: 'ELF628' },
};
const LINE_INFO: Subsection = {
  name: 'line_info', headerField: 16, minRecSize: LINE_INFO_SIZE,
  codes: { pastEnd: 'ELF632', recSize: 'ELF633', header: 'ELF634', name: 'ELF635', count: 'ELF636' },
};

/**
 * Reads the func_info and line_info of a `.BTF.ext` section; `btf` (the object's `.BTF`, undefined
 * when it has none or it is unreadable) names the sections and holds the source lines.
 */
export function readBtfExt(data: Uint8Array, btf: Btf | undefined): BtfExtReadResult {
  const diagnostics: ElfDiagnostic[] = [];
  const report: Report = (code, ...args) => {
    const message = (MESSAGES[code] as (...a: typeof args) => string)(...args);
    diagnostics.push({ code, message });
  };
  if (!btf) { report('ELF630'); return { diagnostics }; }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < MIN_HEADER) { report('ELF620', data.length); return { diagnostics }; }
  const magic = view.getUint16(0, true);
  if (magic !== BTF_MAGIC) { report('ELF621', magic); return { diagnostics }; }
  if (data[2] !== 1) { report('ELF622', data[2]!); return { diagnostics }; }
  const hdrLen = view.getUint32(4, true);
  if (hdrLen < MIN_HEADER || hdrLen > data.length) { report('ELF623', hdrLen, data.length); return { diagnostics }; }
  const result: BtfExtReadResult = { diagnostics };
  const funcInfo = readSubsection(view, hdrLen, FUNC_INFO, btf, report, (at) => [{ insnOff: view.getUint32(at, true), typeId: view.getUint32(at + 4, true) }]);
  if (funcInfo) result.funcInfo = funcInfo;
  const lineInfo = readSubsection(view, hdrLen, LINE_INFO, btf, report, (at, section): LineInfoRecord[] => {
    const insnOff = view.getUint32(at, true);
    const fileOff = view.getUint32(at + 4, true);
    const lineOff = view.getUint32(at + 8, true);
    const lineCol = view.getUint32(at + 12, true);
    const file = btf.str(fileOff);
    const text = btf.str(lineOff);
    if (file === undefined) { report('ELF637', section, insnOff, 'file_name', fileOff); return []; }
    if (text === undefined) { report('ELF637', section, insnOff, 'line', lineOff); return []; }
    return [{ insnOff, file, line: lineCol >>> 10, column: lineCol & 0x3ff, text }];
  });
  if (lineInfo) result.lineInfo = lineInfo;
  return result;
}

/**
 * The per-section records of one subsection, or undefined when its bounds are unusable; `record`
 * decodes the record at a byte offset (as a list, empty when the record is dropped).
 */
function readSubsection<R>(
  view: DataView, hdrLen: number, sub: Subsection, btf: Btf, report: Report,
  record: (at: number, section: string) => R[],
): { section: string; records: R[] }[] | undefined {
  const off = view.getUint32(sub.headerField, true);
  const len = view.getUint32(sub.headerField + 4, true);
  const avail = view.byteLength - hdrLen;
  if (off > avail || len > avail - off) { report(sub.codes.pastEnd, off, len, avail); return undefined; }
  const out: { section: string; records: R[] }[] = [];
  if (len === 0) return out;
  const start = hdrLen + off;
  const end = start + len;
  if (len < 4) { report(sub.codes.header, start); return out; }
  const recSize = view.getUint32(start, true);
  if (recSize < sub.minRecSize || recSize % 4 !== 0) { report(sub.codes.recSize, recSize); return out; }
  let at = start + 4;
  while (at < end) {
    if (end - at < 8) { report(sub.codes.header, at); break; }
    const nameOff = view.getUint32(at, true);
    const count = view.getUint32(at + 4, true);
    const section = btf.str(nameOff);
    if (section === undefined) { report(sub.codes.name, at, nameOff); break; }
    at += 8;
    // Compare by division so that a huge count cannot overflow the product.
    if (count > Math.floor((end - at) / recSize)) { report(sub.codes.count, section, count, at); break; }
    const records: R[] = [];
    for (let i = 0; i < count; i++, at += recSize) records.push(...record(at, section));
    out.push({ section, records });
  }
  return out;
}

/** Where a piece of an ELF section was placed inside a program (see the program builder). */
export interface PlacedPiece {
  section: string;
  /** First and one-past-last slot of the piece inside its section. */
  first: number;
  end: number;
  /** Slot of `first` inside the program. */
  base: number;
}

const LINKAGES: BtfFuncInfo['linkage'][] = ['static', 'global', 'extern'];

/**
 * Calls `each` with every record of `sections` whose instruction falls inside a placed piece, and the
 * slot it lands on in the program: libbpf moves each piece's func_info and line_info along with its
 * instructions, and drops records at offsets that are not a whole instruction.
 */
function placeRecords<R extends { insnOff: number }>(
  sections: { section: string; records: R[] }[], pieces: PlacedPiece[], each: (r: R, slot: number, section: string) => void,
): void {
  for (const piece of pieces) {
    for (const sec of sections) {
      if (sec.section !== piece.section) continue;
      for (const r of sec.records) {
        if (r.insnOff % 8 !== 0) continue;
        const slot = r.insnOff / 8;
        if (slot < piece.first || slot >= piece.end) continue;
        each(r, piece.base + slot - piece.first, sec.section);
      }
    }
  }
}

/**
 * The func_info of one program, as libbpf hands it to the kernel: the records of each placed piece
 * whose instruction falls inside it, moved to the piece's place in the program, in slot order.
 * Undefined when the entry (slot 0) has no record, since libbpf then drops the program's func_info
 * altogether. Records whose type is not a FUNC with a FUNC_PROTO are reported and left out.
 */
export function programFuncInfo(
  funcInfo: FuncInfoSection[], btf: Btf, pieces: PlacedPiece[], report: (d: ElfDiagnostic) => void,
): BtfFuncInfo[] | undefined {
  const out: BtfFuncInfo[] = [];
  placeRecords(funcInfo, pieces, (r, slot, section) => {
    const info = funcFromType(btf, r.typeId);
    if (typeof info === 'string') report({ code: 'ELF629', message: MESSAGES.ELF629(section, r.insnOff, r.typeId, info) });
    else out.push({ slot, ...info });
  });
  out.sort((a, b) => a.slot - b.slot);
  if (out[0]?.slot !== 0) return undefined;
  return out;
}

/**
 * The line_info of one program, placed as programFuncInfo places func_info, in slot order (records of
 * one slot keep their order); undefined when no record falls inside the program.
 */
export function programLineInfo(lineInfo: LineInfoSection[], pieces: PlacedPiece[]): SourceLineInfo[] | undefined {
  const out: SourceLineInfo[] = [];
  placeRecords(lineInfo, pieces, (r, slot) => {
    out.push({ slot, file: r.file, line: r.line, column: r.column, text: r.text });
  });
  // Array.prototype.sort is stable, so records of one slot stay in the compiler's order.
  out.sort((a, b) => a.slot - b.slot);
  return out.length > 0 ? out : undefined;
}

/** Name, linkage and parameter count of FUNC `id`, or why it is not a usable FUNC. */
function funcFromType(btf: Btf, id: number): Omit<BtfFuncInfo, 'slot'> | string {
  const t = btf.type(id);
  if (!t) return 'does not exist';
  if (t.kind !== BTF_KIND.FUNC) return 'is not a FUNC';
  const proto = btf.type(t.sizeOrType);
  if (!proto || proto.kind !== BTF_KIND.FUNC_PROTO) return `refers to [${t.sizeOrType}], which is not a FUNC_PROTO`;
  const linkage = LINKAGES[t.extra ?? -1];
  if (!linkage) return `has unknown linkage ${t.extra ?? '?'}`;
  const ret = paramType(btf, proto.sizeOrType);
  return { name: t.name, linkage, params: proto.members.length, proto: { ret, params: proto.members.map((m) => paramType(btf, m.type)) } };
}

/**
 * Encodes a `.BTF.ext` section holding func_info only, with the 32-byte header clang writes.
 * `nameOff` is the offset of each section's name in the `.BTF` string table.
 */
export function encodeBtfExt(sections: { nameOff: number; records: FuncInfoRecord[] }[]): Uint8Array {
  const words: number[] = [FUNC_INFO_SIZE];
  for (const s of sections) {
    words.push(s.nameOff, s.records.length);
    for (const r of s.records) words.push(r.insnOff, r.typeId);
  }
  const out = new Uint8Array(FULL_HEADER + 4 * words.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, BTF_MAGIC, true);
  out[2] = 1;
  view.setUint32(4, FULL_HEADER, true);
  view.setUint32(8, 0, true);
  view.setUint32(12, 4 * words.length, true);
  // line_info and CO-RE relocations are empty: offset 0 and length 0 both.
  words.forEach((w, i) => view.setUint32(FULL_HEADER + 4 * i, w >>> 0, true));
  return out;
}

/**
 * The first FUNC whose prototype has a typed parameter without a name, with that parameter's 1-based
 * number, or undefined when there is none. The kernel refuses such a `.BTF` ("Invalid arg#N"), as
 * clang -O0 writes for functions whose parameters it keeps only in DWARF; libbpf then loads the object
 * without BTF, so no func_info reaches the verifier and every function is verified as static.
 */
export function unnamedFuncParam(btf: Btf): { func: string; arg: number } | undefined {
  for (const t of btf.types) {
    if (!t || t.kind !== BTF_KIND.FUNC) continue;
    const proto = btf.type(t.sizeOrType);
    if (!proto || proto.kind !== BTF_KIND.FUNC_PROTO) continue;
    const i = proto.members.findIndex((m) => m.type !== 0 && m.name === '');
    if (i >= 0) return { func: t.name, arg: i + 1 };
  }
  return undefined;
}
