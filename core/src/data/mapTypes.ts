/**
 * Map types and map creation flags: the kernel's enum bpf_map_type and the BPF_F_* bits of
 * BPF_MAP_CREATE's map_flags, with short descriptions for hover and completion.
 *
 * Facts from include/uapi/linux/bpf.h of Linux 6.18 (enum bpf_map_type, the anonymous map_flags enum and
 * the BPF_ANY/BPF_NOEXIST/BPF_EXIST/BPF_F_LOCK update flags). Key sizes follow the map_alloc_check
 * functions under kernel/bpf/. To check: the ids must follow the enum order (the test checks they are
 * contiguous from 0) and `bpftool feature probe kernel` lists the map types the running kernel accepts.
 * Types added after 6.18 (insn_array, rhash) are deliberately absent.
 */
import type { MapTypeInfo } from './types';

export const MAP_TYPES: MapTypeInfo[] = [
  { name: 'unspec', id: 0, doc: 'Placeholder value 0; cannot be created.' },
  { name: 'hash', id: 1, doc: 'Hash table with arbitrary fixed-size keys and values.' },
  { name: 'array', id: 2, keySize: 4, doc: 'Preallocated array indexed by a u32; elements cannot be deleted.' },
  { name: 'prog_array', id: 3, keySize: 4, doc: 'Array of program file descriptors, the jump table of bpf_tail_call.' },
  { name: 'perf_event_array', id: 4, keySize: 4, doc: 'Per-CPU perf event file descriptors, the target of bpf_perf_event_output.' },
  { name: 'percpu_hash', id: 5, doc: 'Hash table with one copy of each value per CPU.' },
  { name: 'percpu_array', id: 6, keySize: 4, doc: 'Array with one copy of each value per CPU.' },
  { name: 'stack_trace', id: 7, keySize: 4, doc: 'Stores stack traces collected by bpf_get_stackid, keyed by stack id.' },
  { name: 'cgroup_array', id: 8, keySize: 4, doc: 'Array of cgroup file descriptors for bpf_skb_under_cgroup and bpf_current_task_under_cgroup.' },
  { name: 'lru_hash', id: 9, doc: 'Hash table that evicts the least recently used entries when full.' },
  { name: 'lru_percpu_hash', id: 10, doc: 'LRU hash table with per-CPU values.' },
  { name: 'lpm_trie', id: 11, doc: 'Longest-prefix-match trie; keys start with a u32 prefix length followed by the data (e.g. an IP address).' },
  { name: 'array_of_maps', id: 12, keySize: 4, doc: 'Array whose values are other maps (map-in-map); a lookup returns the inner map.' },
  { name: 'hash_of_maps', id: 13, doc: 'Hash table whose values are other maps (map-in-map).' },
  { name: 'devmap', id: 14, keySize: 4, doc: 'Array of network devices used as bpf_redirect_map targets from XDP.' },
  { name: 'sockmap', id: 15, keySize: 4, doc: 'Array of sockets for sk_skb/sk_msg redirection and socket lookup.' },
  { name: 'cpumap', id: 16, keySize: 4, doc: 'Array of CPUs used as XDP redirect targets, moving packet processing to another CPU.' },
  { name: 'xskmap', id: 17, keySize: 4, doc: 'Array of AF_XDP sockets used as XDP redirect targets.' },
  { name: 'sockhash', id: 18, doc: 'Hash table of sockets for sk_skb/sk_msg redirection.' },
  { name: 'cgroup_storage', id: 19, doc: 'Per-cgroup storage for programs attached to cgroups (superseded by cgrp_storage).' },
  { name: 'reuseport_sockarray', id: 20, keySize: 4, doc: 'Array of SO_REUSEPORT sockets for bpf_sk_select_reuseport.' },
  { name: 'percpu_cgroup_storage', id: 21, doc: 'Per-CPU variant of cgroup_storage.' },
  { name: 'queue', id: 22, keySize: 0, doc: 'FIFO queue without keys, used with bpf_map_push_elem/pop_elem/peek_elem.' },
  { name: 'stack', id: 23, keySize: 0, doc: 'LIFO stack without keys, used with bpf_map_push_elem/pop_elem/peek_elem.' },
  { name: 'sk_storage', id: 24, keySize: 4, doc: 'Local storage attached to sockets (bpf_sk_storage_get); the key is a socket fd from user space.' },
  { name: 'devmap_hash', id: 25, keySize: 4, doc: 'Hash-indexed variant of devmap for sparse interface indexes.' },
  { name: 'struct_ops', id: 26, keySize: 4, doc: 'Holds one instance of a kernel struct of function pointers implemented by struct_ops programs.' },
  { name: 'ringbuf', id: 27, keySize: 0, doc: 'Multi-producer ring buffer shared by all CPUs, read from user space; max_entries is its size in bytes.' },
  { name: 'inode_storage', id: 28, keySize: 4, doc: 'Local storage attached to inodes (bpf_inode_storage_get).' },
  { name: 'task_storage', id: 29, keySize: 4, doc: 'Local storage attached to tasks (bpf_task_storage_get).' },
  { name: 'bloom_filter', id: 30, keySize: 0, doc: 'Bloom filter without keys: push adds a value, peek tests membership with possible false positives.' },
  { name: 'user_ringbuf', id: 31, keySize: 0, doc: 'Ring buffer written by user space and drained by programs with bpf_user_ringbuf_drain.' },
  { name: 'cgrp_storage', id: 32, keySize: 4, doc: 'Local storage attached to cgroups (bpf_cgrp_storage_get), usable by any program type.' },
  { name: 'arena', id: 33, keySize: 0, doc: 'Sparse memory region shared between programs and user space via mmap.' },
];

