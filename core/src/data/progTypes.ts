/**
 * Program types: the kernel's enum bpf_prog_type, the context each type receives in r1, and the range
 * the verifier demands of r0 when the program exits.
 *
 * Facts from include/uapi/linux/bpf.h (enum bpf_prog_type) and check_return_code() in
 * kernel/bpf/verifier.c of Linux 6.18; context names from the per-type bpf_verifier_ops
 * (is_valid_access) in net/core/filter.c, kernel/trace/bpf_trace.c and friends. To check: the ids must
 * follow the enum order (the test checks they are contiguous from 0), and `bpftool feature probe kernel`
 * lists the types the running kernel accepts. Return ranges: load "r0 = N; exit" for each type and
 * expected attach type and read the verifier log ("At program exit the register R0 has ...").
 */
import type { ProgTypeInfo } from './types';

export const PROG_TYPES: ProgTypeInfo[] = [
  { name: 'unspec', id: 0, doc: 'Placeholder value 0; the kernel refuses to load programs of this type.' },
  { name: 'socket_filter', id: 1, ctx: '__sk_buff', doc: 'Socket filter: the return value is how many bytes of the packet to keep (0 drops it).' },
  {
    name: 'kprobe', id: 2, ctx: 'pt_regs',
    retRangeByAttach: { trace_kprobe_session: [0, 1], trace_uprobe_session: [0, 1] },
    retNote: 'Only session programs are range-checked; plain kprobes and uprobes may return anything.',
    doc: 'Kernel or user probe; r1 points to the saved registers of the probed function.',
  },
  { name: 'sched_cls', id: 3, ctx: '__sk_buff', doc: 'Traffic-control classifier (tc/tcx/netkit); returns a TC_ACT_* verdict.' },
  { name: 'sched_act', id: 4, ctx: '__sk_buff', doc: 'Traffic-control action; returns a TC_ACT_* verdict.' },
  { name: 'tracepoint', id: 5, ctx: 'tracepoint', doc: 'Static kernel tracepoint; r1 points to the raw record of the event (format in tracefs).' },
  { name: 'xdp', id: 6, ctx: 'xdp_md', doc: 'eXpress Data Path at the driver; returns XDP_ABORTED/DROP/PASS/TX/REDIRECT (not range-checked by the verifier).' },
  { name: 'perf_event', id: 7, ctx: 'bpf_perf_event_data', doc: 'Runs on a perf event overflow (sampling); r1 holds the registers and the sample period.' },
  {
    name: 'cgroup_skb', id: 8, ctx: '__sk_buff', retRange: [0, 1], retRangeByAttach: { cgroup_inet_egress: [0, 3] },
    retNote: 'Bit 0 allows the packet; on egress bit 1 also asks for congestion notification, so 2 and 3 need expected attach type cgroup_inet_egress.',
    doc: 'Cgroup ingress/egress packet filter; 1 lets the packet through, 0 drops it.',
  },
  { name: 'cgroup_sock', id: 9, ctx: 'bpf_sock', retRange: [0, 1], doc: 'Cgroup socket hook (create, release, post_bind); 1 allows the operation.' },
  { name: 'lwt_in', id: 10, ctx: '__sk_buff', doc: 'Lightweight tunnel input hook; returns BPF_OK, BPF_DROP or BPF_REDIRECT.' },
  { name: 'lwt_out', id: 11, ctx: '__sk_buff', doc: 'Lightweight tunnel output hook.' },
  { name: 'lwt_xmit', id: 12, ctx: '__sk_buff', doc: 'Lightweight tunnel transmit hook; may push encapsulation headers.' },
  { name: 'sock_ops', id: 13, ctx: 'bpf_sock_ops', retRange: [0, 1], doc: 'TCP socket operations callback attached to a cgroup.' },
  { name: 'sk_skb', id: 14, ctx: '__sk_buff', doc: 'Sockmap stream parser or verdict program; the verdict returns SK_PASS or SK_DROP.' },
  { name: 'cgroup_device', id: 15, ctx: 'bpf_cgroup_dev_ctx', retRange: [0, 1], doc: 'Cgroup device access controller; 1 allows the access.' },
  { name: 'sk_msg', id: 16, ctx: 'sk_msg_md', doc: 'Sockmap message verdict for sendmsg/sendfile data; returns SK_PASS or SK_DROP.' },
  { name: 'raw_tracepoint', id: 17, ctx: 'bpf_raw_tracepoint_args', doc: 'Raw tracepoint: r1 points to the untouched tracepoint arguments as 64-bit words.' },
  {
    name: 'cgroup_sock_addr', id: 18, ctx: 'bpf_sock_addr', retRange: [0, 1],
    retRangeByAttach: {
      cgroup_inet4_bind: [0, 3], cgroup_inet6_bind: [0, 3],
      cgroup_udp4_recvmsg: [1, 1], cgroup_udp6_recvmsg: [1, 1], cgroup_unix_recvmsg: [1, 1],
      cgroup_inet4_getpeername: [1, 1], cgroup_inet6_getpeername: [1, 1], cgroup_unix_getpeername: [1, 1],
      cgroup_inet4_getsockname: [1, 1], cgroup_inet6_getsockname: [1, 1], cgroup_unix_getsockname: [1, 1],
    },
    retNote: 'recvmsg/getpeername/getsockname hooks cannot refuse, so they must return 1; bind may also set bit 1 to skip the port capability check.',
    doc: 'Cgroup hook on socket addresses (bind, connect, sendmsg, recvmsg, getpeername, getsockname); may rewrite the address.',
  },
  { name: 'lwt_seg6local', id: 19, ctx: '__sk_buff', doc: 'SRv6 local segment action (End.BPF).' },
  { name: 'lirc_mode2', id: 20, ctx: 'u32', doc: 'Infrared remote decoder; r1 points to one raw LIRC mode2 sample.' },
  { name: 'sk_reuseport', id: 21, ctx: 'sk_reuseport_md', doc: 'Chooses the socket of a SO_REUSEPORT group that receives a packet or connection.' },
  { name: 'flow_dissector', id: 22, ctx: '__sk_buff', doc: 'Replaces the kernel flow dissector; fills __sk_buff.flow_keys and returns BPF_OK or BPF_DROP.' },
  { name: 'cgroup_sysctl', id: 23, ctx: 'bpf_sysctl', retRange: [0, 1], doc: 'Cgroup hook on sysctl reads and writes; 1 allows the access.' },
  { name: 'raw_tracepoint_writable', id: 24, ctx: 'bpf_raw_tracepoint_args', doc: 'Raw tracepoint that may write into the tracepoint buffer.' },
  { name: 'cgroup_sockopt', id: 25, ctx: 'bpf_sockopt', retRange: [0, 1], doc: 'Cgroup hook on getsockopt/setsockopt; 1 lets the call continue.' },
  {
    name: 'tracing', id: 26, ctx: 'u64[]',
    retRangeByAttach: { trace_fentry: [0, 0], trace_fexit: [0, 0], trace_iter: [0, 1] },
    retNote: 'fentry/fexit must return 0, iterators 0 or 1; tp_btf and fmod_ret are not range-checked.',
    doc: 'BTF-typed tracing: fentry, fexit, fmod_ret, tp_btf and iterators; r1 points to the arguments as 64-bit words.',
  },
  {
    name: 'struct_ops', id: 27, ctx: 'u64[]',
    retNote: 'The allowed value depends on the return type of the struct_ops member the program implements.',
    doc: 'Implements one member of a kernel struct of function pointers (e.g. tcp_congestion_ops, sched_ext_ops).',
  },
  { name: 'ext', id: 28, retNote: 'Returns whatever the replaced function returns.', doc: 'Replaces a global function of another BPF program (freplace).' },
  {
    name: 'lsm', id: 29, ctx: 'u64[]', retRangeByAttach: { lsm_cgroup: [0, 1] },
    retNote: 'The range follows the LSM hook (e.g. [-4095, 0] for hooks returning an errno); void hooks return nothing checked.',
    doc: 'Linux Security Module hook; a negative errno denies the operation.',
  },
  { name: 'sk_lookup', id: 30, ctx: 'bpf_sk_lookup', retRange: [0, 1], doc: 'Socket lookup at the network namespace level; SK_PASS (1) or SK_DROP (0).' },
  { name: 'syscall', id: 31, ctx: 'void', doc: 'Runs only through BPF_PROG_RUN and may call bpf() itself (used by light skeletons).' },
  { name: 'netfilter', id: 32, ctx: 'bpf_nf_ctx', retRange: [0, 1], doc: 'Netfilter hook; returns NF_DROP (0) or NF_ACCEPT (1).' },
];

