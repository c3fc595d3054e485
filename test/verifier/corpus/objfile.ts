/**
 * Assembling a corpus program with llvm-mc-22 (the reference assembler) and taking the program out
 * of the object: the bytes of its one executable section and, from the R_BPF_64_64 relocations, which
 * 64-bit immediate loads refer to which map. Only the recording script and the live test use this;
 * the agreement test reads the result from the committed expectations.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../../helpers/tools';
import { readElf } from '../../../core/src/elf/reader';
import { R_BPF_64_64, SHF_EXECINSTR } from '../../../core/src/elf/types';

export interface AssembledProgram {
  /** Program bytes as hex, 8 bytes per slot. */
  hex: string;
  /** [slot of an ld_imm64, map name]. */
  mapRefs: [number, string][];
  error?: string;
}

/** Assembles `text` into an object file, or says why llvm-mc-22 refused it. */
export function assembleObjectWithLlvm(text: string): { bytes: Uint8Array } | { error: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vcorpus-'));
  try {
    const src = path.join(dir, 'p.s');
    const obj = path.join(dir, 'p.o');
    fs.writeFileSync(src, text);
    const r = run('llvm-mc-22', ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', src, '-o', obj]);
    if (r.status !== 0) return { error: `llvm-mc-22 failed: ${r.stderr.trim()}` };
    return { bytes: new Uint8Array(fs.readFileSync(obj)) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Assembles `text` and extracts the executable section `section`. */
export function assembleWithLlvm(text: string, section: string): AssembledProgram {
  const obj = assembleObjectWithLlvm(text);
  return 'error' in obj ? { hex: '', mapRefs: [], error: obj.error } : extractProgram(obj.bytes, section);
}

/** The bytes and map references of one executable section of an object. */
export function extractProgram(bytes: Uint8Array, section: string): AssembledProgram {
  const elf = readElf(bytes);
  if (!elf.object) return { hex: '', mapRefs: [], error: elf.diagnostics.map((d) => d.message).join('; ') };
  const sec = elf.object.sections.find((s) => s.name === section && (s.flags & SHF_EXECINSTR) !== 0);
  if (!sec) return { hex: '', mapRefs: [], error: `no executable section '${section}' in the object` };
  const data = new Uint8Array(sec.data);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const mapRefs: [number, string][] = [];
  for (const r of elf.object.relocations) {
    if (r.section !== section || r.type !== R_BPF_64_64) continue;
    const slot = r.offset / 8;
    const local = elf.object.symbols.find((s) => s.name === r.symbol && s.section === section);
    if (r.symbol === section || local) {
      // A 64-bit load of a function address in the same section (`r2 = callback ll`): libbpf turns
      // it into BPF_PSEUDO_FUNC (src 4) with the target as a slot offset relative to the next slot.
      const target = (r.symbol === section ? view.getInt32(r.offset + 4, true) : local!.value) / 8;
      data[r.offset + 1] = (data[r.offset + 1]! & 0x0f) | (4 << 4);
      view.setInt32(r.offset + 4, target - slot - 1, true);
      continue;
    }
    mapRefs.push([slot, r.symbol]);
  }
  mapRefs.sort((a, b) => a[0] - b[0]);
  return { hex: Buffer.from(data).toString('hex'), mapRefs };
}
