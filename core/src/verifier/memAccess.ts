/**
 * Memory access checks (the kernel's check_mem_access and the region checks under it): loads and
 * stores through stack, context, map value and key, packet, mem (ring buffer records, helper memory)
 * and socket pointers, with the kernel's messages for every refusal. A load returns the register state
 * the destination receives.
 */
import type { Env } from './env';
import type { MapDef } from '../program/model';
import { newId, noteStackDepth, demandPrecision } from './env';
import { Reg, typeName, unknownScalar, constScalar, pointer, isPointer, isPktPointer } from './regState';
import { reject } from './errors';
import { curFrame, type Frame } from './state';
import { stackWrite, stackRead, checkStackBounds, regWidth } from './stack';
import { assignIdBeforeMov } from './alu';
import { ctxAccess } from './ctxAccess';
import { coerceToSize, signExtend } from './scalar';
import { isConst, isAligned, tstr } from './tnum';

export const MAX_VAR_OFF = 1 << 29;

/** __check_mem_access: the fixed-range check with the per-type message. */
function checkRange(regno: number, reg: Reg, off: number, size: number, memSize: number, zeroOk: boolean): string | undefined {
  const sizeOk = size > 0 || (size === 0 && zeroOk);
  if (off >= 0 && sizeOk && off + size <= memSize) return undefined;
  switch (reg.type) {
    case 'map_key': return `invalid access to map key, key_size=${memSize} off=${off} size=${size}`;
    case 'map_value': return `invalid access to map value, value_size=${memSize} off=${off} size=${size}`;
    case 'pkt': case 'pkt_meta': case 'pkt_end':
      return `invalid access to packet, off=${off} size=${size}, R${regno}(id=${reg.id},off=${off},r=${memSize})`;
    default: return `invalid access to memory, mem_size=${memSize} off=${off} size=${size}`;
  }
}

