/**
 * Context layouts of the socket program types: bpf_sock (cgroup_sock), bpf_sock_ops (sock_ops),
 * sk_msg_md (sk_msg), bpf_sock_addr (cgroup_sock_addr), bpf_sk_lookup (sk_lookup) and sk_reuseport_md
 * (sk_reuseport).
 *
 * Facts: offsets and sizes from include/uapi/linux/bpf.h of Linux 6.18 (compiled with gcc, read back from
 * DWARF with gdb); access rules from bpf_sock_is_valid_access(), __sock_filter_check_attach_type(),
 * sock_ops_, sk_msg_, sock_addr_, sk_lookup_ and sk_reuseport_is_valid_access() in net/core/filter.c
 * (6.12 sources). To regenerate, redo both steps; test/data spot-checks offsets and kernel verdicts.
 */
import type { CtxLayout } from '../types';
import { buildLayout, isOneOf, type RawFields } from './build';

const BPF_SOCK: RawFields = [
  ['bound_dev_if', 0, 4], ['family', 4, 4], ['type', 8, 4], ['protocol', 12, 4],
  ['mark', 16, 4], ['priority', 20, 4], ['src_ip4', 24, 4], ['src_ip6[0]', 28, 4],
  ['src_ip6[1]', 32, 4], ['src_ip6[2]', 36, 4], ['src_ip6[3]', 40, 4], ['src_port', 44, 4],
  ['dst_port', 48, 2], ['dst_ip4', 52, 4], ['dst_ip6[0]', 56, 4], ['dst_ip6[1]', 60, 4],
  ['dst_ip6[2]', 64, 4], ['dst_ip6[3]', 68, 4], ['state', 72, 4], ['rx_queue_mapping', 76, 4],
];

/** bpf_sock for cgroup_sock programs; several fields depend on the expected attach type. */
export const BPF_SOCK_LAYOUT: CtxLayout = buildLayout('bpf_sock', 80, BPF_SOCK, (n) => {
  if (isOneOf(n, ['bound_dev_if', 'mark', 'priority'])) {
    return { writable: true, attachTypes: ['cgroup_inet_sock_create', 'cgroup_inet_sock_release'] };
  }
  if (n === 'src_ip4') return { narrow: true, attachTypes: ['cgroup_inet4_post_bind'] };
  if (isOneOf(n, ['src_ip6'])) return { narrow: true, attachTypes: ['cgroup_inet6_post_bind'] };
  if (n === 'src_port') return { narrow: true, narrowStartOnly: true, attachTypes: ['cgroup_inet4_post_bind', 'cgroup_inet6_post_bind'] };
  if (n === 'dst_port') return { narrow: true, sizes: [1, 2, 4], doc: 'Remote port, network byte order; a 4-byte load reads it with zero padding.' };
  // These five match only their exact offset in bpf_sock_is_valid_access(), so narrow loads start there.
  if (isOneOf(n, ['state', 'family', 'type', 'protocol', 'rx_queue_mapping'])) return { narrow: true, narrowStartOnly: true };
  if (isOneOf(n, ['dst_ip4', 'dst_ip6'])) return { narrow: true };
  return undefined;
}, 'A socket as programs see it: addresses, ports, family and state.', 'cgroup_sock');

