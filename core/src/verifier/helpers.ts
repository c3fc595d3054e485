/**
 * Helper calls (the kernel's check_helper_call): prototype lookup and program-type availability, the
 * argument checks for each argument kind (map pointer, key and value memory, memory/size pairs, context,
 * sockets, constants), map/helper compatibility, reference acquisition and release (ring buffer records,
 * socket lookups), and the state after the call (R0 by return type, R1-R5 cleared, packet pointers
 * invalidated by helpers that change packet data). Helpers that call callbacks hand the callback's
 * entry state back to the driver (callbacks.ts).
 */
import type { Env } from './env';
import { newId, noteStackDepth, demandPrecision } from './env';
import { Reg, typeName, unknownScalar, notInit, pointer, isPointer } from './regState';
import { reject } from './errors';
import { curFrame } from './state';
import { helperById, HELPER_ALLOWED, MAX_HELPER_ID } from '../data/helpers';
import { mapTypeByName } from '../data/mapTypes';
import { checkMemRegion, checkPacketAccess, checkPtrOffReg } from './memAccess';
import { checkStackBounds, stackMarkWritten } from './stack';
import { forEachReg } from './branch';
import { checkReferenceLeak } from './returns';
import { isConst, tstr } from './tnum';
import { callbackCall, type PendingCallback } from './callbacks';

const MEM_TYPES = 'fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_';
const MEM_OK = new Set(['fp', 'pkt', 'pkt_meta', 'map_key', 'map_value', 'mem']);

/** Helpers that may move or resize packet data (bpf_helper_changes_pkt_data). */
const CHANGES_PKT = new Set([9, 10, 11, 23, 28, 33, 38, 39, 40, 43, 44, 45, 50, 51, 52, 53, 54, 55, 56, 57, 61, 62, 63, 65, 70, 73, 74, 75, 76, 77, 78]);
/** Whether helper `fid` may move or resize packet data, which invalidates packet pointers. */
export function changesPktData(fid: number): boolean {
  return CHANGES_PKT.has(fid);
}
/** Helpers returning an acquired reference. */
const ACQUIRE = new Set([84, 85, 99, 131]);

interface Meta { map?: number; memSize?: number; refId?: number; releaseRegno?: number }

function mapTypeId(env: Env, map: number): number {
  const m = env.maps[map];
  return m ? mapTypeByName(m.type)?.id ?? 0 : 0;
}

/** check_map_func_compatibility, both directions. */
function checkMapCompat(env: Env, map: number, fid: number, fname: string): void {
  const m = env.maps[map];
  if (!m) return;
  const t = m.type;
  const bad = (): never => reject(`cannot pass map_type ${mapTypeId(env, map)} into func ${fname}#${fid}`);
  const byMap: { [t: string]: number[] } = {
    prog_array: [12], perf_event_array: [22, 25, 55, 68, 121], ringbuf: [130, 131, 134, 198],
    stack_trace: [27], array_of_maps: [1], hash_of_maps: [1], cgroup_array: [37, 41],
    queue: [87, 88, 89], stack: [87, 88, 89], bloom_filter: [87, 89],
  };
  const allowed = byMap[t];
  if (allowed && !allowed.includes(fid)) bad();
  const byFunc: { [f: number]: string[] } = {
    12: ['prog_array'], 22: ['perf_event_array'], 25: ['perf_event_array'], 55: ['perf_event_array'], 121: ['perf_event_array'],
    130: ['ringbuf'], 131: ['ringbuf'], 134: ['ringbuf'], 27: ['stack_trace'],
    51: ['devmap', 'devmap_hash', 'cpumap', 'xskmap'], 87: ['queue', 'stack', 'bloom_filter'], 88: ['queue', 'stack'],
    89: ['queue', 'stack', 'bloom_filter'], 195: ['percpu_array', 'percpu_hash', 'lru_percpu_hash'],
  };
  const need = byFunc[fid];
  if (need && !need.includes(t)) bad();
}

function expectedText(kind: string): string {
  switch (kind) {
    case 'CONST_MAP_PTR': return 'map_ptr';
    case 'PTR_TO_CTX': return 'ctx';
    case 'PTR_TO_STACK': return 'fp';
    case 'PTR_TO_FUNC': return 'func';
    case 'PTR_TO_MAP_VALUE': case 'PTR_TO_MAP_KEY': case 'PTR_TO_UNINIT_MAP_VALUE':
      return MEM_TYPES;
    case 'PTR_TO_RINGBUF_MEM': return 'ringbuf_mem';
    case 'PTR_TO_SOCK_COMMON': return 'sock_common, sock, tcp_sock, xdp_sock';
    case 'PTR_TO_BTF_ID_SOCK_COMMON': return 'sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_';
    case 'PTR_TO_SOCKET': return 'sock';
    case 'PTR_TO_CONST_STR': case 'PTR_TO_TIMER': case 'PTR_TO_SPIN_LOCK': return 'map_value';
    case 'PTR_TO_LONG': case 'PTR_TO_INT': return 'fp, pkt, pkt_meta, map_key, map_value';
    case 'CONST_SIZE': case 'CONST_SIZE_OR_ZERO': case 'CONST_ALLOC_SIZE_OR_ZERO': return 'scalar';
    default: return MEM_TYPES;
  }
}

