/**
 * The in-memory model of a relocatable BPF object file, shared by the ELF reader, the ELF writer and
 * the assembler. It holds what `llvm-mc -filetype=obj` puts in an object: named sections with their
 * bytes, a symbol table, and relocations against symbols. Layout details (string tables, section
 * indices, file offsets) are the writer's and reader's business and do not appear here.
 */

/** ELF section types that BPF objects use. */
export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_LLVM_ADDRSIG = 0x6fff4c03;

/** ELF64 layout facts the reader and the writer share. */
export const EM_BPF = 247;
export const ET_REL = 1;
export const EHDR_SIZE = 64;
export const SHDR_SIZE = 64;
export const SYM_SIZE = 24;
export const REL_SIZE = 16;

/** Section flags. */
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHF_MERGE = 0x10;
export const SHF_STRINGS = 0x20;
export const SHF_INFO_LINK = 0x40;
/** Set on `.llvm_addrsig`: the linker drops the section from its output. */
export const SHF_EXCLUDE = 0x80000000;

/** Special section indices a symbol can carry instead of a real section (st_shndx). */
export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;

/** BPF relocation types (include/uapi/linux/elf-em.h and LLVM's ELFRelocs/BPF.def). */
export const R_BPF_NONE = 0;
export const R_BPF_64_64 = 1;
export const R_BPF_64_ABS64 = 2;
export const R_BPF_64_ABS32 = 3;
export const R_BPF_64_NODYLD32 = 4;
export const R_BPF_64_32 = 10;

export type SymbolBinding = 'local' | 'global' | 'weak';
export type SymbolType = 'notype' | 'object' | 'func' | 'section' | 'file';

export interface ObjSection {
  name: string;
  /** SHT_* value; SHT_PROGBITS for code and data. */
  type: number;
  /** SHF_* bit set. */
  flags: number;
  /** sh_addralign. */
  align: number;
  /** Contents; for SHT_NOBITS an all-zero array whose length is the section size. */
  data: Uint8Array;
  /** sh_entsize, when the section has fixed-size entries (0 otherwise). */
  entsize?: number;
}

export interface ObjSymbol {
  /** For a section symbol (type 'section'), the name of its section; it is written with st_name 0. */
  name: string;
  /** Name of the defining section, or undefined for an undefined (external) symbol. */
  section: string | undefined;
  value: number;
  size: number;
  type: SymbolType;
  bind: SymbolBinding;
  /** st_other visibility bits (0 = default). */
  other?: number;
  /**
   * For a symbol outside every section: SHN_ABS (`.set x, 5`, and `.file` names) or SHN_COMMON
   * (`.comm`, whose `value` is then the alignment). Absent for defined and for undefined symbols.
   * A 'file' symbol without it is written as SHN_ABS.
   */
  specialIndex?: number;
}

export interface ObjRelocation {
  /** The section the relocation patches (not the .rel section). */
  section: string;
  /** Byte offset inside that section. */
  offset: number;
  /** R_BPF_* value. */
  type: number;
  /** Name of the symbol; for a section symbol, the section's name; '' for no symbol (index 0). */
  symbol: string;
  /** Set when `symbol` names a section symbol (STT_SECTION) rather than a named symbol. */
  symbolIsSection?: boolean;
}

export interface ObjectFile {
  sections: ObjSection[];
  symbols: ObjSymbol[];
  relocations: ObjRelocation[];
  /**
   * Present when the object has an `.llvm_addrsig` section (the source said `.addrsig`): the names
   * of the symbols listed by `.addrsig_sym`, in order. Absent when there is no such section.
   */
  addrsig?: string[];
}

/** A problem found while reading an object; the reader returns these instead of throwing. */
export interface ElfDiagnostic {
  message: string;
  /** Byte offset in the file where the problem was found, when known. */
  offset?: number;
  /** Stable code from the reader's message catalog (ELF1xx header, ELF2xx sections, ...). */
  code?: string;
}
