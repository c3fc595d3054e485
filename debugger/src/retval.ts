/**
 * What a program's return value means for its program type, for the line the debugger prints when
 * the program ends (`r0 = 0x2 (XDP_PASS)`). The names are the kernel's uapi constants.
 */

const XDP = ['XDP_ABORTED', 'XDP_DROP', 'XDP_PASS', 'XDP_TX', 'XDP_REDIRECT'];
const TC: Record<number, string> = {
  [-1]: 'TC_ACT_UNSPEC', 0: 'TC_ACT_OK', 1: 'TC_ACT_RECLASSIFY', 2: 'TC_ACT_SHOT', 3: 'TC_ACT_PIPE',
  4: 'TC_ACT_STOLEN', 5: 'TC_ACT_QUEUED', 6: 'TC_ACT_REPEAT', 7: 'TC_ACT_REDIRECT', 8: 'TC_ACT_TRAP',
};

/** A short meaning of r0 for the program type, or undefined when the type gives it none. */
export function retvalMeaning(progType: string, r0: bigint): string | undefined {
  const s32 = Number(BigInt.asIntN(32, r0));
  switch (progType) {
    case 'xdp': return XDP[s32] ?? 'unknown XDP action (treated as XDP_ABORTED)';
    case 'sched_cls': case 'sched_act': return TC[s32] ?? 'unknown TC action';
    case 'socket_filter':
      return s32 === 0 ? 'drop the packet' : `keep ${r0 >= 0xffffffffn ? 'the whole packet' : `up to ${r0 & 0xffffffffn} bytes of the packet`}`;
    case 'cgroup_skb': return s32 === 1 ? 'allow' : s32 === 0 ? 'drop' : 'invalid (must be 0 or 1)';
    case 'lwt_in': case 'lwt_out': case 'lwt_xmit': case 'lwt_seg6local':
      return ['BPF_OK', 'BPF_DROP', 'BPF_REDIRECT'][s32] ?? (s32 === 100 ? 'BPF_LWT_REROUTE' : undefined);
    case 'sk_skb': case 'sk_msg': return ['SK_DROP', 'SK_PASS'][s32];
    default: return undefined;
  }
}
