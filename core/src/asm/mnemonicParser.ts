/**
 * Parser of one statement in the mnemonic dialect of ubpf, rbpf and the bpf_conformance suite:
 * `mov %r0, 1`, `ldxw r0, [r1+4]`, `jeq r1, 0, +2`, `lock fetch add [r10-8], r1`. The mnemonic of
 * each form comes from the instruction table's `mnemonic` field (a name of several words, such as
 * `lock fetch add32`, is matched word by word); the operand layout follows from the form's kind, so
 * nothing here lists instruction names, except the few other spellings in `MNEMONIC_ALIASES`.
 * Registers are written `rN` or `%rN` whatever the width.
 */
import { FORMS, type Form } from '../isa/table';
import type { Token } from './lexer';
import { MSG } from './messages';
import { helperByName } from '../data/helpers';
import { failureProblem, type ParsedInsn } from './llvmParser';
import { readImm32, readImm64, readNumber, readOffset, readReg, readTarget, type Fixup, type OperandProblem } from './operands';

interface Entry { words: string[]; form: Form }

/**
 * Other names this dialect accepts for a table mnemonic, keyed by the table's name, each with the
 * same encoding: the bpf_conformance assembler also spells the byte swaps `swap16` / `swap32` /
 * `swap64`, names the default call kind (`call helper 1`, `call helper %r1`), and takes `fetch` on
 * the exchanges, which always fetch (`lock fetch xchg`); rbpf's assembler accepts a `64` suffix on
 * the 64-bit ALU operations it knows (`add64 r1, 2` is `add r1, 2`). Parsed, never printed;
 * completion and grammar code can read the list from here.
 */
export const MNEMONIC_ALIASES: Readonly<Record<string, readonly string[]>> = {
  bswap16: ['swap16'],
  bswap32: ['swap32'],
  bswap64: ['swap64'],
  call: ['call helper'],
  ...Object.fromEntries(['xchg', 'xchg32', 'cmpxchg', 'cmpxchg32'].map((op) => [`lock ${op}`, [`lock fetch ${op}`]])),
  ...Object.fromEntries(['add', 'sub', 'mul', 'div', 'or', 'and', 'lsh', 'rsh', 'mod', 'xor', 'mov', 'arsh', 'neg'].map((op) => [op, [`${op}64`]])),
};

let index: Map<string, Entry[]> | undefined;

/** Mnemonic forms by first word, longest names first so `call local` wins over `call`. */
export function mnemonicIndex(): Map<string, Entry[]> {
  if (index) return index;
  index = new Map();
  for (const form of FORMS) {
    // The pseudo 64-bit loads share `lddw`; in this dialect `lddw` is the plain load only.
    if (form.sem.kind === 'ldImm64' && (form.srcSel ?? 0) !== 0) continue;
    for (const name of [form.mnemonic, ...(MNEMONIC_ALIASES[form.mnemonic] ?? [])]) {
      const words = name.split(/\s+/);
      const list = index.get(words[0]!) ?? [];
      list.push({ words, form });
      index.set(words[0]!, list);
    }
  }
  for (const list of index.values()) list.sort((a, b) => b.words.length - a.words.length);
  return index;
}

interface Fields { dst: number; src: number; off: number; imm: number; imm64?: bigint; fixup?: Fixup; warnings: OperandProblem[] }

class Cursor {
  constructor(readonly toks: Token[], public i: number, readonly end: number, readonly stmt: Token) {}
  get tok(): Token { return this.toks[this.i]!; }
  punct(text: string): boolean {
    const t = this.tok;
    if (this.i < this.end && t.kind === 'punct' && t.text === text) { this.i++; return true; }
    return false;
  }
}

type Step = boolean | OperandProblem;

function reg(c: Cursor, f: Fields, field: 'dst' | 'src'): Step {
  if (c.i >= c.end) return false;
  const r = readReg(c.toks, c.i, 'r', true);
  if (!r) return false;
  if (r.problem) f.warnings.push(r.problem);
  f[field] = r.value;
  c.i = r.next;
  return true;
}