const SOCK_OPS: RawFields = [
  ['op', 0, 4], ['args[0]', 4, 4], ['args[1]', 8, 4], ['args[2]', 12, 4],
  ['args[3]', 16, 4], ['reply', 4, 4], ['replylong[0]', 4, 4], ['replylong[1]', 8, 4],
  ['replylong[2]', 12, 4], ['replylong[3]', 16, 4], ['family', 20, 4], ['remote_ip4', 24, 4],
  ['local_ip4', 28, 4], ['remote_ip6[0]', 32, 4], ['remote_ip6[1]', 36, 4], ['remote_ip6[2]', 40, 4],
  ['remote_ip6[3]', 44, 4], ['local_ip6[0]', 48, 4], ['local_ip6[1]', 52, 4], ['local_ip6[2]', 56, 4],
  ['local_ip6[3]', 60, 4], ['remote_port', 64, 4], ['local_port', 68, 4], ['is_fullsock', 72, 4],
  ['snd_cwnd', 76, 4], ['srtt_us', 80, 4], ['bpf_sock_ops_cb_flags', 84, 4], ['state', 88, 4],
  ['rtt_min', 92, 4], ['snd_ssthresh', 96, 4], ['rcv_nxt', 100, 4], ['snd_nxt', 104, 4],
  ['snd_una', 108, 4], ['mss_cache', 112, 4], ['ecn_flags', 116, 4], ['rate_delivered', 120, 4],
  ['rate_interval_us', 124, 4], ['packets_out', 128, 4], ['retrans_out', 132, 4], ['total_retrans', 136, 4],
  ['segs_in', 140, 4], ['data_segs_in', 144, 4], ['segs_out', 148, 4], ['data_segs_out', 152, 4],
  ['lost_out', 156, 4], ['sacked_out', 160, 4], ['sk_txhash', 164, 4], ['bytes_received', 168, 8],
  ['bytes_acked', 176, 8], ['sk', 184, 8], ['skb_data', 192, 8], ['skb_data_end', 200, 8],
  ['skb_len', 208, 4], ['skb_tcp_flags', 212, 4], ['skb_hwtstamp', 216, 8],
];

export const SOCK_OPS_LAYOUT: CtxLayout = buildLayout('bpf_sock_ops', 224, SOCK_OPS, (n) => {
  // args[], reply and replylong[] share offset 4: only the 4-byte word at offset 4 (reply) is writable.
  if (n === 'reply' || n === 'sk_txhash') return { writable: true };
  if (n === 'bytes_received' || n === 'bytes_acked' || n === 'skb_hwtstamp') return { sizes: [8] };
  if (n === 'sk') return { sizes: [8], kind: 'sock_or_null' };
  if (n === 'skb_data') return { sizes: [8], kind: 'pkt' };
  if (n === 'skb_data_end') return { sizes: [8], kind: 'pkt_end' };
  if (n === 'skb_tcp_flags') return { narrow: true, narrowStartOnly: true };
  return undefined;
}, 'TCP connection state and the callback (op) being run; reply carries the answer.', 'sock_ops');

const SK_MSG: RawFields = [
  ['data', 0, 8], ['data_end', 8, 8], ['family', 16, 4], ['remote_ip4', 20, 4],
  ['local_ip4', 24, 4], ['remote_ip6[0]', 28, 4], ['remote_ip6[1]', 32, 4], ['remote_ip6[2]', 36, 4],
  ['remote_ip6[3]', 40, 4], ['local_ip6[0]', 44, 4], ['local_ip6[1]', 48, 4], ['local_ip6[2]', 52, 4],
  ['local_ip6[3]', 56, 4], ['remote_port', 60, 4], ['local_port', 64, 4], ['size', 68, 4],
  ['sk', 72, 8],
];

export const SK_MSG_LAYOUT: CtxLayout = buildLayout('sk_msg_md', 80, SK_MSG, (n) => {
  if (n === 'data') return { sizes: [8], kind: 'pkt' };
  if (n === 'data_end') return { sizes: [8], kind: 'pkt_end' };
  if (n === 'sk') return { sizes: [8], kind: 'sock' };
  return undefined;
}, 'A message being sent on a sockmap socket; data/data_end cover the part pulled in with msg_pull_data.', 'sk_msg');

const SOCK_ADDR: RawFields = [
  ['user_family', 0, 4], ['user_ip4', 4, 4], ['user_ip6[0]', 8, 4], ['user_ip6[1]', 12, 4],
  ['user_ip6[2]', 16, 4], ['user_ip6[3]', 20, 4], ['user_port', 24, 4], ['family', 28, 4],
  ['type', 32, 4], ['protocol', 36, 4], ['msg_src_ip4', 40, 4], ['msg_src_ip6[0]', 44, 4],
  ['msg_src_ip6[1]', 48, 4], ['msg_src_ip6[2]', 52, 4], ['msg_src_ip6[3]', 56, 4], ['sk', 64, 8],
];

