/**
 * Context layouts: the structure r1 points to when a program starts, per program type, and one rule that
 * says whether a load or store of the context is accepted (the verifier's is_valid_access, as data).
 *
 * Facts come from include/uapi/linux/bpf.h of Linux 6.18 (offsets and sizes, computed by compiling the
 * header) and the per-type is_valid_access() functions of the kernel; each file under ./ctx says which.
 * test/data/data.test.ts spot-checks offsets and test/data/kernel.test.ts, as root, compares
 * ctxAccess() with the running kernel's verdict for every field, width and direction. Types whose
 * context is typed by BTF (tracing, lsm, struct_ops, ext) or by the tracepoint format (tracepoint) have
 * no fixed layout here.
 */
import type { CtxField, CtxLayout } from './types';
import { SK_BUFF, skBuffView, SK_BUFF_PROG_TYPES } from './ctx/skBuff';
import { BPF_SOCK_LAYOUT, SK_LOOKUP_LAYOUT, SK_MSG_LAYOUT, SK_REUSEPORT_LAYOUT, SOCK_ADDR_LAYOUT, SOCK_OPS_LAYOUT } from './ctx/sockets';
import {
  CGROUP_DEV_LAYOUT, FLOW_KEYS_LAYOUT, PERF_EVENT_DATA_LAYOUT, PT_REGS_LAYOUT, RAW_TP_ARGS_LAYOUT, SOCKOPT_LAYOUT,
  SYSCTL_LAYOUT, XDP_MD_LAYOUT,
} from './ctx/misc';

/** Every context structure, as declared (for __sk_buff: with the rules all its program types share). */
export const CTX_LAYOUTS: CtxLayout[] = [
  SK_BUFF, XDP_MD_LAYOUT, SOCK_OPS_LAYOUT, BPF_SOCK_LAYOUT, SK_MSG_LAYOUT, SOCK_ADDR_LAYOUT, PERF_EVENT_DATA_LAYOUT,
  PT_REGS_LAYOUT, SK_LOOKUP_LAYOUT, SK_REUSEPORT_LAYOUT, RAW_TP_ARGS_LAYOUT, SYSCTL_LAYOUT, SOCKOPT_LAYOUT,
  CGROUP_DEV_LAYOUT, FLOW_KEYS_LAYOUT,
];

/** Program types whose context is one fixed layout (the __sk_buff types get per-type views instead). */
const BY_PROG_TYPE: { [progType: string]: CtxLayout } = {
  xdp: XDP_MD_LAYOUT,
  kprobe: PT_REGS_LAYOUT,
  perf_event: PERF_EVENT_DATA_LAYOUT,
  raw_tracepoint: { ...RAW_TP_ARGS_LAYOUT, progType: 'raw_tracepoint' },
  raw_tracepoint_writable: { ...RAW_TP_ARGS_LAYOUT, progType: 'raw_tracepoint_writable' },
  sock_ops: SOCK_OPS_LAYOUT,
  cgroup_sock: BPF_SOCK_LAYOUT,
  sk_msg: SK_MSG_LAYOUT,
  cgroup_sock_addr: SOCK_ADDR_LAYOUT,
  sk_lookup: SK_LOOKUP_LAYOUT,
  sk_reuseport: SK_REUSEPORT_LAYOUT,
  cgroup_sysctl: SYSCTL_LAYOUT,
  cgroup_sockopt: SOCKOPT_LAYOUT,
  cgroup_device: CGROUP_DEV_LAYOUT,
};

const viewCache = new Map<string, CtxLayout>();

/** The context of a program type with that type's access rules, or undefined when it has no fixed layout. */
export function ctxLayoutFor(progType: string): CtxLayout | undefined {
  const key = progType.trim().toLowerCase().replace(/^bpf_prog_type_/, '');
  const fixed = BY_PROG_TYPE[key];
  if (fixed) return fixed;
  if (!SK_BUFF_PROG_TYPES.includes(key)) return undefined;
  let view = viewCache.get(key);
  if (!view) {
    view = skBuffView(key);
    if (view) viewCache.set(key, view);
  }
  return view;
}

export function ctxLayoutByName(name: string): CtxLayout | undefined {
  return CTX_LAYOUTS.find((l) => l.name === name);
}

/** The field an offset falls in: the first one starting there, else the one covering it. */
export function ctxFieldAt(layout: CtxLayout, offset: number): CtxField | undefined {
  return layout.fields.find((f) => f.offset === offset) ?? layout.fields.find((f) => offset > f.offset && offset < f.offset + f.size);
}

