/**
 * Types of the upstream-fact tables in this folder: helper functions, program types and libbpf's
 * section-name rules, map types and context layouts. The data files say where their facts come from.
 */

/** Argument kinds of helper prototypes, after the kernel's enum bpf_arg_type (lower case, no ARG_ prefix). */
export type HelperArgKind =
  | 'anything' | 'const_map_ptr' | 'ptr_to_map_key' | 'ptr_to_map_value' | 'ptr_to_map_value_or_null'
  | 'ptr_to_uninit_map_value' | 'ptr_to_mem' | 'ptr_to_mem_or_null' | 'ptr_to_uninit_mem' | 'ptr_to_readonly_mem'
  | 'const_size' | 'const_size_or_zero' | 'ptr_to_ctx' | 'ptr_to_ctx_or_null' | 'ptr_to_stack'
  | 'ptr_to_stack_or_null' | 'ptr_to_func' | 'ptr_to_const_str' | 'ptr_to_long' | 'ptr_to_int'
  | 'ptr_to_sock_common' | 'ptr_to_socket' | 'ptr_to_socket_or_null' | 'ptr_to_btf_id' | 'ptr_to_alloc_mem'
  | 'ptr_to_ringbuf_mem' | 'ptr_to_spin_lock' | 'ptr_to_timer' | 'ptr_to_dynptr' | 'ptr_to_percpu_btf_id'
  | 'const_alloc_size_or_zero' | 'ptr_to_btf_id_sock_common' | 'scalar_or_null' | 'other';

/** Return kinds after enum bpf_return_type. */
export type HelperRetKind =
  | 'integer' | 'void' | 'ptr_to_map_value_or_null' | 'ptr_to_socket_or_null' | 'ptr_to_tcp_sock_or_null'
  | 'ptr_to_sock_common_or_null' | 'ptr_to_alloc_mem_or_null' | 'ptr_to_mem_or_btf_id_or_null'
  | 'ptr_to_mem_or_btf_id' | 'ptr_to_btf_id_or_null' | 'ptr_to_btf_id' | 'ptr_to_map_value' | 'ptr_to_func' | 'other';

export interface HelperInfo {
  id: number;
  /** Full name, e.g. bpf_map_lookup_elem. */
  name: string;
  /** C signature as in the kernel's UAPI documentation. */
  signature: string;
  /** One or two sentences in our own words. */
  doc: string;
  args: HelperArgKind[];
  ret: HelperRetKind;
  /** First kernel version that has the helper, e.g. "4.1". */
  since?: string;
  /** Program type names that may call it; undefined means every type that has the base helpers. */
  progTypes?: string[];
  /** Whether the helper needs privileges (CAP_BPF / CAP_PERFMON / CAP_SYS_ADMIN) when unprivileged rules apply. */
  privileged?: boolean;
  /** Only programs with a GPL-compatible license may call it. */
  gplOnly?: boolean;
  /** The proto sets pkt_access: memory arguments may be packet pointers. */
  pktAccess?: boolean;
  /** The helper may sleep: only sleepable programs may call it. */
  mightSleep?: boolean;
  /** The kernel's argument types verbatim (e.g. "ARG_PTR_TO_MEM | MEM_RDONLY"), for checks finer than `args`. */
  kernelArgs?: string[];
  /** The kernel's return type verbatim (e.g. "RET_PTR_TO_MAP_VALUE_OR_NULL"). */
  kernelRet?: string;
  /** Fixed sizes of ARG_PTR_TO_FIXED_SIZE_MEM arguments, by argument index (0-based). */
  argSizes?: { [arg: number]: number };
  /** Name of the kernel bpf_func_proto the kinds were taken from (some helpers have one per program type). */
  proto?: string;
}

export interface ProgTypeInfo {
  /** Lower case without BPF_PROG_TYPE_. */
  name: string;
  /** The kernel enum value. */
  id: number;
  /** Context structure the program receives in r1, e.g. "__sk_buff", "xdp_md". */
  ctx?: string;
  /** Allowed return value range when the kernel checks it ([min, max], inclusive). */
  retRange?: [number, number];
  /** Ranges that replace retRange for some expected attach types (lower case, no BPF_), e.g. cgroup_inet_egress. */
  retRangeByAttach?: { [attachType: string]: [number, number] };
  /** What the verifier checks about R0 at exit when a fixed range does not say it all. */
  retNote?: string;
  /** One sentence in our own words. */
  doc?: string;
}

/** One of libbpf's SEC() rules, tried in order; the first match wins. */
export interface SectionRule {
  /** Section prefix as libbpf writes it, e.g. "xdp", "tc", "kprobe/". */
  prefix: string;
  progType: string;
  attachType?: string;
  /** Whether the section name must equal the prefix exactly, or may continue with "/..." or anything. */
  match: 'exact' | 'prefix' | 'exact-or-slash';
  /** libbpf loads the program with BPF_F_SLEEPABLE (the ".s" sections). */
  sleepable?: boolean;
  /**
   * A return probe (kretprobe, uretprobe, kretsyscall and their .multi forms). The kernel sees the same
   * program type and attach type as for the entry probe; libbpf only attaches it differently.
   */
  retprobe?: boolean;
  /** libbpf loads the program with BPF_F_XDP_HAS_FRAGS (the "xdp.frags" sections). */
  xdpFrags?: boolean;
  /**
   * A rule libbpf 1.x no longer has: the loose prefix matching of libbpf before 1.0 (still used by old
   * samples, e.g. "classifier/foo" or "xdp_prog"). Tried only after every current rule.
   */
  legacy?: boolean;
}

export interface MapTypeInfo {
  name: string;
  id: number;
  /** Fixed key size if the type requires one (e.g. array: 4), or 0 when the type has no keys. */
  keySize?: number;
  doc: string;
}

export interface CtxField {
  name: string;
  offset: number;
  size: number;
  /** Whether programs may write the field, and for which program types when it depends on them. */
  writable?: boolean | string[];
  /** The register type a load of the field produces (e.g. pkt for __sk_buff.data). */
  kind?: 'scalar' | 'pkt' | 'pkt_end' | 'pkt_meta' | 'sock' | 'ptr' | 'sock_or_null' | 'sock_common_or_null' | 'flow_keys';
  /** Narrow loads (smaller than the field) allowed. */
  narrow?: boolean;
  /** Narrow loads only at the field's first byte (the kernel matches the exact offset, e.g. bpf_sock.family). */
  narrowStartOnly?: boolean;
  doc?: string;
  /** Whether programs may read the field (undefined: yes). Per-program-type views resolve this to a boolean. */
  readable?: boolean;
  /**
   * Access sizes the verifier accepts, when they are not simply `size` (plus 1, 2, ... for narrow reads):
   * e.g. [1, 2, 4, 8] for __sk_buff.cb[] (an 8-byte access must stay inside cb).
   */
  sizes?: number[];
  /** Store sizes, when they differ from `sizes` (e.g. bpf_sock_addr.user_ip6: reads 1..8, writes 4 or 8). */
  writeSizes?: number[];
  /** Expected attach types (lower case, no BPF_) for which the field is accessible; undefined: all. */
  attachTypes?: string[];
  /** Attach types for which the field is writable, when only some are (e.g. bpf_sockopt.retval). */
  writableAttachTypes?: string[];
}

export interface CtxLayout {
  name: string;
  size: number;
  fields: CtxField[];
  /** Set on per-program-type views: the program type whose access rules the fields carry. */
  progType?: string;
  /** One or two sentences about the context in our own words. */
  doc?: string;
}
