/**
 * Quick fixes for the commonest verifier rejections, matched on the kernel's wording of the error:
 * - a pointer that may be NULL is dereferenced: insert `if rX == 0 goto <label>` before the access,
 *   with a new label at the end of the program that returns 0;
 * - a packet access without a bounds check: copy the pointer, add the access's end, compare it with
 *   the register that holds `pkt_end`, and leave the program when it is past the end;
 * - a register or stack slot read before it is written: initialise it with 0;
 * - a pointer plus an unbounded register: mask the register (`rX &= 0xff`) before the addition;
 * - a function's address taken without BTF func_info: append generated `.BTF` and `.BTF.ext`
 *   sections that describe every function (only when the file has no BTF of its own, which the
 *   generated sections would clash with).
 */
import type { Diagnostic } from '../diagnostics';
import type { AluInsn, Insn } from '../isa/insn';
import { btfStub } from '../asm/btfStub';
import { stateBefore, type Analysis, type ProgramAnalysis } from './analysis';
import type { CodeAction, TextEdit } from './types';

export function codeActions(a: Analysis, d: Diagnostic): CodeAction[] {
  if (d.insn === undefined) return [];
  const pa = a.programs.find((p) => p.program.name === d.program)
    ?? a.programs.find((p) => p.program.lines[d.insn!]?.line === d.range.line);
  if (!pa) return [];
  const msg = d.message.split('\n')[0]!;
  const slot = d.insn;
  const insn = pa.program.insns[slot];
  const out: CodeAction[] = [];
  const fix = (title: string, edits: TextEdit[]): void => { out.push({ title, diagnosticCode: d.code, edits, preferred: out.length === 0 }); };
  let m: RegExpExecArray | null;
  if ((m = /^R(\d+) invalid mem access '(\w*or_null)'/.exec(msg))) {
    const label = freshLabel(a, 'null', d.range.line);
    fix(`Add a NULL check of r${m[1]} before this access`, [insertBefore(a, d.range.line, `if r${m[1]} == 0 goto ${label}`), ...exitBlock(a, pa, label)]);
  }
  if (/^invalid access to packet/.test(msg) && insn && (insn.kind === 'load' || insn.kind === 'store')) {
    const ptr = insn.kind === 'load' ? insn.src : insn.dst;
    const size = insn.size;
    const regs = statesBefore(pa, slot);
    const end = Object.entries(regs).find(([, v]) => v.startsWith('pkt_end'))?.[0];
    const scratch = [9, 8, 7, 6, 5, 4, 3].find((r) => regs[r] === undefined && r !== ptr);
    if (end !== undefined && scratch !== undefined) {
      const label = freshLabel(a, 'out', d.range.line);
      fix(`Check that ${insn.off + size} bytes from r${ptr} are inside the packet`, [
        insertBefore(a, d.range.line, `r${scratch} = r${ptr}`, `r${scratch} += ${insn.off + size}`, `if r${scratch} > r${end} goto ${label}`),
        ...exitBlock(a, pa, label),
      ]);
    }
  }
  if (msg === 'missing btf func_info' && a.module && a.object && !a.object.sections.some((s) => s.name === '.BTF' || s.name === '.BTF.ext')) {
    fix('Add BTF func_info for every function (generated .BTF and .BTF.ext at the end of the file)', [appendToEnd(a, btfStub(a.module, a.object))]);
  }
  if ((m = /^R(\d+) !read_ok/.exec(msg))) fix(`Initialise r${m[1]} with 0`, [insertBefore(a, d.range.line, `r${m[1]} = 0`)]);
  if ((m = /invalid (?:indirect )?read from stack (?:R\d+ )?(?:var_)?off (-?\d+)\+(-?\d+) size (\d+)/.exec(msg))) {
    const start = Number(m[1]) + Number(m[2]);
    const size = Number(m[3]);
    const lines: string[] = [];
    for (let o = Math.floor(start / 8) * 8; o < start + size; o += 8) lines.push(`*(u64 *)(r10 - ${-o}) = 0`);
    const entry = pa.program.lines.find((r) => r !== undefined);
    if (entry && lines.length <= 64) fix(`Initialise the stack at fp${start} (${size} bytes) at the start of the program`, [insertBefore(a, entry.line, ...lines)]);
  }
  if (/unbounded|outside of the allowed memory range|math between .* pointer and register with unbounded/.test(msg)) {
    const target = maskTarget(pa, slot, insn, msg);
    const r = target ? pa.program.lines[target.slot] : undefined;
    if (target && r) {
      const mask = maskFor(statesBefore(pa, target.slot)[target.ptr], insn);
      const text = mask === 0xff ? '0xff' : String(mask);
      fix(`Mask r${target.reg} to 0..${mask} (r${target.reg} &= ${text})`, [insertBefore(a, r.line, `r${target.reg} &= ${text}`)]);
    }
  }
  return out;
}

