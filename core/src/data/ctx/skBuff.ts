/**
 * struct __sk_buff, the context of the socket-buffer program types, and what each of those types may do
 * with its fields.
 *
 * Facts: offsets and sizes of struct __sk_buff in include/uapi/linux/bpf.h of Linux 6.18 (computed by
 * compiling that header with gcc and reading the DWARF with gdb); access rules from
 * bpf_skb_is_valid_access() and the per-type sk_filter_, tc_cls_act_, cg_skb_, lwt_, sk_skb_ and
 * flow_dissector_is_valid_access() of net/core/filter.c (read in the 6.12 sources; test/data checks them
 * against the running kernel with loads of every field). To regenerate: `ptype /o struct __sk_buff` in
 * gdb on an object built with the header, and reread those functions.
 */
import type { CtxField, CtxLayout } from '../types';

/** [name, offset, size] of every field; arrays are split into their elements. */
const RAW: [string, number, number][] = [
  ['len', 0, 4],
  ['pkt_type', 4, 4],
  ['mark', 8, 4],
  ['queue_mapping', 12, 4],
  ['protocol', 16, 4],
  ['vlan_present', 20, 4],
  ['vlan_tci', 24, 4],
  ['vlan_proto', 28, 4],
  ['priority', 32, 4],
  ['ingress_ifindex', 36, 4],
  ['ifindex', 40, 4],
  ['tc_index', 44, 4],
  ['cb[0]', 48, 4],
  ['cb[1]', 52, 4],
  ['cb[2]', 56, 4],
  ['cb[3]', 60, 4],
  ['cb[4]', 64, 4],
  ['hash', 68, 4],
  ['tc_classid', 72, 4],
  ['data', 76, 4],
  ['data_end', 80, 4],
  ['napi_id', 84, 4],
  ['family', 88, 4],
  ['remote_ip4', 92, 4],
  ['local_ip4', 96, 4],
  ['remote_ip6[0]', 100, 4],
  ['remote_ip6[1]', 104, 4],
  ['remote_ip6[2]', 108, 4],
  ['remote_ip6[3]', 112, 4],
  ['local_ip6[0]', 116, 4],
  ['local_ip6[1]', 120, 4],
  ['local_ip6[2]', 124, 4],
  ['local_ip6[3]', 128, 4],
  ['remote_port', 132, 4],
  ['local_port', 136, 4],
  ['data_meta', 140, 4],
  ['flow_keys', 144, 8],
  ['tstamp', 152, 8],
  ['wire_len', 160, 4],
  ['gso_segs', 164, 4],
  ['sk', 168, 8],
  ['gso_size', 176, 4],
  ['tstamp_type', 180, 1],
  ['hwtstamp', 184, 8],
];

export const SK_BUFF_SIZE = 192;

const range = (from: string, to: string): string[] => {
  const names = RAW.map((r) => r[0]);
  return names.slice(names.indexOf(from), names.indexOf(to) + 1);
};
const CB = range('cb[0]', 'cb[4]');
const SOCK_FIELDS = range('family', 'local_port');
const IP_FIELDS = range('remote_ip4', 'local_ip6[3]');

const DOCS: { [name: string]: string } = {
  len: 'Packet length in bytes, including paged data.',
  pkt_type: 'PACKET_HOST, PACKET_BROADCAST, ... as seen by the stack.',
  mark: 'Packet mark (skb->mark), shared with netfilter and routing.',
  queue_mapping: 'Transmit queue chosen for the packet.',
  protocol: 'Ethernet protocol of the packet in network byte order (e.g. 0x0008 for IPv4 on little endian).',
  vlan_present: 'Whether the packet carries an offloaded VLAN tag.',
  vlan_tci: 'The offloaded VLAN tag control information.',
  vlan_proto: 'The offloaded VLAN protocol.',
  priority: 'Queueing priority (skb->priority).',
  ingress_ifindex: 'Interface index the packet arrived on.',
  ifindex: 'Interface index of the device the packet is on now.',
  tc_index: 'Traffic-control index (skb->tc_index).',
  hash: 'Flow hash of the packet.',
  tc_classid: 'Class id returned to the tc classifier.',
  data: 'Start of the linear packet data (a packet pointer).',
  data_end: 'End of the linear packet data; accesses must be bounds-checked against it.',
  napi_id: 'NAPI id of the receive queue.',
  family: 'Address family of the socket (sk_skb).',
  remote_ip4: 'Remote IPv4 address of the socket, network byte order.',
  local_ip4: 'Local IPv4 address of the socket, network byte order.',
  remote_port: 'Remote port of the socket, network byte order.',
  local_port: 'Local port of the socket, host byte order.',
  data_meta: 'Start of the metadata area in front of the packet data.',
  flow_keys: 'Pointer to the bpf_flow_keys the flow dissector fills.',
  tstamp: 'Packet timestamp in nanoseconds.',
  wire_len: 'Length of the packet on the wire.',
  gso_segs: 'Number of GSO segments.',
  sk: 'Socket of the packet, or NULL.',
  gso_size: 'GSO segment size.',
  tstamp_type: 'Clock of tstamp (BPF_SKB_TSTAMP_*).',
  hwtstamp: 'Hardware receive timestamp.',
};
for (const n of CB) DOCS[n] = 'Scratch space shared by programs along the packet path (20 bytes in cb[0..4]).';

