/**
 * A tiny BTF writer for tests. There is no clang on the test machines, so tests build the `.BTF`
 * section clang would emit for libbpf map definitions by hand: this class appends type records in the
 * kernel's layout (include/uapi/linux/btf.h) and turns them into bytes, or into `.byte` directives
 * llvm-mc assembles. `mapDef` writes the struct that libbpf's `__uint`, `__type` and `__array`
 * macros produce. Type ids start at 1, in the order the methods are called.
 */

const KIND = {
  INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, FWD: 7, TYPEDEF: 8, VOLATILE: 9, CONST: 10, RESTRICT: 11,
  FUNC: 12, FUNC_PROTO: 13, VAR: 14, DATASEC: 15, FLOAT: 16, DECL_TAG: 17, TYPE_TAG: 18, ENUM64: 19,
} as const;

export interface MapAttrs {
  type: number;
  maxEntries?: number;
  mapFlags?: number;
  keySize?: number;
  valueSize?: number;
  /** Type ids for `__type(key, T)` and `__type(value, T)`. */
  key?: number;
  value?: number;
  /** Type id of the inner definition struct for `__array(values, T)`. */
  values?: number;
}

export class BtfWriter {
  private words: number[] = [];
  private strs = '\0';
  private strOffsets = new Map<string, number>([['', 0]]);
  private nextId = 1;
  private intId: number | undefined;

  /** Offset of `s` in the string section, adding it if new. */
  str(s: string): number {
    let off = this.strOffsets.get(s);
    if (off === undefined) {
      off = Buffer.byteLength(this.strs);
      this.strs += `${s}\0`;
      this.strOffsets.set(s, off);
    }
    return off;
  }

  /** Appends a raw record: name, kind, vlen, third word, then trailing words. Returns its id. */
  raw(name: string, kind: number, vlen: number, third: number, trailing: number[] = [], kindFlag = false): number {
    this.words.push(this.str(name), ((kindFlag ? 1 : 0) << 31 | kind << 24 | vlen) >>> 0, third >>> 0, ...trailing.map((w) => w >>> 0));
    return this.nextId++;
  }

  int(name = 'int', size = 4, signed = true): number {
    return this.raw(name, KIND.INT, 0, size, [((signed ? 1 : 0) << 24) | (size * 8)]);
  }
  /** The shared `int` used as array element and index type. */
  theInt(): number {
    return (this.intId ??= this.int());
  }
  ptr(type: number): number { return this.raw('', KIND.PTR, 0, type); }
  array(elem: number, nelems: number, index = this.theInt()): number { return this.raw('', KIND.ARRAY, 0, 0, [elem, index, nelems]); }
  struct(name: string, size: number, members: [string, number, number][], union = false): number {
    return this.raw(name, union ? KIND.UNION : KIND.STRUCT, members.length, size, members.flatMap(([n, t, bits]) => [this.str(n), t, bits]));
  }
  enumType(name: string, size: number, values: [string, number][]): number {
    return this.raw(name, KIND.ENUM, values.length, size, values.flatMap(([n, v]) => [this.str(n), v]));
  }
  enum64(name: string, values: [string, number][]): number {
    return this.raw(name, KIND.ENUM64, values.length, 8, values.flatMap(([n, v]) => [this.str(n), v % 2 ** 32, Math.floor(v / 2 ** 32)]));
  }
  fwd(name: string): number { return this.raw(name, KIND.FWD, 0, 0); }
  typedef(name: string, type: number): number { return this.raw(name, KIND.TYPEDEF, 0, type); }
  volatile(type: number): number { return this.raw('', KIND.VOLATILE, 0, type); }
  const(type: number): number { return this.raw('', KIND.CONST, 0, type); }
  restrict(type: number): number { return this.raw('', KIND.RESTRICT, 0, type); }
  funcProto(ret: number, params: [string, number][]): number {
    return this.raw('', KIND.FUNC_PROTO, params.length, ret, params.flatMap(([n, t]) => [this.str(n), t]));
  }
  func(name: string, proto: number, linkage = 1): number { return this.raw(name, KIND.FUNC, linkage, proto); }
  variable(name: string, type: number, linkage = 1): number { return this.raw(name, KIND.VAR, 0, type, [linkage]); }
  datasec(name: string, size: number, vars: [number, number, number][]): number {
    return this.raw(name, KIND.DATASEC, vars.length, size, vars.flat());
  }
  float(name: string, size: number): number { return this.raw(name, KIND.FLOAT, 0, size); }
  declTag(name: string, type: number, component = -1): number { return this.raw(name, KIND.DECL_TAG, 0, type, [component]); }
  typeTag(name: string, type: number): number { return this.raw(name, KIND.TYPE_TAG, 0, type); }

