/**
 * Reads a little-endian ELF64 BPF relocatable object (what clang and llvm-mc produce for
 * e_machine 247) into the ObjectFile model: content sections, symbols, relocations from the
 * SHT_REL sections, and the `.llvm_addrsig` list, plus whether `.BTF`/`.BTF.ext` are present and
 * which maps `.maps` defines. The tables the writer regenerates (section and symbol string tables,
 * `.symtab`, `.rel*`, `.llvm_addrsig`) do not appear as sections of the model.
 *
 * Reading never throws. Every problem becomes a diagnostic from the catalog below, worded with the
 * byte offset where it was found, and the reader goes on with what it can still trust: a broken
 * header gives no object; a broken section, symbol or relocation is reported and repaired or left
 * out. Every size and offset is checked against the file before use, so no input makes it read out
 * of bounds or allocate more than the file (plus a capped amount for zero-filled sections).
 * A symbol or relocation in the returned object always refers to something the object contains,
 * so `writeElf` accepts it.
 */
import {
  ElfDiagnostic, ObjectFile, ObjRelocation, ObjSection, ObjSymbol, R_BPF_64_32, R_BPF_64_64, R_BPF_64_ABS32,
  R_BPF_64_ABS64, R_BPF_64_NODYLD32, R_BPF_NONE, SHT_LLVM_ADDRSIG, SHT_NOBITS, SHT_REL,
  SHT_STRTAB, SHT_SYMTAB, SymbolBinding, SymbolType,
  EM_BPF, EHDR_SIZE, SHDR_SIZE, SYM_SIZE, REL_SIZE,
} from './types';

/** A map defined in `.maps`: its symbol, and where its definition lies in the section. */
export interface ElfMapSymbol {
  name: string;
  offset: number;
  size: number;
}

