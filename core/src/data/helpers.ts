/**
 * The helper functions programs call with `call N`: the table of every id of the kernel's
 * ___BPF_FUNC_MAPPER (1 to 211 in Linux 6.18) and the lookups everyone uses (by id, by name, may this
 * program type call it).
 *
 * Where the facts come from:
 * - ids, names and C signatures: include/uapi/linux/bpf.h of Linux 6.18 (libbpf's copy at its sync
 *   commit 379ac32f, October 2025); 211 is the last id, no helper has been added since 6.2;
 * - argument and return types, gpl_only, pkt_access, might_sleep, fixed argument sizes: the
 *   `struct bpf_func_proto` definitions in the Linux 6.12.117 sources (Debian's linux-source-6.12:
 *   kernel/bpf/*.c, net/core/*.c, kernel/trace/bpf_trace.c, drivers/media/rc/bpf-lirc.c). Helper
 *   prototypes have not changed between 6.12 and 6.18 except for flag spellings. Where a helper has one
 *   proto per program type (perf_event_output, get_socket_cookie, setsockopt, fib_lookup, ...), the row
 *   names the proto it used in `proto`;
 * - `since`: the helper table of bcc's docs/kernel-versions.md;
 * - which program types may call a helper: ./helperAccess.ts, measured on a live 6.18 kernel;
 * - the descriptions are ours.
 *
 * To regenerate: extract the FN(name, id) list and the " * <signature>" lines of the UAPI header's
 * helper documentation, then every "const struct bpf_func_proto bpf_<name>_proto = { ... }" of the
 * kernel sources, and rebuild the rows of ./helpers/part*.ts (kernel spelling without ARG_/RET_).
 * test/data/data.test.ts checks ids, names and known values.
 */
import type { HelperInfo } from './types';
import { HELPERS_1 } from './helpers/part1';
import { HELPERS_2 } from './helpers/part2';
import { HELPERS_3 } from './helpers/part3';
import { allowedHelperIds, PRIVILEGED_HELPERS, PROG_TYPES_WITH_HELPER_LISTS } from './helperAccess';

/** The highest helper id the 6.18 kernel knows (__BPF_FUNC_MAX_ID - 1). */
export const MAX_HELPER_ID = 211;

export const HELPERS: HelperInfo[] = [...HELPERS_1, ...HELPERS_2, ...HELPERS_3];

const privileged = new Set<number>([...PRIVILEGED_HELPERS.capBpf, ...PRIVILEGED_HELPERS.capPerfmon]);

// Fill in progTypes and privileged from the access lists, so the table rows state each fact once.
for (const helper of HELPERS) {
  const types = PROG_TYPES_WITH_HELPER_LISTS.filter((t) => allowedHelperIds(t)?.has(helper.id));
  // Helpers every measured type may call are left unrestricted (undefined), as HelperInfo documents.
  if (types.length < PROG_TYPES_WITH_HELPER_LISTS.length) helper.progTypes = types;
  if (privileged.has(helper.id)) helper.privileged = true;
}

const byId = new Map<number, HelperInfo>(HELPERS.map((h) => [h.id, h]));
const byName = new Map<string, HelperInfo>(HELPERS.map((h) => [h.name, h]));

export function helperById(id: number): HelperInfo | undefined {
  return byId.get(id);
}

/** Accepts "bpf_map_lookup_elem", "map_lookup_elem" and "BPF_FUNC_map_lookup_elem". */
export function helperByName(name: string): HelperInfo | undefined {
  let key = name.trim();
  if (key.startsWith('BPF_FUNC_')) key = key.slice('BPF_FUNC_'.length);
  return byName.get(key) ?? byName.get('bpf_' + key);
}

/**
 * Whether a program of this type may call helper `id`. False for unknown ids. Types without a measured
 * list (struct_ops, ext, unknown names) get true for every existing helper, since only the attach
 * target decides for them.
 */
export function HELPER_ALLOWED(progType: string, id: number): boolean {
  if (!byId.has(id)) return false;
  const set = allowedHelperIds(progType);
  return set === undefined ? true : set.has(id);
}

/** Helpers a program type may call, in id order (for completion). */
export function helpersForProgType(progType: string): HelperInfo[] {
  return HELPERS.filter((h) => HELPER_ALLOWED(progType, h.id));
}