  /** `__uint(name, n)`: `int (*name)[n]`. */
  uint(n: number): number { return this.ptr(this.array(this.theInt(), n)); }

  /** The anonymous struct of a libbpf map definition, members in the order libbpf examples use. */
  mapDef(a: MapAttrs, name = ''): number {
    const members: [string, number][] = [['type', this.uint(a.type)]];
    if (a.mapFlags !== undefined) members.push(['map_flags', this.uint(a.mapFlags)]);
    if (a.keySize !== undefined) members.push(['key_size', this.uint(a.keySize)]);
    if (a.key !== undefined) members.push(['key', this.ptr(a.key)]);
    if (a.valueSize !== undefined) members.push(['value_size', this.uint(a.valueSize)]);
    if (a.value !== undefined) members.push(['value', this.ptr(a.value)]);
    if (a.maxEntries !== undefined) members.push(['max_entries', this.uint(a.maxEntries)]);
    if (a.values !== undefined) members.push(['values', this.array(this.ptr(a.values), 0)]);
    return this.struct(name, members.length * 8, members.map(([n, t], i) => [n, t, i * 64]));
  }

  bytes(): Uint8Array {
    const strBytes = Buffer.from(this.strs, 'utf8');
    const typeLen = this.words.length * 4;
    const out = Buffer.alloc(24 + typeLen + strBytes.length);
    out.writeUInt16LE(0xeb9f, 0);
    out[2] = 1;
    out.writeUInt32LE(24, 4);
    out.writeUInt32LE(0, 8);
    out.writeUInt32LE(typeLen, 12);
    out.writeUInt32LE(typeLen, 16);
    out.writeUInt32LE(strBytes.length, 20);
    this.words.forEach((w, i) => out.writeUInt32LE(w, 24 + 4 * i));
    strBytes.copy(out, 24 + typeLen);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }
}

/** `.byte` directives for `bytes`, 16 to a line, for a `.section .BTF` in an llvm-mc source. */
export function byteDirectives(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) lines.push(`  .byte ${Array.from(bytes.subarray(i, i + 16)).join(', ')}`);
  return lines.join('\n');
}

/**
 * An llvm-mc source with an XDP program that loads every map, a `.maps` section of zeroed
 * definitions (one global object per map, `size` bytes each), the given `.BTF` bytes and a license.
 */
export function btfMapsSource(maps: { name: string; size: number }[], btf: Uint8Array): string {
  const loads = maps.map((m) => `  r1 = ${m.name} ll`).join('\n');
  const defs = maps.map((m) => `  .globl ${m.name}\n  .type ${m.name},@object\n  .p2align 3\n${m.name}:\n  .zero ${m.size}\n  .size ${m.name}, ${m.size}`).join('\n');
  return `  .section xdp,"ax",@progbits
  .globl prog
  .type prog,@function
prog:
${loads}
  r0 = 2
  exit
  .size prog, .-prog

  .section .maps,"aw",@progbits
${defs}

  .section license,"aw",@progbits
  .globl _license
_license:
  .asciz "GPL"

  .section .BTF,"",@progbits
${byteDirectives(btf)}
`;
}