export interface ElfReadResult {
  /** Absent when the header is unusable (not ELF, not ELF64 little-endian, not BPF, ...). */
  object?: ObjectFile;
  diagnostics: ElfDiagnostic[];
  hasBtf: boolean;
  hasBtfExt: boolean;
  /** Symbols defined in `.maps`, by offset. */
  maps: ElfMapSymbol[];
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * The message catalog. Codes are stable: ELF0xx general, ELF1xx header, ELF2xx sections, ELF3xx
 * symbols, ELF4xx relocations, ELF5xx address-significance table.
 */
const MESSAGES = {
  ELF001: (limit: number) => `too many problems: only the first ${limit} are reported`,
  ELF101: () => 'not an ELF file: the file is empty',
  ELF102: (got: string) => `not an ELF file: bad magic bytes ${got} at offset 0x0 (expected 7f 45 4c 46)`,
  ELF103: (size: number) => `truncated ELF: the ELF header at offset 0x0 needs 0x40 bytes but the file has ${hex(size)}`,
  ELF104: (cls: number) => `unsupported ELF class ${cls}${cls === 1 ? ' (ELFCLASS32)' : ''} at offset 0x4: only ELFCLASS64 BPF objects are supported`,
  ELF105: (data: number) => `unsupported ELF data encoding ${data}${data === 2 ? ' (big-endian)' : ''} at offset 0x5: only little-endian (bpfel) objects are supported`,
  ELF106: (v: number) => `unsupported ELF version ${v} at offset 0x6 (expected 1)`,
  ELF107: (t: number) => `not a relocatable object: e_type ${t} at offset 0x10 (expected 1, ET_REL)`,
  ELF108: (m: number) => `wrong machine: e_machine ${m}${MACHINES[m] ? ` (${MACHINES[m]})` : ''} at offset 0x12 is not 247 (EM_BPF)`,
  ELF109: (size: number) => `bad section header size ${hex(size)} (e_shentsize at offset 0x3a), expected 0x40`,
  ELF110: () => 'no section header table (e_shoff at offset 0x28 is 0)',
  ELF111: (off: number, size: number) => `truncated ELF: section header table offset ${hex(off)} (e_shoff at offset 0x28) is past end of file (size ${hex(size)})`,
  ELF112: (off: number, n: number, size: number) => `truncated ELF: section header table at offset ${hex(off)} (${n} entries of 0x40 bytes) extends past end of file (size ${hex(size)})`,
  ELF113: (i: number, n: number) => `section name table index ${i} (e_shstrndx at offset 0x3e) is out of range: the file has ${n} sections`,
  ELF114: (i: number, at: number, t: number) => `section name table [${i}] (header at offset ${hex(at)}) is not a string table (sh_type ${t})`,
  ELF201: (s: string, off: number, size: number) => `truncated ELF: section ${s} data offset ${hex(off)} is past end of file (size ${hex(size)})`,
  ELF202: (s: string, off: number, len: number, size: number) => `truncated ELF: section ${s} at offset ${hex(off)} (size ${hex(len)}) extends past end of file (size ${hex(size)})`,
  ELF203: (i: number, at: number, off: number, len: number) => `section [${i}] header at offset ${hex(at)}: name offset ${hex(off)} is outside the section name table (size ${hex(len)})`,
  ELF204: (i: number, at: number, off: number) => `section [${i}] header at offset ${hex(at)}: the name at offset ${hex(off)} of the section name table is not NUL-terminated`,
  ELF205: (s: string, len: number, limit: number) => `section ${s}: zero-filled size ${hex(len)} is over the reader's limit of ${hex(limit)} bytes; read as empty`,
  ELF206: (s: string, first: number) => `section ${s} has the same name as section [${first}]; symbols and relocations naming it mean the first`,
  ELF207: (s: string, t: number) => `section ${s} has sh_type ${hex(t)}, which BPF objects do not use; ignored`,
  ELF208: (s: string, align: number) => `section ${s}: alignment ${hex(align)} is not a power of two up to 0x10000; read as 1`,
  ELF209: (s: string) => `section ${s}: a second symbol table was ignored`,
  ELF301: (s: string, size: number) => `symbol table ${s}: entry size ${hex(size)} is not 0x18; no symbols were read`,
  ELF302: (s: string, size: number) => `symbol table ${s}: size ${hex(size)} is not a multiple of 0x18; the rest was ignored`,
  ELF303: (s: string, link: number) => `symbol table ${s}: string table index ${link} (sh_link) does not name a string table`,
  ELF304: (k: number, at: number, off: number, t: string, len: number) => `symbol ${k} at offset ${hex(at)}: name offset ${hex(off)} is outside string table ${t} (size ${hex(len)})`,
  ELF305: (k: number, at: number, off: number, t: string) => `symbol ${k} at offset ${hex(at)}: the name at offset ${hex(off)} of string table ${t} is not NUL-terminated`,
  ELF306: (k: number, name: string, at: number, shndx: number, n: number) => `symbol ${k} '${name}' at offset ${hex(at)}: section index ${shndx} is out of range (${n} sections)`,
  ELF307: (k: number, name: string, at: number, s: string) => `symbol ${k} '${name}' at offset ${hex(at)}: its section ${s} holds no program data; read as undefined`,
  ELF308: (k: number, name: string, at: number, b: number) => `symbol ${k} '${name}' at offset ${hex(at)}: unknown binding ${b}; read as global`,
  ELF309: (k: number, name: string, at: number, t: number) => `symbol ${k} '${name}' at offset ${hex(at)}: unknown type ${t}; read as notype`,
  ELF310: (k: number, name: string, at: number) => `symbol ${k} '${name}' at offset ${hex(at)}: the value does not fit in a JavaScript number and was rounded`,
  ELF311: (k: number, name: string, first: number) => `symbol ${k} '${name}' has the same name as symbol ${first}; relocations naming it mean the first`,
  ELF401: (s: string, size: number) => `relocation section ${s}: entry size ${hex(size)} is not 0x10; no relocations were read`,
  ELF402: (s: string, size: number) => `relocation section ${s}: size ${hex(size)} is not a multiple of 0x10; the rest was ignored`,
  ELF403: (s: string, info: number) => `relocation section ${s}: target section index ${info} (sh_info) does not name a section with program data`,
  ELF404: (s: string) => `relocation section ${s}: the file has no readable symbol table; no relocations were read`,
  ELF405: (s: string, link: number, symtab: number) => `relocation section ${s}: sh_link ${link} is not the symbol table [${symtab}]`,
  ELF406: (k: number, s: string, at: number, sym: number, n: number) => `relocation ${k} in ${s} at offset ${hex(at)}: symbol index ${sym} is out of range (${n} symbols)`,
  ELF407: (k: number, s: string, at: number, t: number) => `relocation ${k} in ${s} at offset ${hex(at)}: unknown BPF relocation type ${t}`,
  ELF408: (k: number, s: string, at: number, off: number, width: number, target: string, len: number) =>
    `relocation ${k} in ${s} at offset ${hex(at)}: r_offset ${hex(off)} + ${width} bytes is past the end of section '${target}' (size ${hex(len)}); ignored`,
  ELF501: (s: string, at: number) => `address-significance table ${s}: truncated number at offset ${hex(at)}`,
  ELF502: (s: string, at: number, sym: number, n: number) => `address-significance table ${s} at offset ${hex(at)}: symbol index ${sym} is out of range (${n} symbols)`,
};
type Code = keyof typeof MESSAGES;

const MACHINES: Record<number, string> = { 0: 'none', 3: 'i386', 40: 'ARM', 62: 'x86-64', 183: 'AArch64', 243: 'RISC-V' };
const SHN_LORESERVE = 0xff00;
const SHN_XINDEX = 0xffff;
const SHT_SYMTAB_SHNDX = 18;
/** Types for linked programs or other architectures: BPF relocatable objects never contain them. */
const UNSUPPORTED_TYPES = new Set([4 /* RELA */, 5 /* HASH */, 6 /* DYNAMIC */, 11 /* DYNSYM */, 17 /* GROUP */, 19 /* RELR */]);
/** Zero-filled (NOBITS) sections cost memory the file does not pay for; cap their total. */
const NOBITS_LIMIT = 0x4000000;
const MAX_ALIGN = 0x10000;
const MAX_DIAGNOSTICS = 100;
/** Bytes each relocation type patches, counted from r_offset. */
const RELOC_WIDTH: Record<number, number> = {
  [R_BPF_NONE]: 0, [R_BPF_64_64]: 16, [R_BPF_64_ABS64]: 8, [R_BPF_64_ABS32]: 4, [R_BPF_64_NODYLD32]: 4, [R_BPF_64_32]: 8,
};
const BINDINGS: SymbolBinding[] = ['local', 'global', 'weak'];
const TYPES: SymbolType[] = ['notype', 'object', 'func', 'section', 'file'];

interface RawSection {
  index: number;
  /** Offset of the section header. */
  at: number;
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
  entsize: number;
  data: Uint8Array;
}

/** Reads `bytes` as a BPF object. Never throws; see the diagnostics for what was wrong. */
export function readElf(bytes: Uint8Array): ElfReadResult {
  const r = new Reader(bytes);
  const object = r.read();
  const names = new Set(object?.sections.map((s) => s.name));
  const maps = (object?.symbols ?? [])
    .filter((s) => s.section === '.maps' && s.type !== 'section')
    .map((s) => ({ name: s.name, offset: s.value, size: s.size }))
    .sort((a, b) => a.offset - b.offset);
  return { ...(object ? { object } : {}), diagnostics: r.diagnostics, hasBtf: names.has('.BTF'), hasBtfExt: names.has('.BTF.ext'), maps };
}

class Reader {
  readonly diagnostics: ElfDiagnostic[] = [];
  private readonly view: DataView;
  private readonly size: number;
  private sections: RawSection[] = [];
  private nameTable: RawSection | undefined;
  /** Sections that become part of the model, by section index. */
  private content = new Map<number, RawSection>();
  private symtab: RawSection | undefined;
  /** Model symbols by ELF symbol index (entry 0 stands for the null symbol); undefined when unreadable. */
  private symbols: ObjSymbol[] | undefined;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.size = bytes.byteLength;
  }