function typeOk(kind: string, r: Reg, flags: string[]): boolean {
  switch (kind) {
    case 'CONST_MAP_PTR': return r.type === 'map_ptr';
    case 'PTR_TO_CTX': return r.type === 'ctx';
    case 'PTR_TO_STACK': return r.type === 'fp';
    case 'PTR_TO_FUNC': return r.type === 'func';
    case 'PTR_TO_MAP_VALUE': case 'PTR_TO_MAP_KEY': case 'PTR_TO_UNINIT_MAP_VALUE': case 'PTR_TO_MEM': case 'PTR_TO_UNINIT_MEM':
    case 'PTR_TO_FIXED_SIZE_MEM':
      if (r.maybeNull) return false;
      if (r.rdonly && !flags.includes('MEM_RDONLY')) return false;
      return MEM_OK.has(r.type);
    case 'PTR_TO_LONG': case 'PTR_TO_INT': return !r.maybeNull && ['fp', 'pkt', 'pkt_meta', 'map_key', 'map_value'].includes(r.type);
    case 'PTR_TO_RINGBUF_MEM': return r.type === 'mem' && r.ringbuf && !r.maybeNull;
    case 'PTR_TO_SOCK_COMMON': case 'PTR_TO_BTF_ID_SOCK_COMMON':
      return !r.maybeNull && (r.type === 'sock' || r.type === 'sock_common' || r.type === 'tcp_sock');
    case 'PTR_TO_SOCKET': return r.type === 'sock' && !r.maybeNull;
    case 'PTR_TO_CONST_STR': case 'PTR_TO_TIMER': case 'PTR_TO_SPIN_LOCK': return r.type === 'map_value' && !r.maybeNull;
    case 'CONST_SIZE': case 'CONST_SIZE_OR_ZERO': case 'CONST_ALLOC_SIZE_OR_ZERO': return r.type === 'scalar';
    default: return true;
  }
}

/** check_helper_mem_access: `size` bytes at the pointer in `regno`; `write` for output buffers. */
export function helperMem(env: Env, regno: number, size: number, write: boolean, zeroOk: boolean): void {
  const r = curFrame(env.cur).regs[regno]!;
  switch (r.type) {
    case 'pkt': case 'pkt_meta': checkPacketAccess(regno, r, r.off, size, zeroOk); return;
    case 'map_key':
      if (write) reject(`R${regno} cannot write into ${typeName(r)}`);
      checkMemRegion(regno, r, r.off, size, env.maps[r.map]?.keySize ?? 0, false);
      return;
    case 'map_value': {
      const m = env.maps[r.map];
      if (write && m && (m.flags & 0x80)) reject(`write into map forbidden, value_size=${m.valueSize} off=${r.off} size=${size}`);
      checkMemRegion(regno, r, r.off, size, m?.valueSize ?? 0, zeroOk);
      return;
    }
    case 'mem':
      if (r.rdonly && write) reject(`R${regno} cannot write into ${typeName(r)}`);
      checkMemRegion(regno, r, r.off, size, r.memSize, zeroOk);
      return;
    case 'fp': {
      if (size === 0 && !zeroOk) reject('invalid zero-sized read');
      let lo: number, hi: number;
      if (isConst(r.var)) {
        lo = hi = r.off + Number(BigInt.asIntN(64, r.var.value));
        checkStackBounds(regno, lo, size, write);
      } else {
        if (r.smax >= 1n << 29n || r.smin <= -(1n << 29n)) {
          reject(`invalid unbounded variable-offset${write ? ' write to' : ' read from'} stack R${regno}`);
        }
        lo = r.off + Number(r.smin);
        hi = r.off + Number(r.smax);
        if (lo < -512 || hi + size > 0) {
          reject(`invalid variable-offset${write ? ' write to' : ' read from'} stack R${regno} var_off=${tstr(r.var)} off=${r.off} size=${size}`);
        }
      }
      const f = env.cur.frames[r.frame] ?? curFrame(env.cur);
      noteStackDepth(env, f.subprog, lo);
      if (write) stackMarkWritten(f, lo, hi - lo + size);
      return;
    }
    default:
      if (zeroOk && size === 0 && r.type === 'scalar' && isConst(r.var) && r.var.value === 0n) return;
      reject(`R${regno} type=${typeName(r)} expected=fp`);
  }
}

