/**
 * Writes an ObjectFile as a little-endian ELF64 BPF relocatable object, laid out exactly as
 * `llvm-mc -triple bpfel -filetype=obj` lays it out, so that an object we assemble is byte-identical
 * to llvm-mc's and `writeElf(readElf(bytes).object)` gives back llvm-mc's bytes.
 *
 * llvm-mc's layout, worked out by assembling test sources and comparing (test/core/elf.test.ts
 * keeps checking it):
 *  - Section table: [0] null, [1] `.strtab` (one table for section and symbol names, also
 *    e_shstrndx), then the content sections in model order, each followed by its `.rel<name>` when
 *    it has relocations, then `.llvm_addrsig` when the source said `.addrsig`, and `.symtab` last.
 *  - File contents: the 64-byte header, the content sections in table order (each at an offset
 *    aligned to its sh_addralign, zero padding, SHT_NOBITS taking no bytes), `.symtab` (aligned 8),
 *    the `.rel` sections (aligned 8 each), `.llvm_addrsig`, `.strtab`, then the section headers
 *    (aligned 8). e_flags is 0.
 *  - `.strtab` holds each name once, sorted by its reversed bytes in descending order, and a name
 *    that is the tail of the one before it shares its bytes (`xdp` lives inside `.relxdp`).
 *  - Symbols: locals first, then globals and weaks, each group in model order; sh_info of
 *    `.symtab` is one past the last local. Section symbols have no name of their own.
 * The writer keeps the model's order of sections, symbols and relocations; producing them in
 * llvm-mc's order is the assembler's job. What llvm-mc does there: `.text` (aligned 4) always exists
 * and comes first, other sections follow in order of first mention; symbols come in the order they
 * were first mentioned, a section's own symbol at the point the section was created, and only when a
 * relocation uses it; a `.file` name comes before the symbols mentioned after it.
 */
import {
  ObjectFile, ObjRelocation, ObjSymbol, SHF_EXCLUDE, SHF_INFO_LINK, SHN_ABS, SHT_LLVM_ADDRSIG,
  SHT_NOBITS, SHT_NULL, SHT_REL, SHT_STRTAB, SHT_SYMTAB, SymbolBinding, SymbolType,
  EM_BPF, ET_REL, EHDR_SIZE, SHDR_SIZE, SYM_SIZE, REL_SIZE,
} from './types';


const BIND_CODE: Record<SymbolBinding, number> = { local: 0, global: 1, weak: 2 };
const TYPE_CODE: Record<SymbolType, number> = { notype: 0, object: 1, func: 2, section: 3, file: 4 };

/** One row of the section header table while the file is being laid out. */
interface OutSection {
  name: string;
  type: number;
  flags: number;
  align: number;
  entsize: number;
  link: number;
  info: number;
  /** The bytes written to the file (empty for SHT_NULL); for SHT_NOBITS only the length counts. */
  data: Uint8Array;
  offset: number;
}