  private report<C extends Code>(code: C, offset: number, ...args: Parameters<(typeof MESSAGES)[C]>): void {
    // A junk file can produce one problem per byte; past the limit they only bury the first ones.
    if (this.diagnostics.length > MAX_DIAGNOSTICS) return;
    if (this.diagnostics.length === MAX_DIAGNOSTICS) {
      this.diagnostics.push({ message: MESSAGES.ELF001(MAX_DIAGNOSTICS), offset, code: 'ELF001' });
      return;
    }
    const message = (MESSAGES[code] as (...a: Parameters<(typeof MESSAGES)[C]>) => string)(...args);
    this.diagnostics.push({ message, offset, code });
  }

  private u16(at: number): number { return this.view.getUint16(at, true); }
  private u32(at: number): number { return this.view.getUint32(at, true); }
  /** A u64 as a number: exact below 2^53; anything larger still compares as larger than the file. */
  private u64(at: number): number { return Number(this.view.getBigUint64(at, true)); }

  read(): ObjectFile | undefined {
    const table = this.readHeader();
    if (!table) return undefined;
    const object: ObjectFile = { sections: [], symbols: [], relocations: [] };
    if (table.count === 0) return object;
    this.readSections(table.offset, table.count, table.strndx);
    this.classify(object);
    this.readSymbols();
    object.symbols = this.symbols?.slice(1) ?? [];
    for (const s of this.sections) if (s.type === SHT_REL) object.relocations.push(...this.readRelocations(s));
    const addrsig = this.sections.find((s) => s.type === SHT_LLVM_ADDRSIG);
    if (addrsig) object.addrsig = this.readAddrsig(addrsig);
    return object;
  }

