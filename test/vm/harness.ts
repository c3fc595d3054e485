/**
 * Shared helpers of the interpreter tests: build programs from semantic instructions, parse the
 * bpf_conformance `.data` format, assemble LLVM-dialect text to raw instructions, and run a program
 * in both tiers, asserting that they agree on r0, data out, instruction count and fault.
 */
import * as assert from 'assert';
import { makeInsn, formById, decodeProgram, type Insn } from '../../core/src/isa';
import { assemble } from '../../core/src/asm/assembler';
import { Vm, toHex, type VmOptions, type VmResult, type RawProgram } from '../../core/src/vm';

/** One instruction by form id, e.g. I('add64_imm', { dst: 0, imm: 1 }). */
export function I(id: string, fields: { dst?: number; src?: number; off?: number; imm?: number; imm64?: bigint } = {}): Insn {
  const form = formById(id);
  if (!form) throw new Error(`no form ${id}`);
  return makeInsn(form, fields);
}

/** Expands ld_imm64 into its two slots so the array is indexed by slot. */
export function slots(insns: Insn[]): Insn[] {
  const out: Insn[] = [];
  for (const i of insns) {
    out.push(i);
    if (i.kind === 'ldImm64') out.push({ kind: 'ldImm64Hi', dst: 0, src: 0, off: 0, imm: Number(BigInt.asIntN(32, i.imm64 >> 32n)) });
  }
  return out;
}

export interface DataCase { asm: string; mem?: Uint8Array; result?: bigint; error?: string }

export function parseData(text: string): DataCase {
  const sections = new Map<string, string>();
  let cur = '';
  for (const line of text.split('\n')) {
    const m = /^--\s*(\w+)/.exec(line);
    if (m) { cur = m[1]!; sections.set(cur, ''); continue; }
    if (cur) sections.set(cur, sections.get(cur)! + line + '\n');
  }
  const out: DataCase = { asm: sections.get('asm') ?? '' };
  const mem = sections.get('mem');
  if (mem !== undefined) out.mem = hexToBytes(mem);
  const res = sections.get('result');
  if (res !== undefined) out.result = BigInt(res.trim());
  const err = sections.get('error');
  if (err !== undefined) out.error = err.trim();
  return out;
}

export function hexToBytes(text: string): Uint8Array {
  const hex = text.replace(/0x/g, '').replace(/[^0-9a-fA-F]/g, '');
  const b = new Uint8Array(hex.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return b;
}

/** Assembles LLVM-dialect instructions (no sections) into raw program bytes. */
export function asmBytes(text: string): Uint8Array {
  const r = assemble(text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`assembly failed: ${errors.map((e) => `${e.range.line}: ${e.message}`).join('; ')}`);
  const text0 = r.object.sections.find((s) => s.name === '.text');
  return text0 ? text0.data : new Uint8Array(0);
}

export function rawFromBytes(bytes: Uint8Array): RawProgram {
  const d = decodeProgram(bytes);
  return { insns: d.insns, bad: new Map(d.diagnostics.map((x) => [x.slot, x.message])) };
}

export interface Both { interp: VmResult; fast: VmResult; vmInterp: Vm; vmFast: Vm }

/** Runs in both tiers and asserts they agree; returns the results. */
export function runBoth(prog: RawProgram | Parameters<typeof Vm.load>[0], opts: VmOptions = {}, index = 0): Both {
  const a = Vm.load(prog, opts, index);
  const b = Vm.load(prog, opts, index);
  if ('error' in a || 'error' in b) throw new Error(`load failed: ${'error' in a ? a.error : ''}`);
  const interp = a.run('interp');
  const fast = b.run('fast');
  assert.deepStrictEqual(summary(fast), summary(interp), 'the fast tier and the interpreter disagree');
  return { interp, fast, vmInterp: a, vmFast: b };
}

export function summary(r: VmResult): Record<string, unknown> {
  return { retval: r.retval, insns: r.insns, fault: r.fault?.message, dataOut: toHex(r.dataOut), printk: r.printk };
}
