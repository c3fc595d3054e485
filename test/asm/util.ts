/**
 * Helpers of the assembler tests: assemble text, fetch a section's bytes, run llvm-mc on the same
 * text, and write a form with sample operands in either dialect.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assemble, type AsmResult } from '../../core/src/asm/assembler';
import { readElf } from '../../core/src/elf/reader';
import { run } from '../helpers/tools';
import type { Form } from '../../core/src/isa/table';
import { parseTemplate, usedFields } from '../../core/src/isa/template';

export function asm(text: string): AsmResult {
  return assemble(text);
}

export function sectionBytes(r: AsmResult, name = '.text'): Uint8Array {
  return r.object.sections.find((s) => s.name === name)?.data ?? new Uint8Array();
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

let tmp: string | undefined;
export function tmpDir(): string {
  tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-asm-test-'));
  return tmp;
}

/** Assemble with llvm-mc; returns the object bytes, or the error text. */
export function llvmMc(text: string, name = 't.s'): { bytes?: Uint8Array; stderr: string } {
  const dir = tmpDir();
  const src = path.join(dir, name);
  const out = path.join(dir, name.replace(/\.s$/, '.o'));
  fs.writeFileSync(src, text);
  if (fs.existsSync(out)) fs.unlinkSync(out);
  const r = run('llvm-mc-22', ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', src, '-o', out]);
  if (r.status !== 0) return { stderr: r.stderr };
  return { bytes: new Uint8Array(fs.readFileSync(out)), stderr: r.stderr };
}

export function llvmSection(bytes: Uint8Array, name = '.text'): Uint8Array {
  return readElf(bytes).object?.sections.find((s) => s.name === name)?.data ?? new Uint8Array();
}

/** Text listing of an object by llvm-objdump -d -r and llvm-readelf -S -s -r, without the file name. */
export function listing(bytes: Uint8Array, name: string): string {
  const file = path.join(tmpDir(), name);
  fs.writeFileSync(file, bytes);
  const d = run('llvm-objdump-22', ['-d', '-r', file]).stdout.split('\n').slice(2).join('\n');
  const e = run('llvm-readelf-22', ['-S', '-s', '-r', file]).stdout;
  return d + e;
}

export interface Sample { text: string; fields: { dst: number; src: number; off: number; imm: number; imm64?: bigint } }

/** The form's template filled with fixed sample operands, and the raw fields they stand for. */
export function sampleOf(form: Form, template = form.llvm): Sample {
  const fields: Sample['fields'] = { dst: 1, src: 2, off: 0, imm: 0 };
  let text = '';
  for (const p of parseTemplate(template)) {
    if ('lit' in p) { text += p.lit; continue; }
    switch (p.ph) {
      case 'dst': text += 'r1'; break;
      case 'wdst': text += 'w1'; break;
      case 'src': text += 'r2'; break;
      case 'wsrc': text += 'w2'; break;
      case 'imm': text += '-7'; fields.imm = -7; break;
      case 'off': text += '+ 12'; fields.off = 12; break;
      case 'target': text += '+3'; fields.off = 3; break;
      case 'ltarget': text += '+5'; fields.imm = 5; break;
      case 'ctarget': text += 'next'; fields.imm = 0; break;
      case 'imm64': text += '0x123456789abcdef0'; fields.imm64 = 0x123456789abcdef0n; break;
      case 'asdst': text += '1'; fields.imm |= 1 << 16; break;
      case 'assrc': text += '0'; break;
      case 'pseudo': text += String(form.srcSel ?? 0); fields.src = form.srcSel ?? 0; fields.imm64 = 0xfffffff9n; break;
    }
  }
  // Fields that no placeholder fills stay zero.
  const used = usedFields(form);
  if (!used.dst) fields.dst = 0;
  if (!used.src) fields.src = 0;
  return { text, fields };
}

/**
 * A form written in the mnemonic dialect as `m` (its table mnemonic, or another name the parser
 * accepts for it) with sample operands laid out by its kind; the LLVM-dialect `sampleOf` gives the
 * same instruction. Undefined for forms this dialect does not write on their own.
 */
export function mnemonicSampleOf(form: Form, m = form.mnemonic): string | undefined {
  const s = form.sem;
  switch (s.kind) {
    case 'alu': return s.op === 'neg' ? `${m} r1` : `${m} r1, ${s.useReg ? 'r2' : '-7'}`;
    case 'movsx': return `${m} r1, r2`;
    case 'endian': return `${m} r1`;
    case 'addrSpaceCast': return `${m} r1, r2, 1, 0`;
    case 'load': case 'loadAcquire': return `${m} r1, [r2+12]`;
    case 'store': return `${m} [r1+12], ${s.useReg ? 'r2' : '-7'}`;
    case 'storeRelease': case 'atomic': return `${m} [r1+12], r2`;
    case 'ldImm64': return form.srcSel ? undefined : `${m} r1, 0x123456789abcdef0`;
    case 'ldAbs': return `${m} -7`;
    case 'ldInd': return `${m} r2`;
    case 'ja': return `${m} ${s.long ? '+5' : '+3'}`;
    case 'jcond': return `${m} r1, ${s.useReg ? 'r2' : '-7'}, +3`;
    case 'call': return form.srcSel === 1 ? `${m} next\nnext:` : `${m} -7`;
    case 'callx': return `${m} r1`;
    case 'exit': return m;
    case 'mayGoto': return `${m} +3`;
    case 'ldImm64Hi': return undefined;
  }
}