  /** Checks the ELF header; returns where the section headers are, or undefined to give up. */
  private readHeader(): { offset: number; count: number; strndx: number } | undefined {
    const b = this.bytes;
    if (b.length === 0) return void this.report('ELF101', 0);
    const head = Array.from(b.subarray(0, 4));
    if (head.some((x, i) => x !== [0x7f, 0x45, 0x4c, 0x46][i])) {
      return void this.report('ELF102', 0, head.map((x) => x.toString(16).padStart(2, '0')).join(' '));
    }
    if (b.length < EHDR_SIZE) return void this.report('ELF103', 0, b.length);
    if (b[4] !== 2) return void this.report('ELF104', 4, b[4]!);
    if (b[5] !== 1) return void this.report('ELF105', 5, b[5]!);
    if (b[6] !== 1) return void this.report('ELF106', 6, b[6]!);
    if (this.u16(18) !== EM_BPF) return void this.report('ELF108', 18, this.u16(18));
    if (this.u16(16) !== 1) this.report('ELF107', 16, this.u16(16));
    const offset = this.u64(40);
    let count = this.u16(60);
    let strndx = this.u16(62);
    if (offset === 0) {
      this.report('ELF110', 40);
      return { offset, count: 0, strndx };
    }
    if (this.u16(58) !== SHDR_SIZE) return void this.report('ELF109', 58, this.u16(58));
    if (offset >= this.size) return void this.report('ELF111', 40, offset, this.size);
    // Extended numbering (0xff00 sections or more): section 0 holds the real count and name table index.
    if ((count === 0 || strndx === SHN_XINDEX) && offset + SHDR_SIZE <= this.size) {
      if (count === 0) count = Math.max(1, this.u64(offset + 32));
      if (strndx === SHN_XINDEX) strndx = this.u32(offset + 40);
    }
    if (offset + count * SHDR_SIZE > this.size) return void this.report('ELF112', offset, offset, count, this.size);
    return { offset, count, strndx };
  }

