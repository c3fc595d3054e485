/**
 * Program contexts with BPF_PROG_TEST_RUN's meaning, so a run here answers like the kernel's test run
 * of the same program on the same bytes: socket filters see the packet from the network header
 * (skb->len without the 14-byte Ethernet header), tc programs from the Ethernet header, XDP programs
 * get 256 bytes of headroom and room to grow the tail, and the raw-memory mode of ubpf and
 * bpf_conformance passes r1 = buffer, r2 = length. Context fields that the kernel rewrites into
 * pointers (data, data_end, data_meta) read as pointers into the packet region.
 */
import type { Machine, PacketInfo } from './machine';
import { Memory, REGION_TAG, type Region } from './memory';
import { W } from './alu64';

export const XDP_HEADROOM = 256;
/** Bytes the kernel's XDP test run keeps after the data for skb_shared_info. */
const XDP_TAILROOM = 320;
const XDP_FRAME = 4096;
const ETH_HLEN = 14;

/** __sk_buff field offsets (include/uapi/linux/bpf.h). */
export const SKB_FIELDS: Record<string, number> = {
  len: 0, pkt_type: 4, mark: 8, queue_mapping: 12, protocol: 16, vlan_present: 20, vlan_tci: 24,
  vlan_proto: 28, priority: 32, ingress_ifindex: 36, ifindex: 40, tc_index: 44, cb0: 48, cb1: 52, cb2: 56,
  cb3: 60, cb4: 64, hash: 68, tc_classid: 72, data: 76, data_end: 80, napi_id: 84, family: 88,
  remote_ip4: 92, local_ip4: 96, remote_port: 132, local_port: 136, data_meta: 140, wire_len: 160,
  gso_segs: 164, gso_size: 176,
};
const SKB_SIZE = 192;

/** xdp_md field offsets. */
export const XDP_FIELDS: Record<string, number> = {
  data: 0, data_end: 4, data_meta: 8, ingress_ifindex: 12, rx_queue_index: 16, egress_ifindex: 20,
};
const XDP_MD_SIZE = 24;

export type CtxInput = Record<string, number | number[] | string>;

export interface ContextSetup {
  /** The bytes BPF_PROG_TEST_RUN would return as data_out, read after the run. */
  dataOut(): Uint8Array;
  /**
   * Puts the packet, the context and r1/r2 back as they were before the run (a `repeat`). When
   * `written` is false nothing can have changed the bytes, and only the bounds and registers are reset.
   */
  reset(written: boolean): void;
}

function ptrField(p: PacketInfo, which: 'data' | 'end' | 'meta'): () => number {
  return () => { W.hi = REGION_TAG + p.region.id; return Memory.ptrLo(p[which]); };
}

/** What each pointer field of PacketInfo is as a `Region.ptrKinds` number. */
const KIND = { data: 1, end: 2, meta: 3 } as const;

/** Sets both forms of a context's pointer fields: getters for the checked path, kinds for compiled code. */
function setPtrFields(ctx: Region, p: PacketInfo, fields: [number, 'data' | 'end' | 'meta'][]): void {
  ctx.ptrFields = fieldTable(fields.map(([o, which]) => [o, ptrField(p, which)]));
  // As long as the context, so that every in-window offset reads as a number (0 when not a field).
  const kinds = new Int8Array(ctx.end);
  for (const [o, which] of fields) kinds[o] = KIND[which];
  ctx.ptrKinds = kinds;
}

/** The pointer fields as an array indexed by offset, undefined elsewhere. */
function fieldTable(fields: [number, () => number][]): ((() => number) | undefined)[] {
  const out: ((() => number) | undefined)[] = [];
  const last = Math.max(...fields.map(([o]) => o));
  for (let o = 0; o <= last; o++) out.push(undefined);
  for (const [o, f] of fields) out[o] = f;
  return out;
}

function applyFields(ctx: Region, fields: Record<string, number>, input: CtxInput | undefined): string | undefined {
  if (input === undefined) return undefined;
  for (const [name, value] of Object.entries(input)) {
    if (name === 'cb' && Array.isArray(value)) {
      value.slice(0, 5).forEach((v, i) => ctx.dv.setUint32(48 + i * 4, v >>> 0, true));
      continue;
    }
    const off = fields[name];
    if (off === undefined || typeof value !== 'number') return `unknown or invalid context field '${name}'`;
    if (name === 'data' || name === 'data_end' || name === 'data_meta') return `context field '${name}' cannot be set`;
    ctx.dv.setUint32(off, value >>> 0, true);
  }
  return undefined;
}

/** Keeps the packet region's valid window in step with the packet bounds (after xdp_adjust_*). */
export function syncPacketWindow(p: PacketInfo): void {
  Memory.setWindow(p.region, p.meta, p.end);
  p.region.base = p.data;
}

/**
 * Prepares r1 (and r2 in raw mode) and the packet for a program type. Returns an error message for
 * input the kernel's test run refuses (a packet shorter than the Ethernet header, say).
 */