/** Serialises `obj`. Throws only for an inconsistent model (a name that refers to nothing). */
export function writeElf(obj: ObjectFile): Uint8Array {
  const table: OutSection[] = [section('', SHT_NULL, 0, 0), section('.strtab', SHT_STRTAB, 0, 1)];
  const sectionIndex = new Map<string, number>();
  const relocs = groupRelocations(obj.relocations);
  const contentRows: OutSection[] = [];
  const relRows: { row: OutSection; relocs: ObjRelocation[] }[] = [];
  for (const s of obj.sections) {
    if (!sectionIndex.has(s.name)) sectionIndex.set(s.name, table.length);
    const row = { ...section(s.name, s.type, s.flags, s.align), entsize: s.entsize ?? 0, data: s.data };
    contentRows.push(row);
    table.push(row);
    const own = relocs.get(s.name);
    if (own !== undefined && sectionIndex.get(s.name) === table.length - 1) {
      const relRow = { ...section(`.rel${s.name}`, SHT_REL, SHF_INFO_LINK, 8), entsize: REL_SIZE, info: table.length - 1 };
      relRows.push({ row: relRow, relocs: own });
      table.push(relRow);
    }
  }
  for (const name of relocs.keys()) {
    if (!sectionIndex.has(name)) throw new Error(`writeElf: relocation against unknown section '${name}'`);
  }
  const addrsig = obj.addrsig === undefined ? undefined : section('.llvm_addrsig', SHT_LLVM_ADDRSIG, SHF_EXCLUDE, 1);
  if (addrsig) table.push(addrsig);
  const symtab = { ...section('.symtab', SHT_SYMTAB, 0, 8), entsize: SYM_SIZE, link: 1 };
  const symtabIndex = table.length;
  table.push(symtab);

  // Locals first (the ELF rule), otherwise the model's order.
  const symbols = [...obj.symbols.filter((s) => s.bind === 'local'), ...obj.symbols.filter((s) => s.bind !== 'local')];
  const named = new Map<string, number>();
  const sectionSyms = new Map<string, number>();
  symbols.forEach((s, i) => {
    const map = s.type === 'section' ? sectionSyms : s.type === 'file' ? undefined : named;
    if (map && !map.has(s.name)) map.set(s.name, i + 1);
  });
  // A file name is only a last resort: `.file "x"` must not capture a reference to a symbol x.
  symbols.forEach((s, i) => {
    if (s.type === 'file' && !named.has(s.name)) named.set(s.name, i + 1);
  });
  const symbolIndex = (name: string, isSection: boolean | undefined, what: string): number => {
    const index = (isSection ? sectionSyms : named).get(name);
    if (index !== undefined) return index;
    if (name === '' && !isSection) return 0;
    throw new Error(`writeElf: ${what} refers to unknown ${isSection ? 'section symbol' : 'symbol'} '${name}'`);
  };

  const strings = buildStringTable([
    ...table.slice(1).map((s) => s.name),
    ...symbols.filter((s) => s.type !== 'section').map((s) => s.name),
  ]);
  table[1]!.data = strings.bytes;
  const nameOf = (name: string): number => (name === '' ? 0 : strings.offsets.get(name) ?? 0);

  symtab.info = 1 + symbols.filter((s) => s.bind === 'local').length;
  symtab.data = encodeSymbols(symbols, nameOf, (s) => {
    if (s.section === undefined) return s.specialIndex ?? (s.type === 'file' ? SHN_ABS : 0);
    const index = sectionIndex.get(s.section);
    if (index === undefined) throw new Error(`writeElf: symbol '${s.name}' is in unknown section '${s.section}'`);
    return index;
  });
  for (const { row, relocs: list } of relRows) {
    row.link = symtabIndex;
    row.data = encodeRelocations(list, (r) => symbolIndex(r.symbol, r.symbolIsSection, `relocation in '${r.section}'`));
  }
  if (addrsig) {
    addrsig.link = symtabIndex;
    addrsig.data = encodeUleb128s((obj.addrsig ?? []).map((name) => addrsigIndex(name, named, sectionSyms)));
  }

  // File order differs from table order: content, symtab, relocations, addrsig, string table.
  const fileOrder = [
    ...contentRows, symtab, ...relRows.map((r) => r.row), ...(addrsig ? [addrsig] : []), table[1]!,
  ];
  let end = EHDR_SIZE;
  for (const s of fileOrder) {
    s.offset = alignTo(end, s.align);
    end = s.offset + (s.type === SHT_NOBITS ? 0 : s.data.length);
  }
  const shoff = alignTo(end, 8);
  const out = new Uint8Array(shoff + table.length * SHDR_SIZE);
  const view = new DataView(out.buffer);
  writeHeader(view, shoff, table.length);
  for (const s of fileOrder) if (s.type !== SHT_NOBITS) out.set(s.data, s.offset);
  table.forEach((s, i) => {
    if (i > 0) writeSectionHeader(view, shoff + i * SHDR_SIZE, s, nameOf(s.name));
  });
  return out;
}

function section(name: string, type: number, flags: number, align: number): OutSection {
  return { name, type, flags, align, entsize: 0, link: 0, info: 0, data: new Uint8Array(0), offset: 0 };
}

function groupRelocations(relocations: ObjRelocation[]): Map<string, ObjRelocation[]> {
  const bySection = new Map<string, ObjRelocation[]>();
  for (const r of relocations) {
    const list = bySection.get(r.section);
    if (list) list.push(r);
    else bySection.set(r.section, [r]);
  }
  return bySection;
}

function addrsigIndex(name: string, named: Map<string, number>, sectionSyms: Map<string, number>): number {
  const index = named.get(name) ?? sectionSyms.get(name);
  if (index === undefined) throw new Error(`writeElf: .addrsig_sym refers to unknown symbol '${name}'`);
  return index;
}

function alignTo(value: number, align: number): number {
  return align > 1 ? Math.ceil(value / align) * align : value;
}

function writeHeader(view: DataView, shoff: number, shnum: number): void {
  [0x7f, 0x45, 0x4c, 0x46, 2 /* ELFCLASS64 */, 1 /* little-endian */, 1 /* EV_CURRENT */].forEach((b, i) => view.setUint8(i, b));
  view.setUint16(16, ET_REL, true);
  view.setUint16(18, EM_BPF, true);
  view.setUint32(20, 1, true);
  view.setBigUint64(40, BigInt(shoff), true);
  view.setUint16(52, EHDR_SIZE, true);
  view.setUint16(58, SHDR_SIZE, true);
  view.setUint16(60, shnum, true);
  view.setUint16(62, 1, true); // .strtab doubles as the section name table
}

