/**
 * The `.BTF.ext` section of a BPF object: its header and the func_info subsection, read and written.
 * func_info says where each function starts and which BTF FUNC type describes it; the kernel wants it
 * before a program may take the address of a subprogram (bpf_loop and other callbacks). The layout is
 * libbpf's: a header (magic 0xeb9f, version 1, flags, header length, then offset and length of the
 * func_info, line_info and, in longer headers, CO-RE relocation subsections, counted from the end of
 * the header). func_info starts with the size of one record, then holds, per ELF section, the offset
 * of the section's name in the `.BTF` string table, a record count and the records; a record is the
 * function's first instruction as a byte offset inside its ELF section, then its FUNC type id.
 *
 * In an object, the byte offset is written through a 32-bit relocation against the function or its
 * section (`.long func` in assembly). libbpf ignores that relocation and takes the stored value as the
 * offset, and so does this reader; the stored value is the symbol's offset only when the symbol is
 * the section's own (or sits at offset 0), which is what clang and llvm-mc write.
 *
 * Reading never throws: problems become diagnostics (codes ELF62x) and the reader keeps the sections it
 * could decode. line_info and CO-RE relocations are skipped.
 */
import type { BtfFuncInfo } from '../program/model';
import { Btf, BTF_KIND, BTF_MAGIC, paramType } from './btf';
import type { ElfDiagnostic } from './types';

/** The shortest header libbpf accepts: through the line_info fields. */
const MIN_HEADER = 24;
/** The header clang writes today, with the CO-RE relocation fields. */
const FULL_HEADER = 32;
/** A func_info record as the kernel defines it: insn_off and type_id. */
export const FUNC_INFO_SIZE = 8;

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

export interface BtfExtReadResult {
  /** Absent when the header is unusable. */
  funcInfo?: FuncInfoSection[];
  diagnostics: ElfDiagnostic[];
}

const hex = (n: number): string => `0x${n.toString(16)}`;

const MESSAGES = {
  ELF620: (len: number) => `.BTF.ext: truncated header: the section has ${len} bytes, the header needs at least ${MIN_HEADER}`,
  ELF621: (magic: number) => `.BTF.ext: bad magic ${hex(magic)} at offset 0x0 (expected 0xeb9f)`,
  ELF622: (v: number) => `.BTF.ext: unsupported version ${v} at offset 0x2 (expected 1)`,
  ELF623: (hl: number, len: number) => `.BTF.ext: header length ${hex(hl)} at offset 0x4 is below 0x18 or past the end of the section (size ${hex(len)})`,
  ELF624: (off: number, n: number, avail: number) =>
    `.BTF.ext: func_info at offset ${hex(off)} (length ${hex(n)}) extends past the end of the data (${hex(avail)} bytes after the header)`,
  ELF625: (size: number) => `.BTF.ext: func_info record size ${size} is below ${FUNC_INFO_SIZE} or not a multiple of 4`,
  ELF626: (at: number) => `.BTF.ext: func_info section header at offset ${hex(at)} is truncated`,
  ELF627: (at: number, off: number) => `.BTF.ext: func_info at offset ${hex(at)} names its section by string offset ${hex(off)}, which is outside the .BTF string section`,
  ELF628: (section: string, n: number, at: number) => `.BTF.ext: func_info of section ${section}: ${n} records at offset ${hex(at)} extend past the end of func_info`,
  ELF629: (section: string, off: number, id: number, what: string) => `.BTF.ext: func_info of section ${section} at insn_off ${hex(off)}: type [${id}] ${what}`,
  ELF630: () => '.BTF.ext: the object has no usable .BTF section to name its types and sections; func_info was ignored',
};
type Code = keyof typeof MESSAGES;

/**
 * Reads the func_info of a `.BTF.ext` section; `btf` (the object's `.BTF`, undefined when it has none
 * or it is unreadable) names the sections.
 */
export function readBtfExt(data: Uint8Array, btf: Btf | undefined): BtfExtReadResult {
  const diagnostics: ElfDiagnostic[] = [];
  const report = <C extends Code>(code: C, ...args: Parameters<(typeof MESSAGES)[C]>): void => {
    const message = (MESSAGES[code] as (...a: Parameters<(typeof MESSAGES)[C]>) => string)(...args);
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
  const off = view.getUint32(8, true);
  const len = view.getUint32(12, true);
  const avail = data.length - hdrLen;
  if (off > avail || len > avail - off) { report('ELF624', off, len, avail); return { diagnostics }; }
  const funcInfo: FuncInfoSection[] = [];
  if (len === 0) return { funcInfo, diagnostics };
  const start = hdrLen + off;
  const end = start + len;
  if (len < 4) { report('ELF626', start); return { funcInfo, diagnostics }; }
  const recSize = view.getUint32(start, true);
  if (recSize < FUNC_INFO_SIZE || recSize % 4 !== 0) { report('ELF625', recSize); return { funcInfo, diagnostics }; }
  let at = start + 4;
  while (at < end) {
    if (end - at < 8) { report('ELF626', at); break; }
    const nameOff = view.getUint32(at, true);
    const count = view.getUint32(at + 4, true);
    const section = btf.str(nameOff);
    if (section === undefined) { report('ELF627', at, nameOff); break; }
    at += 8;
    // Compare by division so that a huge count cannot overflow the product.
    if (count > Math.floor((end - at) / recSize)) { report('ELF628', section, count, at); break; }
    const records: FuncInfoRecord[] = [];
    for (let i = 0; i < count; i++, at += recSize) {
      records.push({ insnOff: view.getUint32(at, true), typeId: view.getUint32(at + 4, true) });
    }
    funcInfo.push({ section, records });
  }
  return { funcInfo, diagnostics };
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
 * The func_info of one program, as libbpf hands it to the kernel: the records of each placed piece
 * whose instruction falls inside it, moved to the piece's place in the program, in slot order.
 * Undefined when the entry (slot 0) has no record, since libbpf then drops the program's func_info
 * altogether. Records whose type is not a FUNC with a FUNC_PROTO are reported and left out.
 */
export function programFuncInfo(
  funcInfo: FuncInfoSection[], btf: Btf, pieces: PlacedPiece[], report: (d: ElfDiagnostic) => void,
): BtfFuncInfo[] | undefined {
  const out: BtfFuncInfo[] = [];
  for (const piece of pieces) {
    for (const sec of funcInfo) {
      if (sec.section !== piece.section) continue;
      for (const r of sec.records) {
        if (r.insnOff % 8 !== 0) continue;
        const slot = r.insnOff / 8;
        if (slot < piece.first || slot >= piece.end) continue;
        const info = funcFromType(btf, r.typeId);
        if (typeof info === 'string') {
          report({ code: 'ELF629', message: MESSAGES.ELF629(sec.section, r.insnOff, r.typeId, info) });
          continue;
        }
        out.push({ slot: piece.base + slot - piece.first, ...info });
      }
    }
  }
  out.sort((a, b) => a.slot - b.slot);
  if (out[0]?.slot !== 0) return undefined;
  return out;
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
