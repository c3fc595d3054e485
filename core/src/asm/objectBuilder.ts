/**
 * The object under construction while the assembler walks a file: sections with growable byte
 * buffers, symbols with their binding and type, relocations, and per-section slot → source maps.
 * `finish` turns it into the `ObjectFile` model in the order llvm-mc uses: `.text` first, then
 * sections in order of creation; symbols in order of first mention, a section's own symbol at the
 * point the section was created (and only when a relocation uses it); `.L` temporaries only when a
 * relocation has to name them.
 */
import type { SourceRange } from '../diagnostics';
import {
  SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHN_ABS, SHN_COMMON, SHT_NOBITS, SHT_PROGBITS,
  type ObjectFile, type ObjRelocation, type ObjSymbol, type SymbolBinding, type SymbolType,
} from '../elf/types';

export interface SecState {
  name: string;
  type: number;
  flags: number;
  align: number;
  entsize: number;
  buf: Uint8Array;
  size: number;
  order: number;
  /** Whether a relocation refers to the section's own symbol. */
  symUsed: boolean;
  /** Source range of each instruction slot. */
  lines: (SourceRange | undefined)[];
  /** Label names by byte offset, in definition order. */
  labels: Map<number, string[]>;
}

export interface SymState {
  name: string;
  section: string | undefined;
  value: number;
  defined: boolean;
  bind: SymbolBinding;
  type: SymbolType;
  size: number;
  order: number;
  /** Set when a relocation names the symbol itself, which forces even a `.L` name into the table. */
  used: boolean;
  /** Where the label was defined, for diagnostics. */
  range?: SourceRange;
  /** Value of an absolute symbol (`.set N, 5`), which belongs to no section. */
  abs?: bigint;
  /** For `.set A, f + 8`: the label A stands for; A takes its type and size, as llvm-mc writes them. */
  aliasOf?: string;
  /** For `.set A, ext` where nothing defines `ext`: A is only another name of it, not a symbol of its own. */
  forward?: string;
  /** Alignment of a common symbol (`.comm buf, 16, 8`), whose `size` is the size asked for. */
  commonAlign?: number;
}

/** Flags and type llvm-mc gives a section named without explicit flags. */
export function defaultSectionKind(name: string): { type: number; flags: number } {
  const is = (p: string): boolean => name === p || name.startsWith(p + '.');
  if (is('.text')) return { type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR };
  if (is('.bss') || is('.sbss') || is('.tbss')) return { type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE };
  if (is('.data') || is('.data1') || is('.sdata') || is('.tdata')) return { type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE };
  if (is('.rodata') || is('.rodata1')) return { type: SHT_PROGBITS, flags: SHF_ALLOC };
  return { type: SHT_PROGBITS, flags: 0 };
}

export class ObjectBuilder {
  readonly sections = new Map<string, SecState>();
  readonly symbols = new Map<string, SymState>();
  readonly relocations: ObjRelocation[] = [];
  fileSymbol: { name: string; order: number } | undefined;
  /** How many absolute symbols exist, so statements need not look for them in files without any. */
  absCount = 0;
  addrsig: string[] | undefined;
  cur: SecState;
  private seq = 0;

  constructor() {
    this.cur = this.section('.text', SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 4, 0);
  }

  nextOrder(): number {
    return this.seq++;
  }

  /** The named section, created on first use. */
  section(name: string, type: number, flags: number, align: number, entsize: number): SecState {
    let s = this.sections.get(name);
    if (!s) {
      s = {
        name, type, flags, align, entsize, buf: new Uint8Array(64), size: 0, order: this.nextOrder(),
        symUsed: false, lines: [], labels: new Map(),
      };
      this.sections.set(name, s);
    }
    return s;
  }

  /** The symbol a reference to `name` resolves to: itself, or what an alias of an undefined symbol names. */
  target(name: string): SymState {
    const s = this.sym(name);
    return s.forward !== undefined ? this.sym(s.forward) : s;
  }

  /** The symbol of this name, created (and ordered) at its first mention. */
  sym(name: string): SymState {
    let s = this.symbols.get(name);
    if (!s) {
      s = { name, section: undefined, value: 0, defined: false, bind: 'local', type: 'notype', size: 0, order: this.nextOrder(), used: false };
      this.symbols.set(name, s);
    }
    return s;
  }