  private readSections(tableOffset: number, count: number, strndx: number): void {
    for (let index = 0; index < count; index++) {
      const at = tableOffset + index * SHDR_SIZE;
      this.sections.push({
        index, at, name: '', type: this.u32(at + 4), flags: this.u64(at + 8), offset: this.u64(at + 24),
        size: this.u64(at + 32), link: this.u32(at + 40), info: this.u32(at + 44), align: this.u64(at + 48),
        entsize: this.u64(at + 56), data: new Uint8Array(0),
      });
    }
    // The name table is a section too: load it first so the other sections' messages can name them.
    if (strndx >= this.sections.length) this.report('ELF113', 62, strndx, this.sections.length);
    else if (strndx !== 0) {
      const table = this.sections[strndx]!;
      if (table.type !== SHT_STRTAB) this.report('ELF114', table.at + 4, strndx, table.at, table.type);
      else {
        this.nameTable = table;
        table.data = this.sectionData(table);
      }
    }
    const names = this.nameTable?.data;
    let nobitsTotal = 0;
    for (const s of this.sections.slice(1)) {
      const nameOffset = this.u32(s.at);
      if (names && nameOffset >= names.length) this.report('ELF203', s.at, s.index, s.at, nameOffset, names.length);
      else if (names) {
        const name = decodeCString(names, nameOffset);
        if (name === undefined) this.report('ELF204', s.at, s.index, s.at, nameOffset);
        s.name = name ?? '';
      }
    }
    for (const s of this.sections.slice(1)) {
      if (s.type !== SHT_NOBITS && s !== this.nameTable) s.data = this.sectionData(s);
      if (s.type === SHT_NOBITS && nobitsTotal + s.size > NOBITS_LIMIT) this.report('ELF205', s.at + 32, this.label(s), s.size, NOBITS_LIMIT);
      else if (s.type === SHT_NOBITS) {
        nobitsTotal += s.size;
        s.data = new Uint8Array(s.size);
      }
      if (s.align > MAX_ALIGN || (s.align & (s.align - 1)) !== 0) {
        // Kept as is, a junk alignment would make the writer pad to absurd offsets.
        this.report('ELF208', s.at + 48, this.label(s), s.align);
        s.align = 1;
      }
    }
  }

  /** A section's bytes, cut to what the file holds. */
  private sectionData(s: RawSection): Uint8Array {
    if (s.size === 0) return new Uint8Array(0);
    if (s.offset >= this.size) {
      this.report('ELF201', s.at + 24, this.label(s), s.offset, this.size);
      return new Uint8Array(0);
    }
    if (s.offset + s.size > this.size) this.report('ELF202', s.at + 24, this.label(s), s.offset, s.size, this.size);
    return this.bytes.slice(s.offset, Math.min(this.size, s.offset + s.size));
  }

  private label(s: RawSection): string {
    return s.name === '' ? `[${s.index}]` : `[${s.index}] '${s.name}'`;
  }

  /** Finds the symbol table, and turns every section the writer does not regenerate into model content. */
  private classify(object: ObjectFile): void {
    const generated = new Set<number>(this.nameTable ? [this.nameTable.index] : []);
    for (const s of this.sections.slice(1)) {
      if (s.type !== SHT_SYMTAB) continue;
      if (this.symtab) this.report('ELF209', s.at + 4, this.label(s));
      else this.symtab = s;
    }
    const strtab = this.symtab && this.sections[this.symtab.link];
    if (strtab?.type === SHT_STRTAB) generated.add(strtab.index);
    const firstByName = new Map<string, number>();
    for (const s of this.sections.slice(1)) {
      if (generated.has(s.index) || [SHT_SYMTAB, SHT_REL, SHT_LLVM_ADDRSIG, SHT_SYMTAB_SHNDX].includes(s.type)) continue;
      if (UNSUPPORTED_TYPES.has(s.type)) {
        this.report('ELF207', s.at + 4, this.label(s), s.type);
        continue;
      }
      const first = firstByName.get(s.name);
      if (first !== undefined) this.report('ELF206', s.at, this.label(s), first);
      else firstByName.set(s.name, s.index);
      this.content.set(s.index, s);
      const section: ObjSection = { name: s.name, type: s.type, flags: s.flags, align: s.align, data: s.data };
      if (s.entsize !== 0) section.entsize = s.entsize;
      object.sections.push(section);
    }
  }

