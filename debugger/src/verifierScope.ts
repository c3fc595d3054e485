/**
 * The "Verifier state" scope: what the embedded verifier proved about each register and stack slot
 * at the current instruction (the joined state of every path that reached it, in the kernel's
 * notation), next to the concrete value of this run, and whether the concrete value lies inside the
 * abstract one. A value outside means the run took a path the verifier did not consider, or the
 * user edited the state into something the verifier would not allow.
 */
import { verifyProgram, type VerifyResult } from '../../core/src/verifier';
import type { Machine } from '../../core/src/vm/machine';
import { REGION_TAG, MAP_TAG, OFFSET_BIAS } from '../../core/src/vm/memory';
import type { EbpfRuntime } from './runtime';
import type { VarNode } from './inspect';

const cache = new WeakMap<object, VerifyResult>();

function resultFor(rt: EbpfRuntime): VerifyResult {
  let r = cache.get(rt.target);
  if (r === undefined) {
    r = verifyProgram(rt.target.program, rt.target.module.maps, { collectStates: true });
    cache.set(rt.target, r);
  }
  return r;
}

/** Key=value pairs inside `kind(...)`, with `a=b=5` meaning a=5 and b=5. */
function params(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const inner = /\((.*)\)$/.exec(text)?.[1] ?? '';
  // var_off=(0x0; 0xff) holds a comma-free pair; split on commas outside parentheses.
  let depth = 0, cur = '';
  const parts: string[] = [];
  for (const ch of inner) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { parts.push(cur); cur = ''; } else cur += ch;
  }
  if (cur) parts.push(cur);
  for (const p of parts) {
    const names = p.split('=');
    const value = names.pop()!;
    for (const n of names) out.set(n.trim(), value.trim());
  }
  return out;
}

/**
 * Whether the concrete 64-bit value lies inside the abstract value `text` (kernel notation), or
 * undefined when the notation is one this check does not read.
 */
export function contains(m: Machine, text: string, v: bigint): boolean | undefined {
  const hi = Number(BigInt.asIntN(32, v >> 32n)), lo = Number(BigInt.asIntN(32, v));
  const region = hi >= REGION_TAG ? m.mem.regionOf(hi) : undefined;
  const offset = region !== undefined ? (lo ^ OFFSET_BIAS) - region.base : 0;
  if (/^-?\d+$/.test(text)) return region === undefined && BigInt.asIntN(64, v) === BigInt.asIntN(64, BigInt(text));
  const fp = /^fp(-?\d+)$/.exec(text);
  if (fp) return region?.kind === 'stack' && offset === Number(fp[1]);
  const kind = /^([a-z_]+)/.exec(text)?.[1];
  const p = params(text);
  switch (kind) {
    case 'scalar': {
      if (region !== undefined || hi === MAP_TAG) return false;
      const u = BigInt.asUintN(64, v), s = BigInt.asIntN(64, v);
      const u32 = u & 0xffffffffn, s32 = BigInt.asIntN(32, u32);
      const num = (k: string): bigint | undefined => (p.has(k) ? BigInt(p.get(k)!) : undefined);
      const checks: [string, bigint, 'min' | 'max'][] = [
        ['umin', u, 'min'], ['umax', u, 'max'], ['smin', s, 'min'], ['smax', s, 'max'],
        ['umin32', u32, 'min'], ['umax32', u32, 'max'], ['smin32', s32, 'min'], ['smax32', s32, 'max'],
      ];
      for (const [k, x, dir] of checks) {
        const b = num(k);
        if (b !== undefined && (dir === 'min' ? x < b : x > b)) return false;
      }
      const vo = /^\((0x[0-9a-f]+);\s*(0x[0-9a-f]+)\)$/.exec(p.get('var_off') ?? '');
      if (vo) {
        const value = BigInt(vo[1]!), mask = BigInt(vo[2]!);
        if ((u & ~mask & 0xffffffffffffffffn) !== value) return false;
      }
      return true;
    }
    case 'ctx': return region?.kind === 'ctx' && offset === Number(p.get('off') ?? 0);
    case 'pkt': return region?.kind === 'packet' && offset === Number(p.get('off') ?? 0);
    case 'pkt_end': return region?.kind === 'packet' && m.packet !== undefined && (lo ^ OFFSET_BIAS) === m.packet.end;
    case 'pkt_meta': return region?.kind === 'packet' && m.packet !== undefined && (lo ^ OFFSET_BIAS) === m.packet.meta;
    case 'map_value': case 'map_value_or_null':
      if (kind === 'map_value_or_null' && v === 0n) return true;
      return region?.kind === 'mapValue' && (p.get('map') === undefined || region.name.startsWith(p.get('map')!));
    case 'map_ptr': return hi === MAP_TAG && (p.get('map') === undefined || m.maps[lo]?.name === p.get('map'));
    default: return undefined;
  }
}

function verdict(ok: boolean | undefined): string {
  return ok === undefined ? '' : ok ? '  ✓ inside' : '  ✗ OUTSIDE';
}

export function verifierNodes(rt: EbpfRuntime): VarNode[] {
  let r: VerifyResult;
  try {
    r = resultFor(rt);
  } catch (e) {
    return [{ name: 'error', value: `the verifier failed: ${e instanceof Error ? e.message : String(e)}` }];
  }
  const m = rt.m;
  const out: VarNode[] = [{ name: 'verdict', value: r.accepted ? `accepted (${r.insnsProcessed} insns processed)` : `rejected: ${r.error?.message ?? ''} at insn ${r.error?.insn ?? '?'}` }];
  if (m.progIndex !== rt.target.programIndex) return [...out, { name: 'state', value: 'a tail call moved to another program' }];
  const st = r.states?.[m.pc]?.before;
  if (st === undefined) return [...out, { name: 'state', value: 'the verifier never reached this instruction' }];
  out.push({ name: 'state', value: st.text });
  for (const [regText, abs] of Object.entries(st.regs)) {
    const n = Number(regText);
    const v = rt.reg(n);
    out.push({ name: `r${n}`, value: `${abs}${verdict(contains(m, abs, v))}` });
  }
  const frame = m.frames[m.frames.length - 1]!.stack;
  for (const [offText, abs] of Object.entries(st.stack)) {
    const off = Number(offText);
    const at = frame.base + off;
    if (at < frame.start || at + 8 > frame.end) continue;
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(frame.bytes[at + i]!);
    // Stack slots print as scalars or spilled registers; slot-type strings (mmmm, 0000????) are not values.
    const ok = /^[a-z_]+\(|^-?\d+$|^fp/.test(abs) ? contains(m, abs, v) : undefined;
    out.push({ name: `fp${off}`, value: `${abs}${verdict(ok)}` });
  }
  return out;
}
