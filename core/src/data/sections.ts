/**
 * libbpf's SEC() name rules: which program type (and expected attach type) a section name selects.
 *
 * Facts from the section_defs[] table and sec_def_matches() of libbpf's src/libbpf.c as synced with
 * Linux 6.18 (libbpf commit 379ac32f, October 2025). To check or regenerate: print the SEC_DEF lines of
 * that table and compare them row by row with SECTION_RULES below (same order, "+" suffix means
 * match 'exact-or-slash', a trailing "/" means 'prefix', anything else 'exact'); attach types are the
 * enum bpf_attach_type names in lower case without BPF_.
 *
 * The rules form one ordered table and the first match wins, exactly as libbpf walks it; order matters
 * ("sk_reuseport/migrate" before "sk_reuseport", "xdp.frags/devmap" before "xdp"). After libbpf's own
 * rules come a few `legacy` rules that reproduce the loose prefix matching of libbpf before 1.0, so that
 * old sources ("classifier/ingress", "xdp_prog", "socket1") still get a type; callers may warn on them.
 */
import type { SectionRule } from './types';

export const SECTION_RULES: SectionRule[] = [
  { prefix: 'socket', progType: 'socket_filter', match: 'exact' },
  { prefix: 'sk_reuseport/migrate', progType: 'sk_reuseport', attachType: 'sk_reuseport_select_or_migrate', match: 'exact' },
  { prefix: 'sk_reuseport', progType: 'sk_reuseport', attachType: 'sk_reuseport_select', match: 'exact' },
  { prefix: 'kprobe', progType: 'kprobe', match: 'exact-or-slash' },
  { prefix: 'uprobe', progType: 'kprobe', match: 'exact-or-slash' },
  { prefix: 'uprobe.s', progType: 'kprobe', match: 'exact-or-slash', sleepable: true },
  { prefix: 'kretprobe', progType: 'kprobe', match: 'exact-or-slash', retprobe: true },
  { prefix: 'uretprobe', progType: 'kprobe', match: 'exact-or-slash', retprobe: true },
  { prefix: 'uretprobe.s', progType: 'kprobe', match: 'exact-or-slash', sleepable: true, retprobe: true },
  { prefix: 'kprobe.multi', progType: 'kprobe', attachType: 'trace_kprobe_multi', match: 'exact-or-slash' },
  { prefix: 'kretprobe.multi', progType: 'kprobe', attachType: 'trace_kprobe_multi', match: 'exact-or-slash', retprobe: true },
  { prefix: 'kprobe.session', progType: 'kprobe', attachType: 'trace_kprobe_session', match: 'exact-or-slash' },
  { prefix: 'uprobe.multi', progType: 'kprobe', attachType: 'trace_uprobe_multi', match: 'exact-or-slash' },
  { prefix: 'uretprobe.multi', progType: 'kprobe', attachType: 'trace_uprobe_multi', match: 'exact-or-slash', retprobe: true },
  { prefix: 'uprobe.session', progType: 'kprobe', attachType: 'trace_uprobe_session', match: 'exact-or-slash' },
  { prefix: 'uprobe.multi.s', progType: 'kprobe', attachType: 'trace_uprobe_multi', match: 'exact-or-slash', sleepable: true },
  { prefix: 'uretprobe.multi.s', progType: 'kprobe', attachType: 'trace_uprobe_multi', match: 'exact-or-slash', sleepable: true, retprobe: true },
  { prefix: 'uprobe.session.s', progType: 'kprobe', attachType: 'trace_uprobe_session', match: 'exact-or-slash', sleepable: true },
  { prefix: 'ksyscall', progType: 'kprobe', match: 'exact-or-slash' },
  { prefix: 'kretsyscall', progType: 'kprobe', match: 'exact-or-slash', retprobe: true },
  { prefix: 'usdt', progType: 'kprobe', match: 'exact-or-slash' },
  { prefix: 'usdt.s', progType: 'kprobe', match: 'exact-or-slash', sleepable: true },
  { prefix: 'tc/ingress', progType: 'sched_cls', attachType: 'tcx_ingress', match: 'exact' },
  { prefix: 'tc/egress', progType: 'sched_cls', attachType: 'tcx_egress', match: 'exact' },
  { prefix: 'tcx/ingress', progType: 'sched_cls', attachType: 'tcx_ingress', match: 'exact' },
  { prefix: 'tcx/egress', progType: 'sched_cls', attachType: 'tcx_egress', match: 'exact' },
  { prefix: 'tc', progType: 'sched_cls', match: 'exact' },
  { prefix: 'classifier', progType: 'sched_cls', match: 'exact' },
  { prefix: 'action', progType: 'sched_act', match: 'exact' },
  { prefix: 'netkit/primary', progType: 'sched_cls', attachType: 'netkit_primary', match: 'exact' },
  { prefix: 'netkit/peer', progType: 'sched_cls', attachType: 'netkit_peer', match: 'exact' },
  { prefix: 'tracepoint', progType: 'tracepoint', match: 'exact-or-slash' },
  { prefix: 'tp', progType: 'tracepoint', match: 'exact-or-slash' },
  { prefix: 'raw_tracepoint', progType: 'raw_tracepoint', match: 'exact-or-slash' },
  { prefix: 'raw_tp', progType: 'raw_tracepoint', match: 'exact-or-slash' },
  { prefix: 'raw_tracepoint.w', progType: 'raw_tracepoint_writable', match: 'exact-or-slash' },
  { prefix: 'raw_tp.w', progType: 'raw_tracepoint_writable', match: 'exact-or-slash' },
  { prefix: 'tp_btf', progType: 'tracing', attachType: 'trace_raw_tp', match: 'exact-or-slash' },
  { prefix: 'fentry', progType: 'tracing', attachType: 'trace_fentry', match: 'exact-or-slash' },
  { prefix: 'fmod_ret', progType: 'tracing', attachType: 'modify_return', match: 'exact-or-slash' },
  { prefix: 'fexit', progType: 'tracing', attachType: 'trace_fexit', match: 'exact-or-slash' },
  { prefix: 'fentry.s', progType: 'tracing', attachType: 'trace_fentry', match: 'exact-or-slash', sleepable: true },
  { prefix: 'fmod_ret.s', progType: 'tracing', attachType: 'modify_return', match: 'exact-or-slash', sleepable: true },
  { prefix: 'fexit.s', progType: 'tracing', attachType: 'trace_fexit', match: 'exact-or-slash', sleepable: true },
  { prefix: 'freplace', progType: 'ext', match: 'exact-or-slash' },
  { prefix: 'lsm', progType: 'lsm', attachType: 'lsm_mac', match: 'exact-or-slash' },
  { prefix: 'lsm.s', progType: 'lsm', attachType: 'lsm_mac', match: 'exact-or-slash', sleepable: true },
  { prefix: 'lsm_cgroup', progType: 'lsm', attachType: 'lsm_cgroup', match: 'exact-or-slash' },
  { prefix: 'iter', progType: 'tracing', attachType: 'trace_iter', match: 'exact-or-slash' },
  { prefix: 'iter.s', progType: 'tracing', attachType: 'trace_iter', match: 'exact-or-slash', sleepable: true },
  { prefix: 'syscall', progType: 'syscall', match: 'exact', sleepable: true },
  { prefix: 'xdp.frags/devmap', progType: 'xdp', attachType: 'xdp_devmap', match: 'exact', xdpFrags: true },
  { prefix: 'xdp/devmap', progType: 'xdp', attachType: 'xdp_devmap', match: 'exact' },
  { prefix: 'xdp.frags/cpumap', progType: 'xdp', attachType: 'xdp_cpumap', match: 'exact', xdpFrags: true },
  { prefix: 'xdp/cpumap', progType: 'xdp', attachType: 'xdp_cpumap', match: 'exact' },
  { prefix: 'xdp.frags', progType: 'xdp', attachType: 'xdp', match: 'exact', xdpFrags: true },
  { prefix: 'xdp', progType: 'xdp', attachType: 'xdp', match: 'exact' },
  { prefix: 'perf_event', progType: 'perf_event', match: 'exact' },
  { prefix: 'lwt_in', progType: 'lwt_in', match: 'exact' },
  { prefix: 'lwt_out', progType: 'lwt_out', match: 'exact' },
  { prefix: 'lwt_xmit', progType: 'lwt_xmit', match: 'exact' },
  { prefix: 'lwt_seg6local', progType: 'lwt_seg6local', match: 'exact' },
  { prefix: 'sockops', progType: 'sock_ops', attachType: 'cgroup_sock_ops', match: 'exact' },
  { prefix: 'sk_skb/stream_parser', progType: 'sk_skb', attachType: 'sk_skb_stream_parser', match: 'exact' },
  { prefix: 'sk_skb/stream_verdict', progType: 'sk_skb', attachType: 'sk_skb_stream_verdict', match: 'exact' },
  { prefix: 'sk_skb/verdict', progType: 'sk_skb', attachType: 'sk_skb_verdict', match: 'exact' },
  { prefix: 'sk_skb', progType: 'sk_skb', match: 'exact' },
  { prefix: 'sk_msg', progType: 'sk_msg', attachType: 'sk_msg_verdict', match: 'exact' },
  { prefix: 'lirc_mode2', progType: 'lirc_mode2', attachType: 'lirc_mode2', match: 'exact' },
  { prefix: 'flow_dissector', progType: 'flow_dissector', attachType: 'flow_dissector', match: 'exact' },
  { prefix: 'cgroup_skb/ingress', progType: 'cgroup_skb', attachType: 'cgroup_inet_ingress', match: 'exact' },
  { prefix: 'cgroup_skb/egress', progType: 'cgroup_skb', attachType: 'cgroup_inet_egress', match: 'exact' },
  { prefix: 'cgroup/skb', progType: 'cgroup_skb', match: 'exact' },
  { prefix: 'cgroup/sock_create', progType: 'cgroup_sock', attachType: 'cgroup_inet_sock_create', match: 'exact' },
  { prefix: 'cgroup/sock_release', progType: 'cgroup_sock', attachType: 'cgroup_inet_sock_release', match: 'exact' },
  { prefix: 'cgroup/sock', progType: 'cgroup_sock', attachType: 'cgroup_inet_sock_create', match: 'exact' },
  { prefix: 'cgroup/post_bind4', progType: 'cgroup_sock', attachType: 'cgroup_inet4_post_bind', match: 'exact' },
  { prefix: 'cgroup/post_bind6', progType: 'cgroup_sock', attachType: 'cgroup_inet6_post_bind', match: 'exact' },
  { prefix: 'cgroup/bind4', progType: 'cgroup_sock_addr', attachType: 'cgroup_inet4_bind', match: 'exact' },
  { prefix: 'cgroup/bind6', progType: 'cgroup_sock_addr', attachType: 'cgroup_inet6_bind', match: 'exact' },
  { prefix: 'cgroup/connect4', progType: 'cgroup_sock_addr', attachType: 'cgroup_inet4_connect', match: 'exact' },
  { prefix: 'cgroup/connect6', progType: 'cgroup_sock_addr', attachType: 'cgroup_inet6_connect', match: 'exact' },
  { prefix: 'cgroup/connect_unix', progType: 'cgroup_sock_addr', attachType: 'cgroup_unix_connect', match: 'exact' },
  { prefix: 'cgroup/sendmsg4', progType: 'cgroup_sock_addr', attachType: 'cgroup_udp4_sendmsg', match: 'exact' },
  { prefix: 'cgroup/sendmsg6', progType: 'cgroup_sock_addr', attachType: 'cgroup_udp6_sendmsg', match: 'exact' },
  { prefix: 'cgroup/sendmsg_unix', progType: 'cgroup_sock_addr', attachType: 'cgroup_unix_sendmsg', match: 'exact' },
  { prefix: 'cgroup/recvmsg4', progType: 'cgroup_sock_addr', attachType: 'cgroup_udp4_recvmsg', match: 'exact' },
  { prefix: 'cgroup/recvmsg6', progType: 'cgroup_sock_addr', attachType: 'cgroup_udp6_recvmsg', match: 'exact' },
  { prefix: 'cgroup/recvmsg_unix', progType: 'cgroup_sock_addr', attachType: 'cgroup_unix_recvmsg', match: 'exact' },
  { prefix: 'cgroup/getpeername4', progType: 'cgroup_sock_addr', attachType: 'cgroup_inet4_getpeername', match: 'exact' },
  { prefix: 'cgroup/getpeername6', progType: 'cgroup_sock_addr', attachType: 'cgroup_inet6_getpeername', match: 'exact' },
  { prefix: 'cgroup/getpeername_unix', progType: 'cgroup_sock_addr', attachType: 'cgroup_unix_getpeername', match: 'exact' },
  { prefix: 'cgroup/getsockname4', progType: 'cgroup_sock_addr', attachType: 'cgroup_inet4_getsockname', match: 'exact' },
  { prefix: 'cgroup/getsockname6', progType: 'cgroup_sock_addr', attachType: 'cgroup_inet6_getsockname', match: 'exact' },
  { prefix: 'cgroup/getsockname_unix', progType: 'cgroup_sock_addr', attachType: 'cgroup_unix_getsockname', match: 'exact' },
  { prefix: 'cgroup/sysctl', progType: 'cgroup_sysctl', attachType: 'cgroup_sysctl', match: 'exact' },
  { prefix: 'cgroup/getsockopt', progType: 'cgroup_sockopt', attachType: 'cgroup_getsockopt', match: 'exact' },
  { prefix: 'cgroup/setsockopt', progType: 'cgroup_sockopt', attachType: 'cgroup_setsockopt', match: 'exact' },
  { prefix: 'cgroup/dev', progType: 'cgroup_device', attachType: 'cgroup_device', match: 'exact' },
  { prefix: 'struct_ops', progType: 'struct_ops', match: 'exact-or-slash' },
  { prefix: 'struct_ops.s', progType: 'struct_ops', match: 'exact-or-slash', sleepable: true },
  { prefix: 'sk_lookup', progType: 'sk_lookup', attachType: 'sk_lookup', match: 'exact' },
  { prefix: 'netfilter', progType: 'netfilter', attachType: 'netfilter', match: 'exact' },
  // libbpf < 1.0 matched most of the rules above by plain prefix. Keep that as a fallback only.
  { prefix: 'socket', progType: 'socket_filter', match: 'prefix', legacy: true },
  { prefix: 'sk_reuseport', progType: 'sk_reuseport', attachType: 'sk_reuseport_select', match: 'prefix', legacy: true },
  { prefix: 'kprobe', progType: 'kprobe', match: 'prefix', legacy: true },
  { prefix: 'kretprobe', progType: 'kprobe', match: 'prefix', legacy: true, retprobe: true },
  { prefix: 'uprobe', progType: 'kprobe', match: 'prefix', legacy: true },
  { prefix: 'uretprobe', progType: 'kprobe', match: 'prefix', legacy: true, retprobe: true },
  { prefix: 'classifier', progType: 'sched_cls', match: 'prefix', legacy: true },
  { prefix: 'action', progType: 'sched_act', match: 'prefix', legacy: true },
  { prefix: 'tc', progType: 'sched_cls', match: 'prefix', legacy: true },
  { prefix: 'tracepoint', progType: 'tracepoint', match: 'prefix', legacy: true },
  { prefix: 'raw_tracepoint', progType: 'raw_tracepoint', match: 'prefix', legacy: true },
  { prefix: 'raw_tp', progType: 'raw_tracepoint', match: 'prefix', legacy: true },
  { prefix: 'tp', progType: 'tracepoint', match: 'prefix', legacy: true },
  { prefix: 'xdp', progType: 'xdp', attachType: 'xdp', match: 'prefix', legacy: true },
  { prefix: 'perf_event', progType: 'perf_event', match: 'prefix', legacy: true },
  { prefix: 'lwt_in', progType: 'lwt_in', match: 'prefix', legacy: true },
  { prefix: 'lwt_out', progType: 'lwt_out', match: 'prefix', legacy: true },
  { prefix: 'lwt_xmit', progType: 'lwt_xmit', match: 'prefix', legacy: true },
  { prefix: 'lwt_seg6local', progType: 'lwt_seg6local', match: 'prefix', legacy: true },
  { prefix: 'sockops', progType: 'sock_ops', attachType: 'cgroup_sock_ops', match: 'prefix', legacy: true },
  { prefix: 'sk_skb', progType: 'sk_skb', match: 'prefix', legacy: true },
  { prefix: 'sk_msg', progType: 'sk_msg', attachType: 'sk_msg_verdict', match: 'prefix', legacy: true },
  { prefix: 'lirc_mode2', progType: 'lirc_mode2', attachType: 'lirc_mode2', match: 'prefix', legacy: true },
  { prefix: 'flow_dissector', progType: 'flow_dissector', attachType: 'flow_dissector', match: 'prefix', legacy: true },
  { prefix: 'cgroup_skb/ingress', progType: 'cgroup_skb', attachType: 'cgroup_inet_ingress', match: 'prefix', legacy: true },
  { prefix: 'cgroup_skb/egress', progType: 'cgroup_skb', attachType: 'cgroup_inet_egress', match: 'prefix', legacy: true },
  { prefix: 'cgroup/skb', progType: 'cgroup_skb', match: 'prefix', legacy: true },
  { prefix: 'cgroup/dev', progType: 'cgroup_device', attachType: 'cgroup_device', match: 'prefix', legacy: true },
];

