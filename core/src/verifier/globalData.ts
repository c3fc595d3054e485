/**
 * Global variables as the verifier sees them. libbpf turns each global-data section of an object
 * (`.data*`, `.bss*`, `.rodata*`) into a one-element array map whose value is the section, read-only
 * to the program for `.rodata*`, and rewrites loads of a variable's address into a map-value load at
 * the variable's offset. The verifier gets the same maps here, appended after the program's own, so
 * such loads become map-value pointers with bounds rather than "fd 0 is not pointing to valid bpf_map".
 * libbpf also freezes the read-only maps after filling them, so their contents go along: the kernel
 * reads `const volatile` settings as the constants they are and never walks the branches they rule out.
 */
import type { MapDef, Program } from '../program/model';

/** BPF_F_RDONLY_PROG: the program may read the map but not write it. */
const BPF_F_RDONLY_PROG = 0x80;

/** The maps with the global-data maps of `prog` appended, and the map index of each such load by slot. */
export function withGlobalDataMaps(prog: Program, maps: MapDef[]): { maps: MapDef[]; bySlot: Map<number, number> } {
  const out = maps.slice();
  const bySlot = new Map<number, number>();
  for (const [slot, ref] of prog.ldImm64Refs) {
    const bytes = ref.kind === 'data' ? prog.globalData?.get(ref.section) : undefined;
    if (ref.kind !== 'data' || bytes === undefined) continue;
    let index = out.findIndex((m) => m.name === ref.section);
    if (index < 0) {
      const rdonly = ref.section.startsWith('.rodata');
      out.push({
        name: ref.section, type: 'array', keySize: 4, valueSize: bytes.length, maxEntries: 1,
        flags: rdonly ? BPF_F_RDONLY_PROG : 0, flagNames: rdonly ? ['BPF_F_RDONLY_PROG'] : [],
        ...(rdonly ? { frozen: bytes } : {}),
      });
      index = out.length - 1;
    }
    bySlot.set(slot, index);
  }
  return { maps: out, bySlot };
}