function checkSizeReg(env: Env, regno: number, memKind: string, zeroOk: boolean): void {
  const r = curFrame(env.cur).regs[regno]!;
  if (r.smin < 0n) reject(`R${regno} min value is negative, either use unsigned or 'var &= const'`);
  if (r.umin === 0n && !zeroOk) reject(`R${regno} invalid zero-sized read: u64=[${r.umin},${r.umax}]`);
  if (r.umax >= 1n << 29n) reject(`R${regno} unbounded memory access, use 'var &= const' or 'if (var < const)'`);
  const write = memKind.includes('UNINIT') || memKind.includes('MEM_WRITE');
  helperMem(env, regno - 1, Number(r.umax), write, zeroOk);
}

/** Whether a constant-key lookup in an array map can skip the NULL check (can_elide_value_nullness). */
function constArrayKey(env: Env, map: number, keyReg: Reg): boolean {
  const m = env.maps[map];
  if (!m || (m.type !== 'array' && m.type !== 'percpu_array')) return false;
  if (keyReg.type !== 'fp' || !isConst(keyReg.var)) return false;
  const off = keyReg.off + Number(BigInt.asIntN(64, keyReg.var.value));
  const f = env.cur.frames[keyReg.frame] ?? curFrame(env.cur);
  const spi = Math.floor((-off - 1) / 8);
  const slot = f.stack[spi];
  if (!slot) return false;
  // get_constant_map_key: zero bytes counted down from the key's first byte, or a scalar spill of exactly the key's size.
  let key: bigint | undefined;
  const first = (-off - 1) % 8;
  let zeros = 0;
  for (let i = first; i >= 0 && slot.types[i] === '0'; i--) zeros++;
  if (zeros >= m.keySize) key = 0n;
  else if (slot.spilled && slot.types[7] === 'r' && slot.spilled.type === 'scalar') {
    let spill = 0;
    for (let i = first; i >= 0 && slot.types[i] === 'r'; i--) spill++;
    if (spill === m.keySize && isConst(slot.spilled.var)) key = slot.spilled.var.value;
  }
  return key !== undefined && key < BigInt(m.maxEntries);
}

/**
 * Checks the helper call at `insnIdx` and sets the state after it; returns the state that enters a
 * callback when the helper calls one (bpf_loop, bpf_for_each_map_elem), for the driver to explore.
 */