  /** Room for `n` more bytes in the current section; returns the offset they start at. */
  reserve(n: number): number {
    const s = this.cur;
    const at = s.size;
    if (at + n > s.buf.length) {
      let cap = s.buf.length * 2;
      while (cap < at + n) cap *= 2;
      const bigger = new Uint8Array(cap);
      bigger.set(s.buf.subarray(0, at));
      s.buf = bigger;
    }
    s.size = at + n;
    return at;
  }

  emitBytes(bytes: ArrayLike<number>): void {
    const at = this.reserve(bytes.length);
    this.cur.buf.set(bytes, at);
  }

  emitInt(value: bigint, size: number): void {
    const at = this.reserve(size);
    let v = BigInt.asUintN(size * 8, value);
    for (let k = 0; k < size; k++) { this.cur.buf[at + k] = Number(v & 0xffn); v >>= 8n; }
  }

  /** Overwrite `size` little-endian bytes at `offset` of a section. */
  patch(sec: SecState, offset: number, value: bigint, size: number): void {
    let v = BigInt.asUintN(size * 8, value);
    for (let k = 0; k < size; k++) { sec.buf[offset + k] = Number(v & 0xffn); v >>= 8n; }
  }

  readInt(sec: SecState, offset: number, size: number): bigint {
    let v = 0n;
    for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(sec.buf[offset + k] ?? 0);
    return v;
  }

  relocate(sec: SecState, offset: number, type: number, target: SymState | SecState): void {
    if ('buf' in target) {
      target.symUsed = true;
      this.relocations.push({ section: sec.name, offset, type, symbol: target.name, symbolIsSection: true });
    } else {
      target.used = true;
      if (!target.defined && target.bind === 'local') target.bind = 'global';
      this.relocations.push({ section: sec.name, offset, type, symbol: target.name });
    }
  }

  finish(): ObjectFile {
    const secs = [...this.sections.values()].sort((a, b) => a.order - b.order);
    const sections = secs.map((s) => ({
      name: s.name, type: s.type, flags: s.flags, align: s.align,
      data: s.type === SHT_NOBITS ? new Uint8Array(s.size) : s.buf.slice(0, s.size),
      ...(s.entsize ? { entsize: s.entsize } : {}),
    }));
    const rows: { order: number; sym: ObjSymbol }[] = [];
    if (this.fileSymbol) {
      rows.push({ order: this.fileSymbol.order, sym: { name: this.fileSymbol.name, section: undefined, value: 0, size: 0, type: 'file', bind: 'local' } });
    }
    for (const s of secs) {
      if (s.symUsed) rows.push({ order: s.order, sym: { name: s.name, section: s.name, value: 0, size: 0, type: 'section', bind: 'local' } });
    }
    for (const s of this.symbols.values()) {
      if (s.forward !== undefined) continue;
      const temp = s.name.startsWith('.L');
      const keep = s.defined ? !temp || s.used : s.used || s.bind !== 'local';
      if (!keep) continue;
      const bind: SymbolBinding = !s.defined && s.bind === 'local' ? 'global' : s.bind;
      if (s.abs !== undefined) {
        rows.push({ order: s.order, sym: { name: s.name, section: undefined, value: Number(BigInt.asUintN(64, s.abs)), size: s.size, type: s.type, bind, specialIndex: SHN_ABS } });
        continue;
      }
      if (s.commonAlign !== undefined) {
        rows.push({ order: s.order, sym: { name: s.name, section: undefined, value: s.commonAlign, size: s.size, type: s.type, bind, specialIndex: SHN_COMMON } });
        continue;
      }
      const target = s.aliasOf !== undefined ? this.symbols.get(s.aliasOf) : undefined;
      const size = target ? target.size : s.size;
      const type = target && s.type === 'notype' ? target.type : s.type;
      rows.push({ order: s.order, sym: { name: s.name, section: s.defined ? s.section : undefined, value: s.value, size, type, bind } });
    }
    rows.sort((a, b) => a.order - b.order);
    const obj: ObjectFile = { sections, symbols: rows.map((r) => r.sym), relocations: this.relocations };
    if (this.addrsig) obj.addrsig = this.addrsig;
    return obj;
  }
}