/** check_mem_region_access: fixed offset plus the register's variable range must stay inside. */
export function checkMemRegion(regno: number, reg: Reg, off: number, size: number, memSize: number, zeroOk: boolean): void {
  const smin = reg.smin;
  if (smin < 0n && (smin === -(1n << 63n) || BigInt(off) + smin !== BigInt.asIntN(32, BigInt(off) + smin) || smin + BigInt(off) < 0n)) {
    reject(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
  }
  let e = checkRange(regno, reg, Number(smin) + off, size, memSize, zeroOk);
  if (e) reject([e, `R${regno} min value is outside of the allowed memory range`]);
  if (reg.umax >= BigInt(MAX_VAR_OFF)) reject(`R${regno} unbounded memory access, make sure to bounds check any such access`);
  e = checkRange(regno, reg, Number(reg.umax) + off, size, memSize, zeroOk);
  if (e) reject([e, `R${regno} max value is outside of the allowed memory range`]);
}

export function checkPacketAccess(regno: number, reg: Reg, off: number, size: number, zeroOk: boolean): void {
  if (reg.smin < 0n) reject(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
  const e = checkRange(regno, reg, off, size, reg.range, zeroOk);
  if (e) reject([e, `R${regno} offset is outside of the packet`]);
}

/** __check_ptr_off_reg: pointers that must be used unmodified (ctx, sockets, helper arguments). */
export function checkPtrOffReg(regno: number, reg: Reg, fixedOffOk: boolean): void {
  if (reg.off < 0) reject(`negative offset ${typeName(reg)} ptr R${regno} off=${reg.off} disallowed`);
  if (!fixedOffOk && reg.off) reject(`dereference of modified ${typeName(reg)} ptr R${regno} off=${reg.off} disallowed`);
  if (!isConst(reg.var) || reg.var.value) reject(`variable ${typeName(reg)} access var_off=${tstr(reg.var)} disallowed`);
}

/** check_ptr_alignment: the stack is always strict; everything else only for atomics (strict once). */
function checkAlignment(reg: Reg, off: number, size: number, strictOnce: boolean): void {
  let desc = '';
  let strict = strictOnce;
  let ipAlign = 0;
  switch (reg.type) {
    case 'pkt': case 'pkt_meta':
      if (!strict) return;
      ipAlign = 2;
      desc = 'packet ';
      break;
    case 'fp': desc = 'stack '; strict = true; break;
    case 'map_value': desc = 'value '; break;
    case 'map_key': desc = 'key '; break;
    case 'ctx': desc = 'context '; break;
    case 'sock': case 'sock_common': case 'tcp_sock': desc = 'sock '; break;
    default: break;
  }
  if (!strict || size === 1) return;
  const total = BigInt(ipAlign + reg.off + off);
  const v = { value: BigInt.asUintN(64, reg.var.value + total), mask: reg.var.mask };
  if (!isAligned(v, size)) {
    if (ipAlign) reject(`misaligned packet access off ${ipAlign}+${tstr(reg.var)}+${off}+${reg.off} size ${size}`);
    reject(`misaligned ${desc}access off ${isConst(reg.var) ? BigInt.asIntN(64, reg.var.value).toString() : tstr(reg.var)}+${reg.off}+${off} size ${size}`);
  }
}

function stackFrame(env: Env, reg: Reg): Frame {
  return env.cur.frames[reg.frame] ?? curFrame(env.cur);
}

export interface Access {
  regno: number;
  off: number;
  size: number;
  write: boolean;
  /** Register stored (writes) — undefined for a store of an immediate. */
  value?: Reg;
  valueRegno?: number;
  imm?: number;
  signed?: boolean;
  /** Atomics and other strictly aligned accesses. */
  strict?: boolean;
}

/**
 * check_mem_access: checks one load or store and returns the loaded register state for reads.
 */
export function checkMemAccess(env: Env, a: Access): Reg | undefined {
  const reg = curFrame(env.cur).regs[a.regno]!;
  const { regno, size, write } = a;
  checkAlignment(reg, a.off, size, a.strict ?? false);
  const off = a.off + reg.off;
  let out: Reg | undefined;
  switch (reg.type) {
    case 'map_key': {
      if (write) reject(`write to change key R${regno} not allowed`);
      checkMemRegion(regno, reg, off, size, env.maps[reg.map]?.keySize ?? 0, false);
      out = unknownScalar();
      break;
    }
    case 'map_value': {
      if (reg.maybeNull) reject(`R${regno} invalid mem access '${typeName(reg)}'`);
      const map = env.maps[reg.map];
      const vs = map?.valueSize ?? 0;
      if (write && map && (map.flags & 0x80) !== 0) reject(`write into map forbidden, value_size=${vs} off=${off} size=${size}`);
      if (!write && map && (map.flags & 0x100) !== 0) reject(`read from map forbidden, value_size=${vs} off=${off} size=${size}`);
      checkMemRegion(regno, reg, off, size, vs, false);
      if (!write) out = frozenRead(map, reg, off, size) ?? unknownScalar();
      break;
    }
    case 'mem': {
      if (reg.maybeNull) reject(`R${regno} invalid mem access '${typeName(reg)}'`);
      if (write && reg.rdonly) reject(`R${regno} cannot write into ${typeName(reg)}`);
      checkMemRegion(regno, reg, off, size, reg.memSize, false);
      if (!write) out = unknownScalar();
      break;
    }
    case 'ctx': {
      checkPtrOffReg(regno, reg, false);
      const ans = ctxAccess(env.prog.progType, off, size, write);
      if (!ans.ok) reject(`invalid bpf_context access off=${off} size=${size}`);
      if (!write) {
        if (!ans.type || ans.type === 'scalar') out = unknownScalar();
        else {
          out = pointer(ans.type, { maybeNull: ans.maybeNull ?? false });
          if (ans.maybeNull) out.id = newId(env);
        }
      }
      break;
    }
    case 'fp': {
      if (!isConst(reg.var)) {
        // Variable-offset stack access: bounds of the whole range, reads give unknown scalars.
        if (reg.smax >= BigInt(MAX_VAR_OFF) || reg.smin <= -BigInt(MAX_VAR_OFF)) {
          reject(`invalid unbounded variable-offset${write ? ' write to' : ' read from'} stack R${regno}`);
        }
        const lo = Number(reg.smin) + off;
        const hi = Number(reg.smax) + off;
        if (reg.smin < -512n || lo < -512 || hi + size > 0) {
          reject(`invalid variable-offset${write ? ' write to' : ' read from'} stack R${regno} var_off=${tstr(reg.var)} off=${off} size=${size}`);
        }
        noteStackDepth(env, stackFrame(env, reg).subprog, lo);
        if (!write) out = unknownScalar();
        else {
          const f = stackFrame(env, reg);
          for (let o = lo; o < hi + size; o++) stackWrite(f, o, 1, undefined, 1, env.privileged);
        }
        break;
      }
      const total = off + Number(BigInt.asIntN(64, reg.var.value));
      checkStackBounds(regno, total, size, write);
      const f = stackFrame(env, reg);
      noteStackDepth(env, f.subprog, total);
      if (write) {
        if (a.value && a.value.type === 'scalar' && total % 8 !== 0) demandPrecision(env);
        // A callee's (or callback's) stack pointer stored in a caller's frame would outlive the callee.
        if (a.value?.type === 'fp' && size === 8 && f !== curFrame(env.cur)) reject('cannot spill pointers to stack into stack frame of the caller');
        let value = a.value;
        // A scalar spilled to an aligned slot whole gets an id first, as a move does, so that the
        // register and the slot's copy learn bounds together (check_stack_write_fixed_off).
        if (value?.type === 'scalar' && total % 8 === 0 && env.privileged && a.valueRegno !== undefined && regWidth(value) <= size * 8) {
          value = assignIdBeforeMov(env, a.valueRegno, value);
        }
        stackWrite(f, total, size, value, a.imm ?? 0, env.privileged);
        env.scratchedStack.add(Math.floor((-total - 1) / 8));
      } else {
        out = stackRead(f, total, size);
        // The kernel's log shows the slot a read came from too.
        env.scratchedStack.add(Math.floor((-total - 1) / 8));
      }
      break;
    }
    case 'pkt': case 'pkt_meta': {
      if (write && !pktWritable(env.prog.progType)) reject('cannot write into packet');
      checkPacketAccess(regno, reg, off, size, false);
      if (!write) out = unknownScalar();
      break;
    }
    case 'sock': case 'sock_common': case 'tcp_sock': {
      if (reg.maybeNull) reject(`R${regno} invalid mem access '${typeName(reg)}'`);
      if (write) reject(`R${regno} cannot write into ${typeName(reg)}`);
      if (off < 0 || off % size !== 0 || off + size > 80) reject(`R${regno} invalid ${typeName(reg)} access off=${off} size=${size}`);
      out = unknownScalar();
      break;
    }
    case 'map_ptr': {
      // check_ptr_to_map_access: privileged programs may read struct bpf_map fields (through BTF).
      if (write) reject(`only read from ${mapStructName(env.maps[reg.map]?.type ?? '')} is supported`);
      if (!env.privileged) reject(`R${regno} invalid mem access '${typeName(reg)}'`);
      if (off < 0) reject(`R${regno} is ptr_bpf_map invalid negative access: off=${off}`);
      out = unknownScalar();
      break;
    }
    default:
      reject(`R${regno} invalid mem access '${typeName(reg)}'`);
  }
  if (out && !write && size < 8 && out.type === 'scalar') {
    if (a.signed) signExtend(out, size);
    else coerceToSize(out, size);
  }
  return out;
}

/**
 * A read at a constant offset from a frozen read-only map (see MapDef.frozen) of 1, 2, 4 or 8 bytes
 * is the value stored there, as bpf_map_direct_read gives it; the caller sign-extends or truncates it
 * like any loaded scalar. Other reads are unknown (undefined here).
 */
function frozenRead(map: MapDef | undefined, reg: Reg, off: number, size: number): Reg | undefined {
  if (!map?.frozen || (map.flags & 0x80) === 0 || map.maxEntries !== 1 || !isConst(reg.var)) return undefined;
  if (size !== 1 && size !== 2 && size !== 4 && size !== 8) return undefined;
  const at = off + Number(BigInt.asIntN(64, reg.var.value));
  if (at < 0 || at + size > map.frozen.length) return undefined;
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(map.frozen[at + i]!);
  return constScalar(v);
}

/** The kernel struct behind a map pointer, as its BTF names it in check_ptr_to_map_access. */
function mapStructName(type: string): string {
  if (/^(array|percpu_array|prog_array|perf_event_array|cgroup_array|array_of_maps)$/.test(type)) return 'bpf_array';
  if (/^(hash|percpu_hash|lru_hash|lru_percpu_hash|hash_of_maps)$/.test(type)) return 'bpf_htab';
  if (type === 'ringbuf') return 'bpf_ringbuf_map';
  return 'bpf_map';
}

function pktWritable(progType: string): boolean {
  switch (progType) {
    case 'sched_cls': case 'sched_act': case 'xdp': case 'lwt_xmit': case 'sk_skb': case 'sk_msg':
      return true;
    default:
      return false;
  }
}

export { isPointer, isPktPointer };
