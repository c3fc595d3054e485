/**
 * The BTF func_info a callback test program is loaded with. Programs in assembly carry no BTF, so the
 * tests describe the functions themselves, the way a C compiler would: one record per function (the
 * kernel's subprograms start at slot 0 and at every target of a bpf-to-bpf call or of a 64-bit load
 * of a function address), the entry function global, the others static unless the source marks their
 * label `.globl`. A `# @func_info` annotation overrides this, to test what the kernel says about
 * missing or malformed records:
 *   # @func_info none                      no BTF at all
 *   # @func_info 0:global 9:static         exactly these records (slot:linkage), in this order
 */
import { decodeProgram } from '../../../core/src/isa/codec';
import type { BtfFuncInfo } from '../../../core/src/program/model';

/** First slots of the functions, as the kernel splits a program (add_subprog_and_kfunc). */
export function functionStarts(bytes: Uint8Array): number[] {
  const insns = decodeProgram(bytes).insns;
  const starts = new Set<number>([0]);
  insns.forEach((insn, pc) => {
    if (!insn) return;
    if ((insn.kind === 'call' && insn.src === 1) || (insn.kind === 'ldImm64' && insn.src === 4)) starts.add(pc + 1 + insn.imm);
  });
  return [...starts].filter((s) => s >= 0 && s < insns.length).sort((a, b) => a - b);
}

/** BTF name of the function at `slot`: the kernel only checks that names are valid identifiers. */
function funcName(slot: number): string {
  return slot === 0 ? 'prog' : `func_${slot}`;
}

/** The func_info records for a program: undefined when the source asks for no BTF. */
export function funcInfoFor(text: string, bytes: Uint8Array): BtfFuncInfo[] | undefined {
  const starts = functionStarts(bytes);
  const override = /#\s*@func_info\s+([^\n]*)/.exec(text);
  if (override) {
    const words = override[1]!.trim().split(/\s+/);
    if (words[0] === 'none') return undefined;
    return words.map((w, i) => {
      const [slot, linkage] = w.split(':');
      return { slot: Number(slot), name: funcName(Number(slot)), linkage: linkage === 'global' ? 'global' : 'static', params: i === 0 ? 1 : 2 };
    });
  }
  const globals = new Set([...text.matchAll(/^\s*\.globl\s+(\w+)/gm)].map((m) => m[1]!));
  // `.globl NAME` marks the function that starts at label NAME.
  const globalSlots = new Set<number>();
  const lines = text.split('\n');
  const slotOfLabel = labelSlots(lines);
  for (const g of globals) { const s = slotOfLabel.get(g); if (s !== undefined) globalSlots.add(s); }
  return starts.map((slot, i) => ({
    slot, name: funcName(slot), linkage: i === 0 || globalSlots.has(slot) ? 'global' : 'static', params: i === 0 ? 1 : 2,
  }));
}

/**
 * Slot of each label, counting instruction lines of the source (a `ll` load takes two slots). Only
 * used for `.globl` labels, in test sources that keep one instruction per line.
 */
function labelSlots(lines: string[]): Map<string, number> {
  const out = new Map<string, number>();
  let slot = 0;
  let inText = false;
  for (const raw of lines) {
    const line = raw.replace(/(#|\/\/).*$/, '').trim();
    if (line.startsWith('.section')) { inText = true; continue; }
    if (!inText || line === '' || line.startsWith('.')) continue;
    const label = /^(\w+):$/.exec(line);
    if (label) { out.set(label[1]!, slot); continue; }
    slot += / ll$/.test(line) ? 2 : 1;
  }
  return out;
}