const byName = new Map<string, ProgTypeInfo>(PROG_TYPES.map((t) => [t.name, t]));

/** Looks a type up by its lower-case name; also accepts BPF_PROG_TYPE_XDP style and any case. */
export function progTypeByName(name: string): ProgTypeInfo | undefined {
  const key = name.trim().toLowerCase().replace(/^bpf_prog_type_/, '');
  return byName.get(key);
}

export function progTypeById(id: number): ProgTypeInfo | undefined {
  return PROG_TYPES[id]?.id === id ? PROG_TYPES[id] : PROG_TYPES.find((t) => t.id === id);
}

/**
 * The return range the verifier enforces for a type and expected attach type, or undefined when it
 * accepts any scalar (or when the range depends on BTF the caller must resolve, e.g. lsm hooks).
 */
export function retRangeFor(progType: string, attachType?: string): [number, number] | undefined {
  const info = progTypeByName(progType);
  if (!info) return undefined;
  if (attachType !== undefined) {
    const special = info.retRangeByAttach?.[attachType.toLowerCase().replace(/^bpf_/, '')];
    if (special) return special;
  }
  return info.retRange;
}

/**
 * Expected attach types, indexed by their enum bpf_attach_type value (lower case, no BPF_), from the same
 * 6.18 header. Section rules and retRangeByAttach use these names.
 */