export type CtxAccessResult =
  | { ok: true; field: CtxField; kind: NonNullable<CtxField['kind']> }
  | { ok: false; field?: CtxField; reason: string };

/**
 * Whether the verifier accepts a `size`-byte load (or store) at `offset` of the context of `progType`.
 * `attachType` (lower case, no BPF_) matters for fields that only some hooks expose; when it is not given,
 * such fields are refused, as the kernel does for a program loaded without that expected attach type.
 * The reason strings are ours; the kernel says "invalid bpf_context access off=N size=M" for all of them.
 */
export function ctxAccess(progType: string, offset: number, size: number, write: boolean, attachType?: string): CtxAccessResult {
  const layout = ctxLayoutFor(progType);
  if (!layout) return { ok: false, reason: `no fixed context layout for program type ${progType}` };
  if (offset < 0 || offset >= layout.size) return { ok: false, reason: `offset ${offset} is outside ${layout.name} (${layout.size} bytes)` };
  if (![1, 2, 4, 8].includes(size) || offset % size !== 0) return { ok: false, reason: `misaligned ${size}-byte access at offset ${offset}` };
  // Unions put several fields at one offset (bpf_sock_ops.args[0] / reply): any of them may allow it.
  let candidates = layout.fields.filter((f) => f.offset === offset);
  if (candidates.length === 0) candidates = layout.fields.filter((f) => offset > f.offset && offset < f.offset + f.size);
  if (candidates.length === 0) return { ok: false, reason: `offset ${offset} is padding in ${layout.name}` };
  let first: CtxAccessResult | undefined;
  for (const field of candidates) {
    const result = checkField(layout, field, progType, offset, size, write, attachType);
    if (result.ok) return result;
    first ??= result;
  }
  return first!;
}

function checkField(
  layout: CtxLayout, field: CtxField, progType: string, offset: number, size: number, write: boolean, attachType?: string,
): CtxAccessResult {
  const at = attachType?.toLowerCase().replace(/^bpf_/, '');
  if (field.attachTypes && (at === undefined || !field.attachTypes.includes(at))) {
    return { ok: false, field, reason: `${layout.name}.${field.name} is only available to ${field.attachTypes.join(', ')}` };
  }
  if (write) {
    if (field.writable !== true) return { ok: false, field, reason: `${layout.name}.${field.name} is read-only for ${progType}` };
    if (field.writableAttachTypes && (at === undefined || !field.writableAttachTypes.includes(at))) {
      return { ok: false, field, reason: `${layout.name}.${field.name} is writable only for ${field.writableAttachTypes.join(', ')}` };
    }
  } else if (field.readable === false) {
    return { ok: false, field, reason: `${layout.name}.${field.name} is not accessible to ${progType}` };
  }
  const sizes = allowedSizes(field, write);
  if (field.narrowStartOnly && offset !== field.offset) {
    return { ok: false, field, reason: `${layout.name}.${field.name} may be read narrowly only from its first byte` };
  }
  if (!sizes.includes(size)) return { ok: false, field, reason: `${layout.name}.${field.name} allows ${sizes.join('/')}-byte accesses, not ${size}` };
  // An explicit size wider than the field (bpf_sock.dst_port read as 4 bytes) reads the padding after it.
  const end = /\[\d+\]$/.test(field.name) ? groupEnd(layout, field) : field.offset + Math.max(field.size, ...sizes);
  if (offset + size > end) return { ok: false, field, reason: `access runs past ${layout.name}.${field.name}` };
  const kind = field.kind ?? 'scalar';
  return { ok: true, field, kind: size === field.size || kind === 'scalar' ? kind : 'scalar' };
}

function allowedSizes(field: CtxField, write: boolean): number[] {
  if (write && field.writeSizes) return field.writeSizes;
  if (field.sizes) return field.sizes;
  if (field.narrow && !write) return [1, 2, 4, 8].filter((s) => s <= field.size);
  return [field.size];
}

/** End of the field, or of the whole array when the field is an element (cb[1] -> end of cb[4]). */
function groupEnd(layout: CtxLayout, field: CtxField): number {
  const m = /^(.*)\[\d+\]$/.exec(field.name);
  if (!m) return field.offset + field.size;
  let end = field.offset + field.size;
  for (const f of layout.fields) {
    if (f.name.startsWith(m[1] + '[') && f.offset >= field.offset) end = Math.max(end, f.offset + f.size);
  }
  return end;
}
