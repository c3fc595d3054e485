/**
 * Context layouts of XDP, tracing and cgroup helper types: xdp_md, pt_regs (kprobe, x86_64),
 * bpf_perf_event_data, bpf_raw_tracepoint_args, bpf_sysctl, bpf_sockopt, bpf_cgroup_dev_ctx, and
 * bpf_flow_keys (what __sk_buff.flow_keys points to).
 *
 * Facts: offsets and sizes from include/uapi/linux/bpf.h of Linux 6.18 plus the x86_64 uapi
 * asm/ptrace.h and linux/bpf_perf_event.h (compiled with gcc, read back from DWARF with gdb); access rules
 * from xdp_is_valid_access() (net/core/filter.c), kprobe_/pe_prog_is_valid_access() and bpf_tracing_ctx_access()
 * (kernel/trace/bpf_trace.c), sysctl_/cg_sockopt_/cgroup_dev_is_valid_access() (kernel/bpf/cgroup.c) and
 * check_flow_keys_access() (kernel/bpf/verifier.c), read in the 6.12 sources.
 */
import type { CtxLayout } from '../types';
import { buildLayout, type RawFields } from './build';

const XDP_MD: RawFields = [
  ['data', 0, 4], ['data_end', 4, 4], ['data_meta', 8, 4], ['ingress_ifindex', 12, 4],
  ['rx_queue_index', 16, 4], ['egress_ifindex', 20, 4],
];

export const XDP_MD_LAYOUT: CtxLayout = buildLayout('xdp_md', 24, XDP_MD, (n) => {
  if (n === 'data') return { kind: 'pkt', doc: 'Start of the packet.' };
  if (n === 'data_end') return { kind: 'pkt_end', doc: 'End of the packet; bounds-check packet accesses against it.' };
  if (n === 'data_meta') return { kind: 'pkt_meta', doc: 'Start of the metadata area in front of the packet (bpf_xdp_adjust_meta).' };
  if (n === 'egress_ifindex') return { attachTypes: ['xdp_devmap'], doc: 'Interface the packet leaves by (devmap programs only).' };
  if (n === 'ingress_ifindex') return { doc: 'Interface the packet arrived on.' };
  if (n === 'rx_queue_index') return { doc: 'Receive queue index.' };
  return undefined;
}, 'The packet an XDP program sees; every field is a 4-byte read-only load.', 'xdp');

const PT_REGS: RawFields = [
  ['r15', 0, 8], ['r14', 8, 8], ['r13', 16, 8], ['r12', 24, 8],
  ['rbp', 32, 8], ['rbx', 40, 8], ['r11', 48, 8], ['r10', 56, 8],
  ['r9', 64, 8], ['r8', 72, 8], ['rax', 80, 8], ['rcx', 88, 8],
  ['rdx', 96, 8], ['rsi', 104, 8], ['rdi', 112, 8], ['orig_rax', 120, 8],
  ['rip', 128, 8], ['cs', 136, 8], ['eflags', 144, 8], ['rsp', 152, 8],
  ['ss', 160, 8],
];

/** kprobe programs may load any aligned 1, 2, 4 or 8 bytes of the saved registers, never store. */
export const PT_REGS_LAYOUT: CtxLayout = buildLayout('pt_regs', 168, PT_REGS, () => ({ narrow: true }),
  'The registers saved at the probe (x86_64 user-space view: rdi, rsi, rdx, rcx, r8, r9 hold the first six arguments).', 'kprobe');

const PERF_EVENT_DATA: RawFields = [
  ['regs.r15', 0, 8], ['regs.r14', 8, 8], ['regs.r13', 16, 8], ['regs.r12', 24, 8],
  ['regs.rbp', 32, 8], ['regs.rbx', 40, 8], ['regs.r11', 48, 8], ['regs.r10', 56, 8],
  ['regs.r9', 64, 8], ['regs.r8', 72, 8], ['regs.rax', 80, 8], ['regs.rcx', 88, 8],
  ['regs.rdx', 96, 8], ['regs.rsi', 104, 8], ['regs.rdi', 112, 8], ['regs.orig_rax', 120, 8],
  ['regs.rip', 128, 8], ['regs.cs', 136, 8], ['regs.eflags', 144, 8], ['regs.rsp', 152, 8],
  ['regs.ss', 160, 8], ['sample_period', 168, 8], ['addr', 176, 8],
];