export const ATTACH_TYPES: string[] = [
  'cgroup_inet_ingress', 'cgroup_inet_egress', 'cgroup_inet_sock_create', 'cgroup_sock_ops', 'sk_skb_stream_parser', 'sk_skb_stream_verdict',
  'cgroup_device', 'sk_msg_verdict', 'cgroup_inet4_bind', 'cgroup_inet6_bind', 'cgroup_inet4_connect', 'cgroup_inet6_connect',
  'cgroup_inet4_post_bind', 'cgroup_inet6_post_bind', 'cgroup_udp4_sendmsg', 'cgroup_udp6_sendmsg', 'lirc_mode2', 'flow_dissector',
  'cgroup_sysctl', 'cgroup_udp4_recvmsg', 'cgroup_udp6_recvmsg', 'cgroup_getsockopt', 'cgroup_setsockopt', 'trace_raw_tp',
  'trace_fentry', 'trace_fexit', 'modify_return', 'lsm_mac', 'trace_iter', 'cgroup_inet4_getpeername',
  'cgroup_inet6_getpeername', 'cgroup_inet4_getsockname', 'cgroup_inet6_getsockname', 'xdp_devmap', 'cgroup_inet_sock_release', 'xdp_cpumap',
  'sk_lookup', 'xdp', 'sk_skb_verdict', 'sk_reuseport_select', 'sk_reuseport_select_or_migrate', 'perf_event',
  'trace_kprobe_multi', 'lsm_cgroup', 'struct_ops', 'netfilter', 'tcx_ingress', 'tcx_egress',
  'trace_uprobe_multi', 'cgroup_unix_connect', 'cgroup_unix_sendmsg', 'cgroup_unix_recvmsg', 'cgroup_unix_getpeername', 'cgroup_unix_getsockname',
  'netkit_primary', 'netkit_peer', 'trace_kprobe_session', 'trace_uprobe_session',
];

/** The enum value of an attach type name ("cgroup_inet_egress" or "BPF_CGROUP_INET_EGRESS"), or undefined. */
export function attachTypeId(name: string): number | undefined {
  const i = ATTACH_TYPES.indexOf(name.trim().toLowerCase().replace(/^bpf_/, ''));
  return i < 0 ? undefined : i;
}
