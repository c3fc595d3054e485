/**
 * Register state: the kernel's bpf_reg_state in our terms. A register is not initialised, a scalar
 * (bounds only) or a pointer of some type with a fixed offset `off`, a variable offset kept in the same
 * bounds as scalars, and type-specific facts (map, packet range, memory size, reference id). The
 * `id` links registers that share a NULL check or packet range; `refId` names an acquired reference.
 */
import { Bounds, unknownBounds, knownBounds, S64_MIN, S64_MAX, S32_MIN, S32_MAX } from './scalar';
import { U32, U64, isConst } from './tnum';

export type RegType =
  | 'not_init' | 'scalar' | 'ctx' | 'fp' | 'map_ptr' | 'map_value' | 'map_key' | 'pkt' | 'pkt_end' | 'pkt_meta'
  | 'mem' | 'func' | 'sock' | 'sock_common' | 'tcp_sock' | 'btf_id' | 'flow_keys';

export interface Reg extends Bounds {
  type: RegType;
  /** PTR_MAYBE_NULL: must be NULL-checked before use. */
  maybeNull: boolean;
  /** MEM_RDONLY: read-only memory. */
  rdonly: boolean;
  /** MEM_RINGBUF / alloc flags for mem pointers, shown in the type name. */
  ringbuf: boolean;
  off: number;
  id: number;
  refId: number;
  /** Packet pointers: bytes known to be readable from off 0 of this pointer's id group. */
  range: number;
  /** Map pointers and map values: index into the program's maps. */
  map: number;
  /** mem pointers: size of the memory region. */
  memSize: number;
  /** fp pointers: the frame the stack belongs to. */
  frame: number;
  /** func pointers: the subprogram's first slot. */
  subprog: number;
  /** Scalars: marked precise by the kernel's backtracking (we approximate). */
  precise: boolean;
}

const base: Reg = {
  type: 'not_init', maybeNull: false, rdonly: false, ringbuf: false, off: 0, id: 0, refId: 0, range: 0, map: -1,
  memSize: 0, frame: 0, subprog: -1, precise: false, ...unknownBounds(),
};

export function notInit(): Reg {
  return cloneReg(base);
}

export function unknownScalar(): Reg {
  const r = cloneReg(base);
  r.type = 'scalar';
  return r;
}

export function constScalar(v: bigint): Reg {
  const r = cloneReg(base);
  r.type = 'scalar';
  setKnown(r, v);
  return r;
}

/** Shared constant scalars for immediate operands, by value. */
const immRegs = new Map<number, Reg>();

/**
 * The scalar an instruction's immediate operand stands for, shared between all uses: callers only read
 * it (or copy it first), which saves building the same constant on every visit of a loop.
 */
export function immScalar(imm: number): Reg {
  let r = immRegs.get(imm);
  if (!r) {
    if (immRegs.size >= 4096) immRegs.clear();
    r = constScalar(BigInt(imm));
    immRegs.set(imm, r);
  }
  return r;
}

/** Sets the bounds of `r` to the single value `v` without allocating a bounds object. */
export function setKnown(r: Bounds, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  const s = BigInt.asIntN(64, u);
  const lo = u & 0xffffffffn;
  r.var = { value: u, mask: 0n };
  r.smin = s; r.smax = s; r.umin = u; r.umax = u;
  r.u32min = lo; r.u32max = lo;
  r.s32min = BigInt.asIntN(32, lo); r.s32max = r.s32min;
}

/** A pointer of `type` with offset 0 and a zero variable offset. */
export function pointer(type: RegType, extra?: Partial<Reg>): Reg {
  const r = cloneReg(zeroPointer);
  r.type = type;
  return extra ? Object.assign(r, extra) : r;
}

/** A pointer's bounds: offset 0 and a zero variable part. */
const zeroPointer: Reg = { ...base, ...knownBounds(0n) };

/** Field-by-field copy: much faster than object spread on the hot path. */
export function cloneReg(r: Reg): Reg {
  return {
    type: r.type, maybeNull: r.maybeNull, rdonly: r.rdonly, ringbuf: r.ringbuf, off: r.off, id: r.id, refId: r.refId,
    range: r.range, map: r.map, memSize: r.memSize, frame: r.frame, subprog: r.subprog, precise: r.precise,
    var: r.var, smin: r.smin, smax: r.smax, umin: r.umin, umax: r.umax,
    s32min: r.s32min, s32max: r.s32max, u32min: r.u32min, u32max: r.u32max,
  };
}

export function isPointer(r: Reg): boolean {
  return r.type !== 'scalar' && r.type !== 'not_init';
}

export function isPktPointer(r: Reg): boolean {
  return r.type === 'pkt' || r.type === 'pkt_meta';
}

export function isConstReg(r: Reg): boolean {
  return r.type === 'scalar' && isConst(r.var);
}

/** The kernel's reg_type_str, used in messages: "map_value_or_null", "ctx", "fp", "pkt", "scalar"... */
export function typeName(r: Reg): string {
  switch (r.type) {
    case 'not_init': return '?';
    case 'scalar': return 'scalar';
    case 'ctx': return 'ctx';
    case 'fp': return 'fp';
    case 'map_ptr': return 'map_ptr';
    case 'map_value': return r.maybeNull ? 'map_value_or_null' : 'map_value';
    case 'map_key': return 'map_key';
    case 'pkt': return 'pkt';
    case 'pkt_end': return 'pkt_end';
    case 'pkt_meta': return 'pkt_meta';
    case 'mem': {
      const prefix = (r.rdonly ? 'rdonly_' : '') + (r.ringbuf ? 'ringbuf_' : '');
      return `${prefix}mem${r.maybeNull ? '_or_null' : ''}`;
    }
    case 'func': return 'func';
    case 'sock': return r.maybeNull ? 'sock_or_null' : 'sock';
    case 'sock_common': return r.maybeNull ? 'sock_common_or_null' : 'sock_common';
    case 'tcp_sock': return r.maybeNull ? 'tcp_sock_or_null' : 'tcp_sock';
    case 'btf_id': return r.maybeNull ? 'ptr_or_null_' : 'ptr_';
    case 'flow_keys': return 'flow_keys';
  }
}

