/**
 * The program model: what the assembler (from text) and the ELF loader (from an object) produce, and
 * what the verifier, the interpreter, the language server and the debugger consume. It follows
 * libbpf's view of an object: every executable section other than `.text` is a program, functions in
 * `.text` are subprograms appended to the programs that call them, and `# @map` annotations (or a
 * `.maps` section) declare maps.
 *
 * Instructions are indexed by slot, as the kernel counts them: a 64-bit immediate load takes two
 * slots. `lines[slot]` maps each slot back to the source.
 */
import type { Insn } from '../isa/insn';
import type { RawSlot } from '../isa/opcode';
import type { SourceRange } from '../diagnostics';

export interface MapDef {
  name: string;
  /** Map type name in lower case without BPF_MAP_TYPE_ (hash, array, ringbuf, ...). */
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** BPF_F_* flags as a number, and the names they were written with. */
  flags: number;
  flagNames: string[];
  /** Name of the template map of a map-in-map. */
  inner?: string;
  /**
   * The value of a one-element array map frozen before the program loads (libbpf's `.rodata*`
   * maps): with BPF_F_RDONLY_PROG the verifier reads constant-offset loads from it as known values.
   */
  frozen?: Uint8Array;
  /** Where the map was declared. */
  range?: SourceRange;
}

/** A function inside a program: the entry (slot 0) or a subprogram appended after it. */
export interface FuncInfo {
  name: string;
  /** First slot of the function inside the program. */
  start: number;
  /** One past its last slot. */
  end: number;
  /** Section the function came from (`.text` for subprograms). */
  section: string;
}

/**
 * One record of the object's BTF func_info (`.BTF.ext`), which the kernel needs before a program may
 * take the address of a subprogram (bpf_loop and other callbacks): the function's first slot and what
 * its BTF FUNC type says about it.
 */
export interface BtfFuncInfo {
  /** First slot of the function inside the program. */
  slot: number;
  /** Name of the BTF FUNC type. */
  name: string;
  /** The FUNC's linkage: static functions are verified with their caller, global ones on their own. */
  linkage: 'static' | 'global' | 'extern';
  /** Number of parameters in the FUNC's prototype. */
  params: number;
  /**
   * The prototype's return and parameter types, as far as the verifier needs them for a global
   * function (which is checked against its prototype rather than its callers); absent when the record
   * came without type information.
   */
  proto?: { ret: BtfParamType; params: BtfParamType[] };
}

/**
 * A type of a FUNC_PROTO, after typedefs and modifiers: `scalar` for integers and enums, `ptr` for a
 * pointer (with the pointee's kind and name, and its size or why it has none), `other` for the rest
 * with the kernel's kind word (STRUCT, FLOAT, UNKNOWN for void...).
 */
export type BtfParamType =
  | { kind: 'scalar' }
  | { kind: 'ptr'; toKind: string; toName: string; size?: number }
  | { kind: 'other'; what: string };

/** What a 64-bit immediate load refers to after relocation. */
export type LdImm64Ref =
  | { kind: 'map'; map: string; offset: number }
  | { kind: 'func'; func: string; slot: number }
  | { kind: 'data'; section: string; offset: number };

export interface Program {
  /** Name of the entry function symbol, or the section name when the section has none. */
  name: string;
  section: string;
  /** Program type name in lower case without BPF_PROG_TYPE_ (xdp, socket_filter, sched_cls, ...). */
  progType: string;
  /** Where the type came from: a `# @prog` annotation, the section name, or a command-line option. */
  progTypeSource: 'annotation' | 'section' | 'option' | 'default';
  /** Expected attach type for types that have one (e.g. kprobe vs kretprobe), lower case. */
  attachType?: string;
  insns: Insn[];
  /** Source range of each slot (undefined for slots without source, e.g. from an object file). */
  lines: (SourceRange | undefined)[];
  funcs: FuncInfo[];
  /** Resolved 64-bit immediate loads, by slot. */
  ldImm64Refs: Map<number, LdImm64Ref>;
  /** Calls whose target is an undefined symbol (e.g. `call bpf_map_lookup_elem`), by slot. */
  externCalls: Map<number, string>;
  /** Label names by slot, for printing and navigation. */
  labels: Map<number, string>;
  /**
   * Raw fields of the slots the decoder rejected (their entry in `insns` is a placeholder) and of the
   * malformed second halves of 64-bit loads, by slot; the verifier words them as the kernel does.
   */
  rawSlots?: Map<number, RawSlot>;
  /**
   * The initial contents of each global-data section (`.data*`, `.bss*`, `.rodata*`) the program loads
   * an address of, by name: libbpf makes each such section a one-element array map with it as the
   * value, and freezes the `.rodata*` ones, whose bytes the kernel's verifier then reads as constants.
   */
  globalData?: Map<string, Uint8Array>;
  /** BTF func_info for this program, in slot order; undefined when the object carries none. */
  btfFuncs?: BtfFuncInfo[];
  /**
   * The C source lines of an object compiled with `-g` (its BTF line_info), in slot order: the line
   * that applies to slot I is the last record at or before I. `file` is the path the compiler wrote,
   * `line` and `column` are 1-based (column 0 when unknown), `text` is the source line as the compiler
   * copied it. Undefined when the object carries none.
   */
  lineInfo?: { slot: number; file: string; line: number; column: number; text: string }[];
}

export interface Module {
  fileName: string;
  programs: Program[];
  maps: MapDef[];
  /** Read-only and writable data sections (`.rodata`, `.data`, `license`, ...) by name. */
  dataSections: Map<string, Uint8Array>;
  license?: string;
}
