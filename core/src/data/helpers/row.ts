/**
 * The row builder of the helper tables. A row states the kernel's facts as the kernel spells them
 * (argument and return types of the bpf_func_proto without the ARG_/RET_ prefix); the coarse kinds in
 * HelperInfo.args and .ret are derived here, so each fact is written once.
 */
import type { HelperArgKind, HelperInfo, HelperRetKind } from '../types';

export interface RowExtra {
  /** gpl_only in the proto. */
  gpl?: boolean;
  /** might_sleep in the proto. */
  sleep?: boolean;
  /** pkt_access in the proto: the helper accepts packet pointers for its memory arguments. */
  pkt?: boolean;
  /** arg sizes of ARG_PTR_TO_FIXED_SIZE_MEM arguments, by 0-based argument index. */
  sizes?: { [arg: number]: number };
  /** The proto the row was taken from when it is not bpf_<name>_proto. */
  proto?: string;
}

/** Maps one kernel argument type (flags included, prefix stripped) to our coarse kind. */
export function argKind(kernel: string, fixedSize?: number): HelperArgKind {
  const parts = kernel.split('|').map((p) => p.trim());
  const base = parts[0] ?? '';
  const has = (flag: string): boolean => parts.includes(flag);
  switch (base) {
    case 'ANYTHING': return 'anything';
    case 'SCALAR': return 'anything';
    case 'CONST_MAP_PTR': return 'const_map_ptr';
    case 'CONST_SIZE': return 'const_size';
    case 'CONST_SIZE_OR_ZERO': return 'const_size_or_zero';
    case 'CONST_ALLOC_SIZE_OR_ZERO': return 'const_alloc_size_or_zero';
    case 'PTR_TO_MAP_KEY': return 'ptr_to_map_key';
    case 'PTR_TO_MAP_VALUE':
      if (has('MEM_UNINIT')) return 'ptr_to_uninit_map_value';
      return has('PTR_MAYBE_NULL') ? 'ptr_to_map_value_or_null' : 'ptr_to_map_value';
    case 'PTR_TO_MAP_VALUE_OR_NULL': return 'ptr_to_map_value_or_null';
    case 'PTR_TO_UNINIT_MAP_VALUE': return 'ptr_to_uninit_map_value';
    case 'PTR_TO_MEM':
      if (has('PTR_MAYBE_NULL')) return 'ptr_to_mem_or_null';
      if (has('MEM_UNINIT')) return 'ptr_to_uninit_mem';
      return has('MEM_RDONLY') ? 'ptr_to_readonly_mem' : 'ptr_to_mem';
    case 'PTR_TO_MEM_OR_NULL': return 'ptr_to_mem_or_null';
    case 'PTR_TO_UNINIT_MEM': return 'ptr_to_uninit_mem';
    case 'PTR_TO_FIXED_SIZE_MEM':
      // The kernel replaced ARG_PTR_TO_LONG/INT by fixed-size memory with MEM_UNINIT | MEM_ALIGNED.
      if (has('MEM_ALIGNED') && fixedSize === 8) return 'ptr_to_long';
      if (has('MEM_ALIGNED') && fixedSize === 4) return 'ptr_to_int';
      return has('MEM_UNINIT') ? 'ptr_to_uninit_mem' : 'ptr_to_mem';
    case 'PTR_TO_CTX': return has('PTR_MAYBE_NULL') ? 'ptr_to_ctx_or_null' : 'ptr_to_ctx';
    case 'PTR_TO_CTX_OR_NULL': return 'ptr_to_ctx_or_null';
    case 'PTR_TO_STACK': return has('PTR_MAYBE_NULL') ? 'ptr_to_stack_or_null' : 'ptr_to_stack';
    case 'PTR_TO_STACK_OR_NULL': return 'ptr_to_stack_or_null';
    case 'PTR_TO_FUNC': return 'ptr_to_func';
    case 'PTR_TO_CONST_STR': return 'ptr_to_const_str';
    case 'PTR_TO_SOCK_COMMON': return 'ptr_to_sock_common';
    case 'PTR_TO_SOCKET': return has('PTR_MAYBE_NULL') ? 'ptr_to_socket_or_null' : 'ptr_to_socket';
    case 'PTR_TO_BTF_ID': case 'PTR_TO_BTF_ID_OR_NULL': return 'ptr_to_btf_id';
    case 'PTR_TO_BTF_ID_SOCK_COMMON': return 'ptr_to_btf_id_sock_common';
    case 'PTR_TO_PERCPU_BTF_ID': return 'ptr_to_percpu_btf_id';
    case 'PTR_TO_ALLOC_MEM': return 'ptr_to_alloc_mem';
    case 'PTR_TO_RINGBUF_MEM': return 'ptr_to_ringbuf_mem';
    case 'PTR_TO_SPIN_LOCK': return 'ptr_to_spin_lock';
    case 'PTR_TO_TIMER': return 'ptr_to_timer';
    case 'PTR_TO_DYNPTR': return 'ptr_to_dynptr';
    default: return 'other';
  }
}

/** Maps the kernel return type to our coarse kind. */
export function retKind(kernel: string): HelperRetKind {
  const parts = kernel.split('|').map((p) => p.trim());
  const base = parts[0] ?? '';
  const maybeNull = parts.includes('PTR_MAYBE_NULL');
  switch (base) {
    case 'INTEGER': return 'integer';
    case 'VOID': return 'void';
    case 'PTR_TO_MAP_VALUE': return maybeNull ? 'ptr_to_map_value_or_null' : 'ptr_to_map_value';
    case 'PTR_TO_MAP_VALUE_OR_NULL': return 'ptr_to_map_value_or_null';
    case 'PTR_TO_SOCKET_OR_NULL': return 'ptr_to_socket_or_null';
    case 'PTR_TO_TCP_SOCK_OR_NULL': return 'ptr_to_tcp_sock_or_null';
    case 'PTR_TO_SOCK_COMMON_OR_NULL': return 'ptr_to_sock_common_or_null';
    case 'PTR_TO_RINGBUF_MEM_OR_NULL': case 'PTR_TO_ALLOC_MEM_OR_NULL': case 'PTR_TO_DYNPTR_MEM_OR_NULL':
      return 'ptr_to_alloc_mem_or_null';
    case 'PTR_TO_MEM_OR_BTF_ID': return maybeNull ? 'ptr_to_mem_or_btf_id_or_null' : 'ptr_to_mem_or_btf_id';
    case 'PTR_TO_BTF_ID_OR_NULL': return 'ptr_to_btf_id_or_null';
    case 'PTR_TO_BTF_ID': case 'PTR_TO_BTF_ID_TRUSTED': return maybeNull ? 'ptr_to_btf_id_or_null' : 'ptr_to_btf_id';
    default: return 'other';
  }
}

/** Builds one HelperInfo from a table row. */
export function h(
  id: number, shortName: string, since: string, ret: string, args: string[],
  signature: string, doc: string, extra: RowExtra = {},
): HelperInfo {
  const info: HelperInfo = {
    id,
    name: 'bpf_' + shortName,
    signature,
    doc,
    args: args.map((a, i) => argKind(a, extra.sizes?.[i])),
    ret: retKind(ret),
    since,
    kernelArgs: args.map((a) => 'ARG_' + a),
    kernelRet: 'RET_' + ret,
    proto: extra.proto ?? `bpf_${shortName}_proto`,
  };
  if (extra.gpl) info.gplOnly = true;
  if (extra.pkt) info.pktAccess = true;
  if (extra.sleep) info.mightSleep = true;
  if (extra.sizes) info.argSizes = extra.sizes;
  return info;
}