/** The kernel prints numbers in decimal when they fit in 16 signed bits, else in hex. */
function sdec(v: bigint): string {
  if (v >= -32768n && v <= 32767n) return v.toString();
  return `0x${BigInt.asUintN(64, v).toString(16)}`;
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/**
 * The scalar part as the kernel prints it: a constant as its signed value, otherwise
 * `smin=...,smax=...,umin=...,umax=...,var_off=(...)` leaving out what the other bounds imply.
 */
export function scalarText(r: Bounds, withTypeWrap: boolean, extras: string[] = []): string {
  if (isConst(r.var) && extras.length === 0) return sdec(BigInt.asIntN(64, r.var.value));
  const parts = [...extras];
  if (isConst(r.var)) {
    parts.push(`imm=${sdec(BigInt.asIntN(64, r.var.value))}`);
  } else {
    boundsParts(r, parts);
  }
  return withTypeWrap ? `scalar(${parts.join(',')})` : parts.join(',');
}

/** Mirrors the kernel's print_scalar_ranges: prints each bound unless it is the default or equal to a sibling printed together. */
function boundsParts(r: Bounds, parts: string[]): void {
  const items: [string, bigint, boolean][] = [
    ['smin', r.smin, r.smin !== S64_MIN],
    ['smax', r.smax, r.smax !== S64_MAX],
    ['umin', r.umin, r.umin !== 0n],
    ['umax', r.umax, r.umax !== U64],
    ['smin32', r.s32min, r.s32min !== S32_MIN],
    ['smax32', r.s32max, r.s32max !== S32_MAX],
    ['umin32', r.u32min, r.u32min !== 0n],
    ['umax32', r.u32max, r.u32max !== U32],
  ];
  const done = new Array(items.length).fill(false);
  for (let i = 0; i < items.length; i++) {
    if (done[i] || !items[i]![2]) continue;
    let name = items[i]![0];
    const v = items[i]![1];
    const isSigned = name.startsWith('s');
    // Merge later bounds with the same value into one name, as the kernel does (smin=umin=...).
    for (let j = i + 1; j < items.length; j++) {
      if (done[j] || !items[j]![2]) continue;
      const jv = items[j]![1];
      const jSigned = items[j]![0].startsWith('s');
      const same = isSigned === jSigned ? jv === v : (v >= 0n && jv === v);
      const lowPair = (name.includes('min') && items[j]![0].includes('min')) || (name.includes('max') && items[j]![0].includes('max'));
      if (same && lowPair) { name += `=${items[j]![0]}`; done[j] = true; }
    }
    done[i] = true;
    parts.push(`${name}=${sdec(v)}`);
  }
  if (r.var.mask !== 0n && !(r.var.value === 0n && r.var.mask === U64)) parts.push(`var_off=(${hex(r.var.value)}; ${hex(r.var.mask)})`);
}

/** One register as the kernel logs it after `R1=`: `ctx()`, `fp-8`, `map_value(map=m,ks=4,vs=8,off=4)`, `scalar(...)`. */
export function regText(r: Reg, mapName: (i: number) => string, keySize: (i: number) => [number, number]): string {
  if (r.type === 'scalar') {
    const extras: string[] = [];
    if (r.id) extras.push(`id=${r.id}`);
    if (extras.length === 0 && isConst(r.var)) return sdec(BigInt.asIntN(64, r.var.value));
    return scalarText(r, true, extras);
  }
  if (r.type === 'fp' && isConst(r.var) && r.var.value === 0n) return `fp${r.off}`;
  const parts: string[] = [];
  if (r.id) parts.push(`id=${r.id}`);
  if (r.refId) parts.push(`ref_obj_id=${r.refId}`);
  if (r.type === 'map_ptr' || r.type === 'map_value' || r.type === 'map_key') {
    const [ks, vs] = keySize(r.map);
    if (r.type !== 'map_ptr') parts.unshift(); // keep order: id first
    parts.push(`map=${mapName(r.map)}`, `ks=${ks}`, `vs=${vs}`);
  }
  if (r.off) parts.push(`off=${r.off}`);
  // The special ranges below 0 (beyond or at pkt_end) print as the kernel's unsigned 64-bit hex.
  if (r.type === 'pkt' || r.type === 'pkt_meta') parts.push(`r=${r.range < 0 ? `0x${BigInt.asUintN(64, BigInt(r.range)).toString(16)}` : r.range}`);
  if (r.type === 'mem') parts.push(`sz=${r.memSize}`);
  if (!(isConst(r.var) && r.var.value === 0n)) {
    const sub: string[] = [];
    if (isConst(r.var)) sub.push(`imm=${BigInt.asIntN(64, r.var.value)}`);
    else boundsParts(r, sub);
    parts.push(...sub);
  }
  return `${typeName(r)}(${parts.join(',')})`;
}

export { unknownBounds };