function imm(c: Cursor, f: Fields): Step {
  if (c.i >= c.end) return false;
  const r = readImm32(c.toks, c.i, c.stmt);
  if (!r) return false;
  if (r.problem?.severity === 'error') return r.problem;
  if (r.problem) f.warnings.push(r.problem);
  f.imm = r.value;
  c.i = r.next;
  return true;
}

/** `[rN]`, `[rN+off]` or `[rN-off]`. */
function mem(c: Cursor, f: Fields, field: 'dst' | 'src'): Step {
  if (!c.punct('[')) return false;
  const s = reg(c, f, field);
  if (s !== true) return s;
  if (c.tok.kind === 'punct' && (c.tok.text === '+' || c.tok.text === '-')) {
    const r = readOffset(c.toks, c.i);
    if (r.problem) return r.problem;
    f.off = r.value;
    c.i = r.next;
  }
  return c.punct(']');
}

function target(c: Cursor, f: Fields, bits: 16 | 32): Step {
  if (c.i >= c.end) return false;
  const r = readTarget(c.toks, c.i, bits);
  if (!r) return false;
  if (r.problem) return r.problem;
  if ('label' in r.value) f.fixup = { kind: bits === 16 ? 'jump16' : 'jump32', symbol: r.value.label, addend: 0, tok: c.tok };
  else if (bits === 16) f.off = r.value.off;
  else f.imm = r.value.off;
  c.i = r.next;
  return true;
}

/** Run the steps in order, with a comma between operands. */
function seq(c: Cursor, steps: (() => Step)[]): Step {
  for (let k = 0; k < steps.length; k++) {
    if (k > 0 && !c.punct(',')) return false;
    const s = steps[k]!();
    if (s !== true) return s;
  }
  return true;
}