  private readSymbols(): void {
    const t = this.symtab;
    if (!t) return;
    if (t.entsize !== SYM_SIZE) return void this.report('ELF301', t.at + 56, this.label(t), t.entsize);
    if (t.size % SYM_SIZE !== 0) this.report('ELF302', t.at + 32, this.label(t), t.size);
    const strtab = this.sections[t.link];
    const names = strtab?.type === SHT_STRTAB ? strtab.data : undefined;
    if (!strtab || !names) this.report('ELF303', t.at + 40, this.label(t), t.link);
    const strtabLabel = strtab ? this.label(strtab) : '';
    const xindex = this.sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === t.index)?.data;
    const data = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    const symbols: ObjSymbol[] = [{ name: '', section: undefined, value: 0, size: 0, type: 'notype', bind: 'local' }];
    const firstByName = new Map<string, number>();
    for (let k = 1; k < Math.floor(t.data.length / SYM_SIZE); k++) {
      const e = k * SYM_SIZE;
      const at = t.offset + e;
      const nameOffset = data.getUint32(e, true);
      let name = '';
      if (names && nameOffset >= names.length) this.report('ELF304', at, k, at, nameOffset, strtabLabel, names.length);
      else if (names) {
        const decoded = decodeCString(names, nameOffset);
        if (decoded === undefined) this.report('ELF305', at, k, at, nameOffset, strtabLabel);
        name = decoded ?? '';
      }
      const info = data.getUint8(e + 4);
      const bind = BINDINGS[info >> 4] ?? (this.report('ELF308', at + 4, k, name, at, info >> 4), 'global');
      const type = TYPES[info & 15] ?? (this.report('ELF309', at + 4, k, name, at, info & 15), 'notype');
      let shndx = data.getUint16(e + 6, true);
      if (shndx === SHN_XINDEX && xindex && xindex.length >= k * 4 + 4) shndx = new DataView(xindex.buffer, xindex.byteOffset).getUint32(k * 4, true);
      let section: string | undefined;
      let specialIndex: number | undefined;
      if (shndx >= SHN_LORESERVE && shndx !== SHN_XINDEX && shndx <= 0xffff) specialIndex = shndx;
      else if (shndx !== 0 && shndx >= this.sections.length) this.report('ELF306', at + 6, k, name, at, shndx, this.sections.length);
      else if (shndx !== 0 && !this.content.has(shndx)) this.report('ELF307', at + 6, k, name, at, this.label(this.sections[shndx]!));
      else if (shndx !== 0) section = this.content.get(shndx)!.name;
      const raw = data.getBigUint64(e + 8, true);
      // Values at or above 2^63 are negative absolute values (`.set x, -1`): keep them exact.
      const value = Number(raw >= 1n << 63n ? raw - (1n << 64n) : raw);
      if (!Number.isSafeInteger(value)) this.report('ELF310', at + 8, k, name, at);
      const symbol: ObjSymbol = { name: type === 'section' ? section ?? '' : name, section, value, size: Number(data.getBigUint64(e + 16, true)), type, bind };
      const other = data.getUint8(e + 5);
      if (other !== 0) symbol.other = other;
      if (specialIndex !== undefined) symbol.specialIndex = specialIndex;
      if (type !== 'section' && type !== 'file' && name !== '') {
        const first = firstByName.get(name);
        if (first !== undefined) this.report('ELF311', at, k, name, first);
        else firstByName.set(name, k);
      }
      symbols.push(symbol);
    }
    this.symbols = symbols;
  }

  private readRelocations(rel: RawSection): ObjRelocation[] {
    const out: ObjRelocation[] = [];
    const label = this.label(rel);
    if (rel.entsize !== REL_SIZE) return this.report('ELF401', rel.at + 56, label, rel.entsize), out;
    const target = this.content.get(rel.info);
    if (!target) return this.report('ELF403', rel.at + 44, label, rel.info), out;
    const symbols = this.symbols;
    if (!symbols || !this.symtab) return this.report('ELF404', rel.at + 40, label), out;
    if (rel.link !== this.symtab.index) this.report('ELF405', rel.at + 40, label, rel.link, this.symtab.index);
    if (rel.size % REL_SIZE !== 0) this.report('ELF402', rel.at + 32, label, rel.size);
    const data = new DataView(rel.data.buffer, rel.data.byteOffset, rel.data.byteLength);
    for (let k = 0; k < Math.floor(rel.data.length / REL_SIZE); k++) {
      const e = k * REL_SIZE;
      const at = rel.offset + e;
      const offset = Number(data.getBigUint64(e, true));
      const type = data.getUint32(e + 8, true);
      const sym = data.getUint32(e + 12, true);
      if (sym >= symbols.length) {
        this.report('ELF406', at + 12, k, label, at, sym, symbols.length);
        continue;
      }
      const width = RELOC_WIDTH[type];
      if (width === undefined) this.report('ELF407', at + 8, k, label, at, type);
      if (offset + (width ?? 0) > target.data.length) {
        this.report('ELF408', at, k, label, at, offset, width ?? 0, target.name, target.data.length);
        continue;
      }
      const s = symbols[sym]!;
      const r: ObjRelocation = { section: target.name, offset, type, symbol: sym === 0 ? '' : s.name };
      if (sym !== 0 && s.type === 'section') r.symbolIsSection = true;
      out.push(r);
    }
    return out;
  }

  /** `.llvm_addrsig` is a list of ULEB128 symbol indices. */
  private readAddrsig(s: RawSection): string[] {
    const names: string[] = [];
    const count = this.symbols?.length ?? 0;
    let pos = 0;
    while (pos < s.data.length) {
      const start = pos;
      let value = 0;
      let scale = 1;
      let byte: number;
      do {
        if (pos >= s.data.length) return this.report('ELF501', s.offset + start, this.label(s), s.offset + start), names;
        byte = s.data[pos++]!;
        value += (byte & 0x7f) * scale;
        scale *= 128;
      } while (byte & 0x80);
      if (value === 0 || value >= count) this.report('ELF502', s.offset + start, this.label(s), s.offset + start, value, count);
      else names.push(this.symbols![value]!.name);
    }
    return names;
  }
}

/** A NUL-terminated UTF-8 string at `offset`, or undefined when no NUL ends it. Decoded by hand: core has no TextDecoder. */
function decodeCString(table: Uint8Array, offset: number): string | undefined {
  const end = table.indexOf(0, offset);
  if (end < 0) return undefined;
  let text = '';
  for (let i = offset; i < end; ) {
    const b = table[i]!;
    const extra = b < 0x80 ? 0 : b >= 0xf0 && b < 0xf8 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : -1;
    let cp = extra === 0 ? b : extra === 1 ? b & 0x1f : extra === 2 ? b & 0x0f : b & 0x07;
    let ok = extra >= 0 && i + extra < end;
    for (let j = 1; ok && j <= extra; j++) {
      const c = table[i + j]!;
      ok = (c & 0xc0) === 0x80;
      cp = (cp << 6) | (c & 0x3f);
    }
    const min = [0, 0x80, 0x800, 0x10000][extra] ?? 0;
    if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      text += '\ufffd';
      i += 1;
    } else {
      text += String.fromCodePoint(cp);
      i += extra + 1;
    }
  }
  return text;
}