function writeSectionHeader(view: DataView, at: number, s: OutSection, name: number): void {
  view.setUint32(at, name, true);
  view.setUint32(at + 4, s.type, true);
  view.setBigUint64(at + 8, u64(s.flags), true);
  view.setBigUint64(at + 24, BigInt(s.offset), true);
  view.setBigUint64(at + 32, BigInt(s.data.length), true);
  view.setUint32(at + 40, s.link, true);
  view.setUint32(at + 44, s.info, true);
  view.setBigUint64(at + 48, u64(s.align), true);
  view.setBigUint64(at + 56, u64(s.entsize), true);
}

/** A model number as the u64 ELF stores; negative values are two's complement (`.set x, -1`). */
function u64(value: number): bigint {
  return BigInt.asUintN(64, BigInt(Math.trunc(value)));
}

function encodeSymbols(symbols: ObjSymbol[], nameOf: (name: string) => number, shndx: (s: ObjSymbol) => number): Uint8Array {
  const bytes = new Uint8Array((symbols.length + 1) * SYM_SIZE);
  const view = new DataView(bytes.buffer);
  symbols.forEach((s, i) => {
    const at = (i + 1) * SYM_SIZE;
    view.setUint32(at, s.type === 'section' ? 0 : nameOf(s.name), true);
    view.setUint8(at + 4, (BIND_CODE[s.bind] << 4) | TYPE_CODE[s.type]);
    view.setUint8(at + 5, s.other ?? 0);
    view.setUint16(at + 6, shndx(s), true);
    view.setBigUint64(at + 8, u64(s.value), true);
    view.setBigUint64(at + 16, u64(s.size), true);
  });
  return bytes;
}

function encodeRelocations(relocs: ObjRelocation[], symbolIndex: (r: ObjRelocation) => number): Uint8Array {
  const bytes = new Uint8Array(relocs.length * REL_SIZE);
  const view = new DataView(bytes.buffer);
  relocs.forEach((r, i) => {
    view.setBigUint64(i * REL_SIZE, u64(r.offset), true);
    view.setUint32(i * REL_SIZE + 8, r.type, true);
    view.setUint32(i * REL_SIZE + 12, symbolIndex(r), true);
  });
  return bytes;
}

function encodeUleb128s(values: number[]): Uint8Array {
  const bytes: number[] = [];
  for (let v of values) {
    do {
      const low = v % 128;
      v = Math.floor(v / 128);
      bytes.push(v > 0 ? low | 0x80 : low);
    } while (v > 0);
  }
  return Uint8Array.from(bytes);
}

/**
 * llvm's StringTableBuilder in its ELF mode: names sorted by their bytes read backwards, larger
 * first, a name that is a tail of another after it; a name that is the tail of the name written just
 * before it reuses that name's bytes. Offset 0 is the empty name.
 */
export function buildStringTable(names: string[]): { bytes: Uint8Array; offsets: Map<string, number> } {
  const encoded = new Map<string, Uint8Array>();
  for (const name of names) if (name !== '' && !encoded.has(name)) encoded.set(name, encodeUtf8(name));
  const sorted = [...encoded].sort((a, b) => compareTails(a[1], b[1]));
  const offsets = new Map<string, number>();
  const placed: [number, Uint8Array][] = [];
  let size = 1;
  let previous: Uint8Array | undefined;
  for (const [name, bytes] of sorted) {
    if (previous && endsWith(previous, bytes)) {
      offsets.set(name, size - bytes.length - 1);
      continue;
    }
    offsets.set(name, size);
    placed.push([size, bytes]);
    size += bytes.length + 1;
    previous = bytes;
  }
  const bytes = new Uint8Array(size);
  for (const [at, b] of placed) bytes.set(b, at);
  return { bytes, offsets };
}

function compareTails(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; ; i++) {
    const ca = i < a.length ? a[a.length - 1 - i]! : -1;
    const cb = i < b.length ? b[b.length - 1 - i]! : -1;
    if (ca !== cb) return cb - ca;
    if (ca === -1) return 0;
  }
}

function endsWith(whole: Uint8Array, tail: Uint8Array): boolean {
  if (tail.length > whole.length) return false;
  for (let i = 1; i <= tail.length; i++) if (whole[whole.length - i] !== tail[tail.length - i]) return false;
  return true;
}

/** UTF-8 by hand: core has no TextEncoder. Lone surrogates become U+FFFD, as TextEncoder does. */
export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Uint8Array.from(out);
}