export function checkHelperCall(env: Env, fid: number, insnIdx: number): PendingCallback | undefined {
  if (fid === 0) reject('program of this type cannot use helper bpf_unspec#0');
  const info = helperById(fid);
  if (fid < 0 || fid > MAX_HELPER_ID || !info) reject(`invalid func unknown#${fid}`);
  const fname = info.name;
  if (!HELPER_ALLOWED(env.prog.progType, fid)) reject(`program of this type cannot use helper ${fname}#${fid}`);
  const regs = curFrame(env.cur).regs;
  const kinds = info.kernelArgs ?? info.args.map((a) => a.toUpperCase());
  const meta: Meta = {};
  for (let i = 0; i < kinds.length; i++) {
    const regno = i + 1;
    const full = kinds[i]!.replace(/^ARG_/, '');
    const parts = full.split('|').map((p) => p.trim());
    const kind = parts[0]!;
    if (kind === 'DONTCARE') continue;
    const r = regs[regno]!;
    if (r.type === 'not_init') reject(`R${regno} !read_ok`);
    env.scratched |= 1 << regno;
    if (kind === 'ANYTHING' || kind === 'SCALAR') {
      if (isPointer(r) && !env.privileged) reject(`R${regno} leaks addr into helper function`);
      continue;
    }
    const mayNull = parts.includes('PTR_MAYBE_NULL') || kind.endsWith('_OR_NULL');
    const isNull = r.type === 'scalar' && isConst(r.var) && r.var.value === 0n;
    if (!(isNull && mayNull)) {
      const base = kind.replace(/_OR_NULL$/, '');
      if (!typeOk(base, r, parts)) reject(`R${regno} type=${typeName(r)} expected=${expectedText(base)}`);
      if (['CONST_MAP_PTR', 'PTR_TO_CTX', 'PTR_TO_SOCK_COMMON', 'PTR_TO_BTF_ID_SOCK_COMMON', 'PTR_TO_SOCKET', 'PTR_TO_FUNC'].includes(base)) {
        checkPtrOffReg(regno, r, false);
      }
    }
    if (parts.includes('OBJ_RELEASE')) {
      if (!r.refId) reject(`R${regno} must be referenced when passed to release function`);
      if (r.off) reject(`R${regno} must have zero offset when passed to release func or trusted arg to kfunc`);
      meta.refId = r.refId;
    }
    switch (kind) {
      case 'CONST_MAP_PTR':
        meta.map = r.map;
        break;
      case 'PTR_TO_MAP_KEY':
        if (meta.map === undefined) reject('invalid map_ptr to access map->key');
        helperMem(env, regno, env.maps[meta.map]?.keySize ?? 0, false, false);
        break;
      case 'PTR_TO_MAP_VALUE': case 'PTR_TO_UNINIT_MAP_VALUE':
        if (isNull && mayNull) break;
        if (meta.map === undefined) reject('invalid map_ptr to access map->value');
        helperMem(env, regno, env.maps[meta.map]?.valueSize ?? 0, parts.includes('MEM_UNINIT') || kind.includes('UNINIT'), false);
        break;
      case 'PTR_TO_FIXED_SIZE_MEM': case 'PTR_TO_LONG': case 'PTR_TO_INT': {
        const size = info.argSizes?.[i] ?? (kind === 'PTR_TO_INT' ? 4 : 8);
        helperMem(env, regno, size, parts.includes('MEM_UNINIT') || parts.includes('MEM_WRITE'), false);
        break;
      }
      case 'CONST_SIZE': case 'CONST_SIZE_OR_ZERO':
        demandPrecision(env);
        checkSizeReg(env, regno, kinds[i - 1] ?? '', kind === 'CONST_SIZE_OR_ZERO');
        break;
      case 'CONST_ALLOC_SIZE_OR_ZERO':
        if (!isConst(r.var)) reject(`R${regno} is not a known constant'`);
        meta.memSize = Number(r.var.value);
        demandPrecision(env);
        break;
      default:
        break;
    }
  }
  if (fid === 12 && curFrame(env.cur).subprog !== 0 && !env.prog.btfFuncs?.length) reject('tail_call is not allowed in subprogs without BTF');
  if (fid === 12) checkReferenceLeak(env, 'tail_call');
  if (fid === 12 && (meta.map === undefined || env.maps[meta.map]?.type !== 'prog_array')) reject('expected prog array map for tail call');
  // Callbacks: the state entering the callback is taken before R0-R5 are clobbered, and before the
  // map/helper compatibility check, which the kernel makes last.
  const pending = callbackCall(env, fid, insnIdx);
  if (meta.map !== undefined) checkMapCompat(env, meta.map, fid, fname);
  // Release before the return value is set, so a released record is gone from every register.
  if (meta.refId) {
    const id = meta.refId;
    if (!env.cur.refs.some((x) => x.id === id)) reject(`invalid ref_obj_id ${id}`);
    env.cur.refs = env.cur.refs.filter((x) => x.id !== id);
    forEachReg(env.cur, (r, set) => { if (r.refId === id) set(unknownScalar()); });
  }
  const keyReg = regs[2]!;
  for (let i = 0; i <= 5; i++) regs[i] = notInit();
  env.scratched |= 0x3f;
  const ret = (info.kernelRet ?? '').replace(/^RET_/, '');
  let r0: Reg;
  switch (ret) {
    case 'VOID': r0 = notInit(); break;
    case 'PTR_TO_MAP_VALUE_OR_NULL': case 'PTR_TO_MAP_VALUE': {
      const map = meta.map ?? -1;
      const elide = fid === 1 && constArrayKey(env, map, keyReg);
      if (elide) demandPrecision(env);
      r0 = pointer('map_value', { map, maybeNull: ret.endsWith('OR_NULL') && !elide });
      if (r0.maybeNull) r0.id = newId(env);
      break;
    }
    case 'PTR_TO_SOCKET_OR_NULL': r0 = pointer('sock', { maybeNull: true }); r0.id = newId(env); break;
    case 'PTR_TO_SOCK_COMMON_OR_NULL': r0 = pointer('sock_common', { maybeNull: true }); r0.id = newId(env); break;
    case 'PTR_TO_TCP_SOCK_OR_NULL': r0 = pointer('tcp_sock', { maybeNull: true }); r0.id = newId(env); break;
    case 'PTR_TO_RINGBUF_MEM_OR_NULL': case 'PTR_TO_ALLOC_MEM_OR_NULL':
      r0 = pointer('mem', { maybeNull: true, ringbuf: ret.startsWith('PTR_TO_RINGBUF'), memSize: meta.memSize ?? 0 });
      r0.id = newId(env);
      break;
    default: r0 = unknownScalar(); break;
  }
  if (ACQUIRE.has(fid)) {
    const id = newId(env);
    r0.id = id;
    r0.refId = id;
    env.cur.refs.push({ id, insn: insnIdx, kind: fname });
  }
  regs[0] = r0;
  if (CHANGES_PKT.has(fid)) {
    forEachReg(env.cur, (r, set) => { if (r.type === 'pkt' || r.type === 'pkt_meta' || r.type === 'pkt_end') set(unknownScalar()); });
  }
  return pending;
}
