/**
 * Context access rules per program type: the kernel's is_valid_access callbacks (net/core/filter.c,
 * kernel/trace/bpf_trace.c) for the common types, written as offset tables. The answer says whether
 * a load or store of `size` bytes at `off` is allowed and what type a load produces (packet pointers
 * for __sk_buff.data and xdp_md.data). Types without rules here fall back to aligned reads only.
 */
import type { RegType } from './regState';

export interface CtxAnswer { ok: boolean; type?: RegType; maybeNull?: boolean }

const NO: CtxAnswer = { ok: false };
const SCALAR: CtxAnswer = { ok: true, type: 'scalar' };

// struct __sk_buff field offsets (Linux 6.18 uapi).
const SKB = {
  len: 0, pkt_type: 4, mark: 8, queue_mapping: 12, protocol: 16, vlan_present: 20, vlan_tci: 24, vlan_proto: 28,
  priority: 32, ingress_ifindex: 36, ifindex: 40, tc_index: 44, cb0: 48, cbEnd: 68, hash: 68, tc_classid: 72,
  data: 76, data_end: 80, napi_id: 84, family: 88, remote_ip4: 92, local_ip4: 96, remote_ip6: 100, local_ip6: 116,
  remote_port: 132, local_port: 136, data_meta: 140, flow_keys: 144, tstamp: 152, wire_len: 160, gso_segs: 164,
  sk: 168, gso_size: 176, tstamp_type: 180, hwtstamp: 184, size: 192,
};

const within = (off: number, start: number, size: number): boolean => off >= start && off < start + size;

function narrowOk(size: number, def: number): boolean {
  return size <= def && (size & (size - 1)) === 0;
}

/** bpf_skb_is_valid_access: the checks every __sk_buff program type shares. */
function skbCommon(off: number, size: number, write: boolean): CtxAnswer {
  if (off < 0 || off >= SKB.size) return NO;
  if (off % size !== 0) return NO;
  if (within(off, SKB.cb0, 20)) return off + size > SKB.cbEnd ? NO : SCALAR;
  if (within(off, SKB.remote_ip6, 16) || within(off, SKB.local_ip6, 16) || within(off, SKB.remote_ip4, 4) ||
      within(off, SKB.local_ip4, 4) || within(off, SKB.data, 4) || within(off, SKB.data_meta, 4) || within(off, SKB.data_end, 4)) {
    return size !== 4 ? NO : SCALAR;
  }
  if (within(off, SKB.flow_keys, 8)) return NO;
  if (within(off, SKB.hwtstamp, 8)) return write || size !== 8 ? NO : SCALAR;
  if (within(off, SKB.tstamp, 8)) return size !== 8 ? NO : SCALAR;
  if (off === SKB.sk) return write || size !== 8 ? NO : { ok: true, type: 'sock_common', maybeNull: true };
  if (within(off, SKB.sk, 8)) return NO;
  if (within(off, SKB.tstamp_type, 4)) return NO;
  if (write) return size !== 4 ? NO : SCALAR;
  return narrowOk(size, 4) ? SCALAR : NO;
}

function skbPtr(off: number, base: CtxAnswer): CtxAnswer {
  if (!base.ok) return base;
  if (off === SKB.data) return { ok: true, type: 'pkt' };
  if (off === SKB.data_meta) return { ok: true, type: 'pkt_meta' };
  if (off === SKB.data_end) return { ok: true, type: 'pkt_end' };
  return base;
}

function socketFilter(off: number, size: number, write: boolean): CtxAnswer {
  if (within(off, SKB.tc_classid, 4) || within(off, SKB.data, 4) || within(off, SKB.data_meta, 4) || within(off, SKB.data_end, 4) ||
      (off >= SKB.family && off < SKB.local_port + 4) || within(off, SKB.tstamp, 8) || within(off, SKB.wire_len, 4) ||
      within(off, SKB.hwtstamp, 8)) return NO;
  if (write && !within(off, SKB.cb0, 20)) return NO;
  return skbCommon(off, size, write);
}

function tcClsAct(off: number, size: number, write: boolean): CtxAnswer {
  if (write) {
    const ok = within(off, SKB.mark, 4) || within(off, SKB.tc_index, 4) || within(off, SKB.priority, 4) ||
      within(off, SKB.tc_classid, 4) || within(off, SKB.cb0, 20) || within(off, SKB.tstamp, 8) || within(off, SKB.queue_mapping, 4);
    if (!ok) return NO;
  }
  if (off >= SKB.family && off < SKB.local_port + 4) return NO;
  return skbPtr(off, skbCommon(off, size, write));
}

function cgroupSkb(off: number, size: number, write: boolean): CtxAnswer {
  if (within(off, SKB.tc_classid, 4) || within(off, SKB.data_meta, 4) || within(off, SKB.wire_len, 4)) return NO;
  if (write) {
    const ok = within(off, SKB.mark, 4) || within(off, SKB.priority, 4) || within(off, SKB.cb0, 20) || within(off, SKB.tstamp, 8);
    if (!ok) return NO;
  }
  return skbPtr(off, skbCommon(off, size, write));
}

function xdp(off: number, size: number, write: boolean): CtxAnswer {
  if (off === 20) return NO; // egress_ifindex needs expected attach type BPF_XDP_DEVMAP.
  if (write) return NO;
  if (off < 0 || off >= 24 || off % size !== 0 || size !== 4) return NO;
  if (off === 0) return { ok: true, type: 'pkt' };
  if (off === 4) return { ok: true, type: 'pkt_end' };
  if (off === 8) return { ok: true, type: 'pkt_meta' };
  return SCALAR;
}

function readOnlyRange(off: number, size: number, write: boolean, lo: number, hi: number): CtxAnswer {
  if (off < lo || off >= hi || write || off % size !== 0 || off + size > hi) return NO;
  return SCALAR;
}

function perfEvent(off: number, size: number, write: boolean): CtxAnswer {
  if (off < 0 || off >= 184 || write || off % size !== 0) return NO;
  if (within(off, 168, 8) || within(off, 176, 8)) return narrowOk(size, 8) ? SCALAR : NO;
  return size === 8 ? SCALAR : NO;
}

/** Whether the context access is allowed for the program type, and what a load yields. */
export function ctxAccess(progType: string, off: number, size: number, write: boolean): CtxAnswer {
  switch (progType) {
    case 'socket_filter': return socketFilter(off, size, write);
    case 'sched_cls': case 'sched_act': return tcClsAct(off, size, write);
    case 'cgroup_skb': return cgroupSkb(off, size, write);
    case 'xdp': return xdp(off, size, write);
    case 'kprobe': return readOnlyRange(off, size, write, 0, 168);
    case 'tracepoint':
      // tp_prog_is_valid_access compares the offset as unsigned against sizeof(void *): Linux 6.18
      // accepts negative offsets, so only [0, 8) and offsets past the record are refused.
      if (write || (off >= 0 && off < 8) || off >= 2048 || off % size !== 0) return NO;
      return SCALAR;
    case 'raw_tracepoint': return readOnlyRange(off, size, write, 0, 96);
    case 'perf_event': return perfEvent(off, size, write);
    case 'syscall': return off >= 0 && off + size <= 4096 ? SCALAR : NO;
    default: return readOnlyRange(off, size, write, 0, 64);
  }
}