export function setupContext(m: Machine, progType: string, data: Uint8Array | undefined, ctxIn: CtxInput | undefined): ContextSetup | string {
  m.progType = progType;
  const mem = m.mem;
  const bytes = data ?? new Uint8Array(0);
  if (progType === 'socket_filter' || progType === 'sched_cls' || progType === 'sched_act') {
    if (bytes.length < ETH_HLEN) return `the packet must hold at least the ${ETH_HLEN}-byte Ethernet header (got ${bytes.length} bytes)`;
    const l2 = progType !== 'socket_filter';
    const buf = new Uint8Array(bytes);
    const region = mem.add('packet', 'pkt', 'packet', buf, true);
    const dataOff = l2 ? 0 : ETH_HLEN;
    const p: PacketInfo = { region, meta: dataOff, data: dataOff, end: buf.length, netOff: l2 ? ETH_HLEN : 0, macOff: l2 ? 0 : -ETH_HLEN };
    syncPacketWindow(p);
    m.packet = p;
    const ctx = mem.add('ctx', 'ctx', '__sk_buff', new Uint8Array(SKB_SIZE), true);
    setPtrFields(ctx, p, [[76, 'data'], [80, 'end'], [140, 'meta']]);
    const dv = ctx.dv;
    dv.setUint32(0, buf.length - dataOff, true);
    dv.setUint32(4, pktType(buf), true);
    dv.setUint32(16, buf[12]! | (buf[13]! << 8), true);
    dv.setUint32(40, 1, true);
    dv.setUint32(36, 0, true);
    const err = applyFields(ctx, SKB_FIELDS, ctxIn);
    if (err) return err;
    m.ctxRegion = ctx;
    const c = Memory.ptr(ctx, 0);
    m.L[1] = c[0]; m.H[1] = c[1];
    const ctxInit = ctx.bytes.slice();
    return {
      dataOut: () => {
        const out = p.region.bytes.slice(0, p.end);
        if (!l2) out.fill(0, 0, ETH_HLEN);
        return out;
      },
      reset: (written) => {
        if (written) { buf.set(bytes); ctx.bytes.set(ctxInit); }
        p.meta = p.data = dataOff; p.end = buf.length;
        syncPacketWindow(p);
        m.L[1] = c[0]; m.H[1] = c[1];
      },
    };
  }
  if (progType === 'xdp') {
    if (bytes.length < ETH_HLEN) return `the packet must hold at least the ${ETH_HLEN}-byte Ethernet header (got ${bytes.length} bytes)`;
    if (bytes.length > XDP_FRAME - XDP_HEADROOM - XDP_TAILROOM) return `the packet is larger than the ${XDP_FRAME - XDP_HEADROOM - XDP_TAILROOM} bytes an XDP test run takes`;
    const buf = new Uint8Array(XDP_FRAME - XDP_TAILROOM);
    buf.set(bytes, XDP_HEADROOM);
    const region = mem.add('packet', 'pkt', 'packet', buf, true);
    const p: PacketInfo = { region, meta: XDP_HEADROOM, data: XDP_HEADROOM, end: XDP_HEADROOM + bytes.length, netOff: ETH_HLEN, macOff: 0 };
    syncPacketWindow(p);
    m.packet = p;
    const ctx = mem.add('ctx', 'ctx', 'xdp_md', new Uint8Array(XDP_MD_SIZE), false);
    // The test run receives on the loopback device.
    ctx.dv.setUint32(12, 1, true);
    setPtrFields(ctx, p, [[0, 'data'], [4, 'end'], [8, 'meta']]);
    const err = applyFields(ctx, XDP_FIELDS, ctxIn);
    if (err) return err;
    m.ctxRegion = ctx;
    const c = Memory.ptr(ctx, 0);
    m.L[1] = c[0]; m.H[1] = c[1];
    return {
      dataOut: () => p.region.bytes.slice(p.meta, p.end),
      reset: (written) => {
        // Bytes after the packet need no clearing: xdp_adjust_tail zeroes whatever it grows into.
        if (written) { buf.fill(0, 0, XDP_HEADROOM); buf.set(bytes, XDP_HEADROOM); }
        p.meta = p.data = XDP_HEADROOM; p.end = XDP_HEADROOM + bytes.length;
        syncPacketWindow(p);
        m.L[1] = c[0]; m.H[1] = c[1];
      },
    };
  }
  // Raw memory (ubpf / bpf_conformance), and every other program type: r1 = the bytes, r2 = their length.
  const buf = new Uint8Array(bytes);
  const region = mem.add('raw', 'mem', 'memory', buf, true);
  const p: PacketInfo = { region, meta: 0, data: 0, end: buf.length, netOff: 0, macOff: 0 };
  m.packet = p;
  if (buf.length > 0) {
    const c = Memory.ptr(region, 0);
    m.L[1] = c[0]; m.H[1] = c[1];
  } else { m.L[1] = 0; m.H[1] = 0; }
  m.L[2] = buf.length; m.H[2] = 0;
  m.ctxRegion = region;
  const r1: [number, number] = [m.L[1]!, m.H[1]!];
  return {
    dataOut: () => region.bytes.slice(),
    reset: (written) => {
      if (written) buf.set(bytes);
      m.L[1] = r1[0]; m.H[1] = r1[1]; m.L[2] = buf.length; m.H[2] = 0;
    },
  };
}

/** PACKET_HOST, _BROADCAST, _MULTICAST or _OTHERHOST, as eth_type_trans decides on the loopback device. */
function pktType(frame: Uint8Array): number {
  const dst = frame.subarray(0, 6);
  if (dst.every((b) => b === 0)) return 0;
  if ((dst[0]! & 1) !== 0) return dst.every((b) => b === 0xff) ? 1 : 2;
  return 3;
}
