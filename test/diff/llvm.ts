/**
 * Helpers of the differential tests against LLVM: assemble source with llvm-mc-22, read section
 * bytes out of the resulting object with a deliberately tiny ELF section walker (independent of the
 * project's own reader, so a reader bug cannot hide an encoder bug), and normalise
 * `llvm-objdump-22 -d -r` listings for comparison.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { run } from '../helpers/tools';

export const LLVM_MC = 'llvm-mc-22';
export const LLVM_OBJDUMP = 'llvm-objdump-22';
export const MC_ARGS = ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj'];

export interface Assembled { ok: boolean; object: Uint8Array; stderr: string }

/** Assemble source text with llvm-mc; the object comes back as bytes. */
export function llvmAssemble(text: string): Assembled {
  const r = run(LLVM_MC, [...MC_ARGS, '-o', '-'], text);
  return { ok: r.status === 0, object: r.bytes, stderr: r.stderr };
}

/** A scratch directory removed by the returned function. */
export function scratch(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ebpf-diff-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeTemp(dir: string, name: string, data: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

export function readBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Section name → contents of an ELF64 little-endian object (SHT_NOBITS sections come back empty). */
export function elfSections(elf: Uint8Array): Map<string, Uint8Array> {
  const dv = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shentsize = dv.getUint16(0x3a, true);
  const shnum = dv.getUint16(0x3c, true);
  const shstrndx = dv.getUint16(0x3e, true);
  const hdr = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      name: dv.getUint32(at, true), type: dv.getUint32(at + 4, true),
      offset: Number(dv.getBigUint64(at + 0x18, true)), size: Number(dv.getBigUint64(at + 0x20, true)),
    };
  };
  const strtab = hdr(shstrndx);
  const nameAt = (o: number): string => {
    let end = strtab.offset + o;
    while (elf[end] !== 0) end++;
    return String.fromCharCode(...elf.subarray(strtab.offset + o, end));
  };
  const out = new Map<string, Uint8Array>();
  for (let i = 1; i < shnum; i++) {
    const h = hdr(i);
    out.set(nameAt(h.name), h.type === 8 ? new Uint8Array(0) : elf.subarray(h.offset, h.offset + h.size));
  }
  return out;
}

/**
 * The instruction and relocation lines of `llvm-objdump -d -r`, without addresses of symbol
 * headers, blank lines and objdump's `<sym+0x..>` target annotations: what must agree between two
 * objects that hold the same code, whatever their symbol tables.
 */
export function objdumpBody(path: string, extra: string[] = []): string[] {
  const r = run(LLVM_OBJDUMP, ['-d', '-r', ...extra, path]);
  if (r.status !== 0) throw new Error(`llvm-objdump failed: ${r.stderr}`);
  return r.stdout.split('\n')
    .filter((l) => /^\s+[0-9a-f]+:\s/.test(l) || /R_BPF_/.test(l) || l.startsWith('Disassembly of section'))
    .map((l) => l.replace(/ <[^<>\s]*>$/, '').replace(/\s+$/, ''));
}

/** `llvm-objdump -d` instruction lines split into slot, hex bytes and text. */
export interface DumpLine { slot: number; bytes: string; text: string }

export function objdumpInsns(stdout: string): DumpLine[] {
  const out: DumpLine[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s+(\d+):\t([0-9a-f]{2}(?: [0-9a-f]{2})*)\t(.*)$/.exec(line);
    if (!m) continue;
    out.push({ slot: Number(m[1]), bytes: m[2]!, text: m[3]!.replace(/ <[^<>\s]*>$/, '') });
  }
  return out;
}

/** `llvm-objdump -r`: relocations as `section offset type symbol` lines. */
export function relocationLines(path: string): string[] {
  const r = run(LLVM_OBJDUMP, ['-r', path]);
  if (r.status !== 0) throw new Error(r.stderr);
  const out: string[] = [];
  let section = '';
  for (const line of r.stdout.split('\n')) {
    const head = /^RELOCATION RECORDS FOR \[(.*)\]:$/.exec(line);
    if (head) { section = head[1]!; continue; }
    const m = /^([0-9a-f]{16}) (\S+)\s+(\S+)$/.exec(line);
    if (m) out.push(`${section} ${parseInt(m[1]!, 16)} ${m[2]} ${m[3]}`);
  }
  return out;
}

/** `llvm-objdump -d` instruction lines grouped by the section they belong to. */
export function objdumpBySection(stdout: string): Map<string, DumpLine[]> {
  const out = new Map<string, DumpLine[]>();
  let current: DumpLine[] = [];
  for (const line of stdout.split('\n')) {
    const head = /^Disassembly of section (.*):$/.exec(line);
    if (head) {
      current = [];
      out.set(head[1]!, current);
      continue;
    }
    current.push(...objdumpInsns(line));
  }
  return out;
}