const V4 = ['cgroup_inet4_bind', 'cgroup_inet4_connect', 'cgroup_inet4_getpeername', 'cgroup_inet4_getsockname', 'cgroup_udp4_sendmsg', 'cgroup_udp4_recvmsg'];
const V6 = ['cgroup_inet6_bind', 'cgroup_inet6_connect', 'cgroup_inet6_getpeername', 'cgroup_inet6_getsockname', 'cgroup_udp6_sendmsg', 'cgroup_udp6_recvmsg'];

export const SOCK_ADDR_LAYOUT: CtxLayout = buildLayout('bpf_sock_addr', 72, SOCK_ADDR, (n) => {
  // Address fields may be read narrowly and written with 4 bytes; user_ip6/msg_src_ip6 also with 8.
  const addr = { writable: true, narrow: true };
  if (n === 'user_ip4') return { ...addr, attachTypes: V4 };
  if (isOneOf(n, ['user_ip6'])) return { ...addr, sizes: [1, 2, 4, 8], writeSizes: [4, 8], attachTypes: V6 };
  if (n === 'msg_src_ip4') return { ...addr, attachTypes: ['cgroup_udp4_sendmsg'] };
  if (isOneOf(n, ['msg_src_ip6'])) return { ...addr, sizes: [1, 2, 4, 8], writeSizes: [4, 8], attachTypes: ['cgroup_udp6_sendmsg'] };
  if (n === 'user_port') return addr;
  if (n === 'sk') return { sizes: [8], kind: 'sock' };
  return undefined;
}, 'The address of a bind/connect/sendmsg/recvmsg/getpeername/getsockname call, which the program may rewrite.', 'cgroup_sock_addr');

const SK_LOOKUP: RawFields = [
  ['sk', 0, 8], ['cookie', 0, 8], ['family', 8, 4], ['protocol', 12, 4],
  ['remote_ip4', 16, 4], ['remote_ip6[0]', 20, 4], ['remote_ip6[1]', 24, 4], ['remote_ip6[2]', 28, 4],
  ['remote_ip6[3]', 32, 4], ['remote_port', 36, 2], ['remote_port_padding', 38, 2], ['local_ip4', 40, 4], ['local_ip6[0]', 44, 4],
  ['local_ip6[1]', 48, 4], ['local_ip6[2]', 52, 4], ['local_ip6[3]', 56, 4], ['local_port', 60, 4],
  ['ingress_ifindex', 64, 4],
];

export const SK_LOOKUP_LAYOUT: CtxLayout = buildLayout('bpf_sk_lookup', 72, SK_LOOKUP, (n) => {
  if (n === 'sk') return { sizes: [8], kind: 'sock_or_null' };
  // cookie overlays sk in a union; a load at offset 0 always yields the socket pointer.
  if (n === 'cookie') return { readable: false };
  if (n === 'remote_port') return { narrow: true, sizes: [1, 2, 4] };
  if (n === 'remote_port_padding') return { narrow: true, doc: 'Zero padding after remote_port; loads read 0.' };
  return { narrow: true };
}, 'The connection or packet being matched to a socket; programs choose one with bpf_sk_assign.', 'sk_lookup');

const SK_REUSEPORT: RawFields = [
  ['data', 0, 8], ['data_end', 8, 8], ['len', 16, 4], ['eth_protocol', 20, 4],
  ['ip_protocol', 24, 4], ['bind_inany', 28, 4], ['hash', 32, 4], ['sk', 40, 8],
  ['migrating_sk', 48, 8],
];

export const SK_REUSEPORT_LAYOUT: CtxLayout = buildLayout('sk_reuseport_md', 56, SK_REUSEPORT, (n) => {
  if (n === 'data') return { sizes: [8], kind: 'pkt' };
  if (n === 'data_end') return { sizes: [8], kind: 'pkt_end' };
  if (n === 'sk') return { sizes: [8], kind: 'sock' };
  if (n === 'migrating_sk') return { sizes: [8], kind: 'sock_common_or_null' };
  if (n === 'hash') return undefined;
  // eth_protocol allows 2- and 4-byte loads; the others any narrow load.
  if (n === 'eth_protocol') return { narrow: true, sizes: [2, 4] };
  return { narrow: true };
}, 'The packet and socket group of an SO_REUSEPORT selection.', 'sk_reuseport');