/** Operand layout of a form, by its kind. */
function operands(form: Form, c: Cursor, f: Fields): Step {
  const s = form.sem;
  switch (s.kind) {
    case 'alu':
      if (s.op === 'neg') return reg(c, f, 'dst');
      return seq(c, [() => reg(c, f, 'dst'), () => (s.useReg ? reg(c, f, 'src') : imm(c, f))]);
    case 'movsx': return seq(c, [() => reg(c, f, 'dst'), () => reg(c, f, 'src')]);
    case 'endian': return reg(c, f, 'dst');
    case 'addrSpaceCast': {
      let as1 = 0;
      return seq(c, [() => reg(c, f, 'dst'), () => reg(c, f, 'src'),
        () => { const r = readNumber(c.toks, c.i); if (!r) return false; as1 = r.value; c.i = r.next; return true; },
        () => { const r = readNumber(c.toks, c.i); if (!r) return false; f.imm = (as1 << 16) | r.value; c.i = r.next; return true; }]);
    }
    case 'load': case 'loadAcquire': return seq(c, [() => reg(c, f, 'dst'), () => mem(c, f, 'src')]);
    case 'store':
      return seq(c, [() => mem(c, f, 'dst'), () => (s.useReg ? reg(c, f, 'src') : imm(c, f))]);
    case 'storeRelease': case 'atomic': return seq(c, [() => mem(c, f, 'dst'), () => reg(c, f, 'src')]);
    case 'ldImm64': return seq(c, [() => reg(c, f, 'dst'), () => {
      if (c.i >= c.end) return false;
      // bpf_conformance's `map_by_fd(NAME)` / `map_by_idx(NAME)`: a reference to the map NAME.
      const t = c.toks;
      if (c.tok.kind === 'ident' && /^map_by_(fd|idx)$/.test(c.tok.text) && t[c.i + 1]?.text === '(' && t[c.i + 2]?.kind === 'ident' && t[c.i + 3]?.text === ')') {
        f.fixup = { kind: 'ld64', symbol: t[c.i + 2]!.text, addend: 0, tok: t[c.i + 2]! };
        f.imm64 = 0n;
        c.i += 4;
        return true;
      }
      const r = readImm64(c.toks, c.i);
      if (!r) return false;
      if (r.problem) return r.problem;
      if ('symbol' in r.value) {
        f.fixup = { kind: 'ld64', symbol: r.value.symbol, addend: r.value.addend, tok: c.tok };
        f.imm64 = BigInt.asUintN(64, BigInt(r.value.addend));
      } else {
        f.imm64 = r.value.value;
      }
      c.i = r.next;
      return true;
    }]);
    case 'ldAbs': return imm(c, f);
    case 'ldInd': {
      const first = reg(c, f, 'src');
      if (first !== true) return first;
      return c.punct(',') ? imm(c, f) : true;
    }
    case 'ja': return target(c, f, s.long ? 32 : 16);
    case 'jcond':
      return seq(c, [() => reg(c, f, 'dst'), () => (s.useReg ? reg(c, f, 'src') : imm(c, f)), () => target(c, f, 16)]);
    case 'call':
      if (form.srcSel === 1) {
        // `call local f` names a label; bpf_conformance also writes `call local +1`, an offset.
        if (c.i >= c.end) return false;
        if (c.tok.kind === 'ident') {
          f.fixup = { kind: 'call', symbol: c.tok.text, addend: 0, tok: c.tok };
          c.i++;
          return true;
        }
        return target(c, f, 32);
      }
      // bpf_conformance calls helpers by name (`call bpf_map_lookup_elem`): a helper call by number.
      if (c.i < c.end && c.tok.kind === 'ident' && c.i + 1 === c.end) {
        const helper = helperByName(c.tok.text);
        if (!helper) return { msg: MSG.unknownHelper, message: MSG.unknownHelper.text(c.tok.text), tok: c.tok, severity: 'error' };
        f.imm = helper.id;
        c.i++;
        return true;
      }
      return imm(c, f);
    case 'callx': return reg(c, f, 'dst');
    case 'exit': return true;
    case 'mayGoto': return target(c, f, 16);
    case 'ldImm64Hi': return false;
  }
}

/** Whether a statement's first word names an instruction of this dialect. */
export function isMnemonicWord(word: string): boolean {
  return mnemonicIndex().has(word);
}

/** Parse the statement `toks[start..end)` as a mnemonic-dialect instruction. */
export function parseMnemonicInsn(toks: Token[], start: number, end: number): ParsedInsn {
  const stmt = toks[start]!;
  const list = mnemonicIndex().get(stmt.text);
  if (!list || stmt.kind !== 'ident') {
    return { problems: [{ msg: MSG.unknownMnemonic, message: MSG.unknownMnemonic.text(stmt.text), tok: stmt, severity: 'error' }] };
  }
  let furthest = -1;
  let problem: OperandProblem | undefined;
  for (const { words, form } of list) {
    let i = start;
    if (!words.every((w) => { const ok = i < end && toks[i]!.text === w; if (ok) i++; return ok; })) continue;
    const c = new Cursor(toks, i, end, stmt);
    const f: Fields = { dst: 0, src: 0, off: 0, imm: 0, warnings: [] };
    const r = operands(form, c, f);
    if (r === true && c.i === end) {
      const fields = { dst: f.dst, src: f.src, off: f.off, imm: f.imm, ...(f.imm64 !== undefined ? { imm64: f.imm64 } : {}) };
      return { form, fields, ...(f.fixup ? { fixup: f.fixup } : {}), problems: f.warnings };
    }
    if (r !== true && r !== false && (problem === undefined || c.i >= furthest)) problem = r;
    furthest = Math.max(furthest, c.i);
  }
  if (problem) return { problems: [problem] };
  return { problems: [failureProblem(toks, { pos: Math.max(furthest, start + 1) }, start)] };
}