/** The struct as declared, with the rules every __sk_buff type shares (bpf_skb_is_valid_access). */
export const SK_BUFF: CtxLayout = {
  name: '__sk_buff',
  size: SK_BUFF_SIZE,
  doc: 'User-visible mirror of the kernel socket buffer; the verifier rewrites each access to the real sk_buff.',
  fields: RAW.map(([name, offset, size]) => baseField(name, offset, size)),
};

function baseField(name: string, offset: number, size: number): CtxField {
  const f: CtxField = { name, offset, size, kind: 'scalar' };
  const doc = DOCS[name.replace(/\[\d\]$/, '')] ?? DOCS[name];
  if (doc) f.doc = doc;
  if (CB.includes(name)) f.sizes = [1, 2, 4, 8];
  else if (name === 'data' || name === 'data_meta' || name === 'data_end' || IP_FIELDS.includes(name)) f.sizes = [4];
  else if (name === 'tstamp' || name === 'hwtstamp') f.sizes = [8];
  else if (name === 'sk') { f.sizes = [8]; f.kind = 'sock_common_or_null'; }
  else if (name === 'flow_keys' || name === 'tstamp_type') f.readable = false;
  else f.narrow = true;
  return f;
}

interface ViewRules {
  /** Fields the type may not touch. */
  deny: string[];
  /** Fields the type may write (with the base sizes: 4 bytes, cb any size, tstamp 8). */
  write: string[];
  /** Register kinds the type gives to data pointers. */
  kinds: { [name: string]: CtxField['kind'] };
  /** Fields readable only by this type, overriding the base denial. */
  allow?: { [name: string]: Partial<CtxField> };
}

const PKT = { data: 'pkt', data_end: 'pkt_end' } as const;

const RULES: { [progType: string]: ViewRules } = {
  socket_filter: {
    deny: ['tc_classid', 'data', 'data_meta', 'data_end', ...SOCK_FIELDS, 'tstamp', 'wire_len', 'hwtstamp'],
    write: CB, kinds: {},
  },
  sched_cls: {
    deny: SOCK_FIELDS,
    write: ['mark', 'tc_index', 'priority', 'tc_classid', ...CB, 'tstamp', 'queue_mapping'],
    kinds: { ...PKT, data_meta: 'pkt_meta' },
    allow: { tstamp_type: { readable: true, sizes: [1] } },
  },
  // Reading data/data_end needs CAP_BPF for cgroup_skb, and so does writing tstamp.
  cgroup_skb: {
    deny: ['tc_classid', 'data_meta', 'wire_len'],
    write: ['mark', 'priority', ...CB, 'tstamp'], kinds: PKT,
  },
  lwt_in: {
    deny: ['tc_classid', ...SOCK_FIELDS, 'data_meta', 'tstamp', 'wire_len', 'hwtstamp'],
    write: ['mark', 'priority', ...CB], kinds: PKT,
  },
  sk_skb: {
    deny: ['tc_classid', 'data_meta', 'tstamp', 'wire_len', 'hwtstamp', 'mark'],
    write: ['tc_index', 'priority'], kinds: PKT,
  },
  flow_dissector: {
    deny: RAW.map((r) => r[0]).filter((n) => n !== 'data' && n !== 'data_end' && n !== 'flow_keys'),
    write: [], kinds: PKT,
    allow: { flow_keys: { readable: true, sizes: [8], kind: 'flow_keys' } },
  },
};
RULES['sched_act'] = RULES['sched_cls']!;
RULES['lwt_out'] = RULES['lwt_in']!;
RULES['lwt_xmit'] = RULES['lwt_in']!;
RULES['lwt_seg6local'] = RULES['lwt_in']!;

/** Program types whose context is __sk_buff. */
export const SK_BUFF_PROG_TYPES: string[] = Object.keys(RULES);

/** __sk_buff as one program type sees it: every field with readable/writable resolved. */
export function skBuffView(progType: string): CtxLayout | undefined {
  const rules = RULES[progType];
  if (!rules) return undefined;
  const fields = SK_BUFF.fields.map((base): CtxField => {
    const f: CtxField = { ...base, ...(rules.allow?.[base.name] ?? {}) };
    const denied = rules.deny.includes(f.name);
    f.readable = !denied && f.readable !== false;
    f.writable = f.readable && rules.write.includes(f.name);
    const kind = rules.kinds[f.name];
    if (kind && f.readable) f.kind = kind;
    // Writes are full-width except in cb[], so narrow applies to reads only.
    return f;
  });
  return { name: '__sk_buff', size: SK_BUFF_SIZE, fields, progType, doc: SK_BUFF.doc };
}