/** The `rP += rX` that gave the pointer its variable offset: at the blamed slot or the last before it. */
function maskTarget(pa: ProgramAnalysis, slot: number, insn: Insn | undefined, msg: string): { slot: number; reg: number; ptr: number } | undefined {
  const isAddReg = (i: Insn | undefined): i is AluInsn => i !== undefined && i.kind === 'alu' && i.useReg && (i.op === 'add' || i.op === 'sub') && i.is64;
  if (isAddReg(insn)) return { slot, reg: insn.src, ptr: insn.dst };
  const named = /^R(\d+)/.exec(msg);
  const ptr = named ? Number(named[1]) : insn && (insn.kind === 'load' ? insn.src : insn.dst);
  for (let s = slot - 1; s >= 0; s--) {
    const i = pa.program.insns[s];
    if (isAddReg(i) && i.dst === ptr) return { slot: s, reg: i.src, ptr: i.dst };
  }
  return undefined;
}

/**
 * The largest all-ones mask that keeps an access inside a map value (`vs=` of the pointer's state,
 * minus the access size and the pointer's fixed offset), or 0xff when the size is unknown.
 */
function maskFor(ptrState: string | undefined, access: Insn | undefined): number {
  const vs = /\bvs=(\d+)/.exec(ptrState ?? '');
  if (!vs) return 0xff;
  const off = Number(/\boff=(-?\d+)/.exec(ptrState ?? '')?.[1] ?? 0);
  const size = access && (access.kind === 'load' || access.kind === 'store') ? access.size + Math.max(0, access.off) : 1;
  const room = Number(vs[1]) - off - size;
  if (room < 0) return 0;
  let m = 1;
  while (m * 2 - 1 <= room) m *= 2;
  return m - 1;
}

function statesBefore(pa: ProgramAnalysis, slot: number): { [reg: number]: string } {
  return stateBefore(pa, slot)?.state.regs ?? {};
}

function freshLabel(a: Analysis, stem: string, line: number): string {
  let name = `.L${stem}_${line}`;
  for (let k = 1; a.syntax.defs.has(name); k++) name = `.L${stem}_${line}_${k}`;
  return name;
}

function insertBefore(_a: Analysis, line: number, ...insns: string[]): TextEdit {
  return { range: { line, column: 1, endLine: line, endColumn: 1 }, newText: insns.map((t) => `\t${t}\n`).join('') };
}

/** Text appended after the last line of the document, on a line of its own. */
function appendToEnd(a: Analysis, text: string): TextEdit {
  const line = Math.max(1, a.syntax.lines.length);
  const last = (a.syntax.lines[line - 1] ?? '').replace(/\r$/, '');
  const lead = last.length > 0 ? '\n\n' : '\n';
  return { range: { line, column: last.length + 1, endLine: line, endColumn: last.length + 1 }, newText: `${lead}${text.replace(/\n?$/, '\n')}` };
}

/** A new label after the program's last instruction that returns 0. */
function exitBlock(a: Analysis, pa: ProgramAnalysis, label: string): TextEdit[] {
  let last = 0;
  for (const r of pa.program.lines) if (r && r.endLine > last && pa.program.lines.indexOf(r) < (pa.program.funcs[0]?.end ?? Infinity)) last = r.endLine;
  if (!last) return [];
  const len = (a.syntax.lines[last - 1] ?? '').replace(/\r$/, '').length;
  return [{ range: { line: last, column: len + 1, endLine: last, endColumn: len + 1 }, newText: `\n${label}:\n\tr0 = 0\n\texit` }];
}