export const PERF_EVENT_DATA_LAYOUT: CtxLayout = buildLayout('bpf_perf_event_data', 184, PERF_EVENT_DATA, (n) => {
  if (n === 'sample_period' || n === 'addr') return { narrow: true };
  return undefined;
}, 'The registers at the sample, the sample period and the sampled address.', 'perf_event');

/** Up to MAX_BPF_FUNC_ARGS (12) 64-bit arguments; how many are valid depends on the tracepoint. */
const RAW_TP_ARGS: RawFields = Array.from({ length: 12 }, (_, i): [string, number, number] => [`args[${i}]`, i * 8, 8]);

export const RAW_TP_ARGS_LAYOUT: CtxLayout = buildLayout('bpf_raw_tracepoint_args', 96, RAW_TP_ARGS, () => ({ narrow: true }),
  'The raw arguments of the tracepoint as 64-bit words; read-only, any aligned width.', 'raw_tracepoint');

const SYSCTL: RawFields = [
  ['write', 0, 4], ['file_pos', 4, 4],
];

export const SYSCTL_LAYOUT: CtxLayout = buildLayout('bpf_sysctl', 8, SYSCTL, (n) => {
  if (n === 'write') return { narrow: true, doc: '1 for a write to the sysctl, 0 for a read.' };
  return { narrow: true, writable: true, doc: 'File position of the access; may be changed.' };
}, 'A read or write of a sysctl file.', 'cgroup_sysctl');

const SOCKOPT: RawFields = [
  ['sk', 0, 8], ['optval', 8, 8], ['optval_end', 16, 8], ['level', 24, 4],
  ['optname', 28, 4], ['optlen', 32, 4], ['retval', 36, 4],
];

export const SOCKOPT_LAYOUT: CtxLayout = buildLayout('bpf_sockopt', 40, SOCKOPT, (n) => {
  if (n === 'sk') return { sizes: [8], kind: 'sock' };
  if (n === 'optval') return { sizes: [8], kind: 'pkt', doc: 'Start of the option value buffer.' };
  if (n === 'optval_end') return { sizes: [8], kind: 'pkt_end', doc: 'End of the option value buffer.' };
  if (n === 'level' || n === 'optname') return { writable: true, writableAttachTypes: ['cgroup_setsockopt'] };
  if (n === 'optlen') return { writable: true };
  if (n === 'retval') return { writable: true, attachTypes: ['cgroup_getsockopt'], writableAttachTypes: ['cgroup_getsockopt'] };
  return undefined;
}, 'A getsockopt or setsockopt call; the program may inspect and rewrite level, name, value and length.', 'cgroup_sockopt');

const DEV_CTX: RawFields = [
  ['access_type', 0, 4], ['major', 4, 4], ['minor', 8, 4],
];

export const CGROUP_DEV_LAYOUT: CtxLayout = buildLayout('bpf_cgroup_dev_ctx', 12, DEV_CTX, (n) => {
  if (n === 'access_type') return { narrow: true, doc: 'Device type in the low 16 bits, access (read/write/mknod) in the high 16.' };
  return undefined;
}, 'A device access being checked.', 'cgroup_device');

const FLOW_KEYS: RawFields = [
  ['nhoff', 0, 2], ['thoff', 2, 2], ['addr_proto', 4, 2], ['is_frag', 6, 1],
  ['is_first_frag', 7, 1], ['is_encap', 8, 1], ['ip_proto', 9, 1], ['n_proto', 10, 2],
  ['sport', 12, 2], ['dport', 14, 2], ['ipv4_src', 16, 4], ['ipv4_dst', 20, 4],
  ['ipv6_src[0]', 16, 4], ['ipv6_src[1]', 20, 4], ['ipv6_src[2]', 24, 4], ['ipv6_src[3]', 28, 4],
  ['ipv6_dst[0]', 32, 4], ['ipv6_dst[1]', 36, 4], ['ipv6_dst[2]', 40, 4], ['ipv6_dst[3]', 44, 4],
  ['flags', 48, 4], ['flow_label', 52, 4],
];

/** Reached through __sk_buff.flow_keys; any access inside the struct may read or write. */
export const FLOW_KEYS_LAYOUT: CtxLayout = buildLayout('bpf_flow_keys', 56, FLOW_KEYS, () => ({ writable: true, narrow: true }),
  'The flow a flow dissector program reports: offsets, protocols, addresses and ports.');