/** Whether one rule accepts a section name, with libbpf's three kinds of matching. */
export function sectionRuleMatches(rule: SectionRule, section: string): boolean {
  switch (rule.match) {
    case 'exact':
      return section === rule.prefix;
    case 'prefix':
      return section.startsWith(rule.prefix);
    case 'exact-or-slash':
      // "kprobe+" accepts "kprobe" and "kprobe/anything", never "kprobex".
      return section === rule.prefix || section.startsWith(rule.prefix + '/');
  }
}

/** The first rule that accepts a section name. A leading "?" (libbpf: do not auto-load) is ignored. */
export function sectionRuleFor(section: string): SectionRule | undefined {
  const name = section.startsWith('?') ? section.slice(1) : section;
  if (name.length === 0) return undefined;
  return SECTION_RULES.find((rule) => sectionRuleMatches(rule, name));
}

/** What a section name selects, as libbpf would load it; undefined when no rule matches. */
export interface SectionProgType {
  progType: string;
  /** Expected attach type, lower case without BPF_ (e.g. "cgroup_inet_ingress", "trace_fentry"). */
  attachType?: string;
  sleepable?: boolean;
  /** A kretprobe/uretprobe section: same program and attach type as the entry probe. */
  retprobe?: boolean;
  xdpFrags?: boolean;
  /** Set when only a pre-1.0 libbpf rule matched. */
  legacy?: boolean;
}

export function progTypeForSection(section: string): SectionProgType | undefined {
  const rule = sectionRuleFor(section);
  if (!rule) return undefined;
  const out: SectionProgType = { progType: rule.progType };
  if (rule.attachType !== undefined) out.attachType = rule.attachType;
  if (rule.sleepable) out.sleepable = true;
  if (rule.retprobe) out.retprobe = true;
  if (rule.xdpFrags) out.xdpFrags = true;
  if (rule.legacy) out.legacy = true;
  return out;
}

/**
 * Section names for completion: every current rule's name once, in table order. Rules that take a
 * target ("kprobe", "fentry", ...) appear without the "/target" part.
 */
export const SECTION_NAMES: string[] = [
  ...new Set(SECTION_RULES.filter((r) => !r.legacy).map((r) => r.prefix.replace(/\/$/, ''))),
];

/** Section names that expect a "/target" suffix (a function, tracepoint, hook or struct_ops member). */
export const SECTION_NAMES_WITH_TARGET: string[] = [
  ...new Set(SECTION_RULES.filter((r) => !r.legacy && r.match !== 'exact').map((r) => r.prefix.replace(/\/$/, ''))),
];