const byName = new Map<string, MapTypeInfo>(MAP_TYPES.map((t) => [t.name, t]));
// The UAPI renamed these two to *_DEPRECATED; both spellings denote the same id.
byName.set('cgroup_storage_deprecated', MAP_TYPES[19]!);
byName.set('percpu_cgroup_storage_deprecated', MAP_TYPES[21]!);

/** Looks a map type up by name: "hash", "HASH" or "BPF_MAP_TYPE_HASH". */
export function mapTypeByName(name: string): MapTypeInfo | undefined {
  return byName.get(name.trim().toLowerCase().replace(/^bpf_map_type_/, ''));
}

export function mapTypeById(id: number): MapTypeInfo | undefined {
  return MAP_TYPES.find((t) => t.id === id);
}

export interface FlagInfo {
  name: string;
  value: number;
  doc: string;
}

/** Bits of map_flags for BPF_MAP_CREATE. */
export const MAP_FLAGS: FlagInfo[] = [
  { name: 'BPF_F_NO_PREALLOC', value: 1 << 0, doc: 'Allocate hash elements on demand instead of up front.' },
  { name: 'BPF_F_NO_COMMON_LRU', value: 1 << 1, doc: 'Give each CPU its own LRU list instead of one shared list.' },
  { name: 'BPF_F_NUMA_NODE', value: 1 << 2, doc: 'Allocate the map on the NUMA node given in numa_node.' },
  { name: 'BPF_F_RDONLY', value: 1 << 3, doc: 'File descriptors of the map are read-only for the bpf() syscall.' },
  { name: 'BPF_F_WRONLY', value: 1 << 4, doc: 'File descriptors of the map are write-only for the bpf() syscall.' },
  { name: 'BPF_F_STACK_BUILD_ID', value: 1 << 5, doc: 'A stack_trace map stores build id and offset instead of addresses.' },
  { name: 'BPF_F_ZERO_SEED', value: 1 << 6, doc: 'Use a zero hash seed (for tests with reproducible layout).' },
  { name: 'BPF_F_RDONLY_PROG', value: 1 << 7, doc: 'Programs may only read the map.' },
  { name: 'BPF_F_WRONLY_PROG', value: 1 << 8, doc: 'Programs may only write the map.' },
  { name: 'BPF_F_CLONE', value: 1 << 9, doc: 'Clone the socket local storage when the socket is cloned.' },
  { name: 'BPF_F_MMAPABLE', value: 1 << 10, doc: 'Allow mmap() of an array (or arena) map from user space.' },
  { name: 'BPF_F_PRESERVE_ELEMS', value: 1 << 11, doc: 'Keep perf_event_array entries when the map file is closed.' },
  { name: 'BPF_F_INNER_MAP', value: 1 << 12, doc: 'An inner array map may differ in max_entries from its template.' },
  { name: 'BPF_F_LINK', value: 1 << 13, doc: 'Create a struct_ops map that is attached through a bpf_link.' },
  { name: 'BPF_F_PATH_FD', value: 1 << 14, doc: 'BPF_OBJ_PIN/GET take a directory fd plus a relative path.' },
  { name: 'BPF_F_VTYPE_BTF_OBJ_FD', value: 1 << 15, doc: 'value_type_btf_obj_fd names the BTF object of a struct_ops value type.' },
  { name: 'BPF_F_TOKEN_FD', value: 1 << 16, doc: 'The request carries a BPF token file descriptor for delegated privileges.' },
  { name: 'BPF_F_SEGV_ON_FAULT', value: 1 << 17, doc: 'User-space faults in an arena raise SIGSEGV instead of mapping a zero page.' },
  { name: 'BPF_F_NO_USER_CONV', value: 1 << 18, doc: 'Do not convert arena pointers between user and kernel addresses.' },
];

/** Flags of bpf_map_update_elem and the BPF_MAP_UPDATE_ELEM command. */
export const MAP_UPDATE_FLAGS: FlagInfo[] = [
  { name: 'BPF_ANY', value: 0, doc: 'Create the element or replace an existing one.' },
  { name: 'BPF_NOEXIST', value: 1, doc: 'Create the element only if the key is absent.' },
  { name: 'BPF_EXIST', value: 2, doc: 'Replace the element only if the key exists.' },
  { name: 'BPF_F_LOCK', value: 4, doc: 'Update the value while holding its bpf_spin_lock.' },
];

/** Parses "BPF_F_RDONLY_PROG|BPF_F_NO_PREALLOC" (or a number); returns undefined on an unknown name. */
export function parseMapFlags(text: string): number | undefined {
  let value = 0;
  for (const part of text.split('|')) {
    const word = part.trim();
    if (/^(0x[0-9a-f]+|\d+)$/i.test(word)) {
      value |= Number(word);
      continue;
    }
    const upper = word.toUpperCase();
    const flag = MAP_FLAGS.find((f) => f.name === upper || f.name === 'BPF_F_' + upper);
    if (!flag) return undefined;
    value |= flag.value;
  }
  return value >>> 0;
}
