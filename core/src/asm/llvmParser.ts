/**
 * Parser of one LLVM-dialect ("pseudo-C") instruction statement, driven by the instruction table.
 * Every form's `llvm` template (and each `llvmAlt` spelling) is split by the shared lexer into
 * literal tokens and placeholders, and all of them go into one trie built once. A statement is
 * matched against the trie depth-first, trying literal edges and placeholder readers; the first
 * complete match gives the form, and `makeInsn` builds the instruction.
 *
 * When nothing matches, the error goes to the furthest token any template reached, which is where
 * llvm-mc reports it too (`r1 = r2 +` fails at the `+`). A placeholder that occurs twice in a
 * template (`{dst} = be16 {dst}`) must name the same register both times.
 */
import { FORMS, type Form } from '../isa/table';
import { parseTemplate, type Placeholder } from '../isa/template';
import { makeInsn } from '../isa/codec';
import type { Insn } from '../isa/insn';
import { lex, type Token } from './lexer';
import { MSG } from './messages';
import {
  looksLikeRegister, readImm32, readImm64, readNumber, readOffset, readReg, readTarget,
  type Fixup, type OperandProblem,
} from './operands';

interface Node {
  lits: Map<string, Node>;
  phs: { ph: Placeholder; node: Node }[];
  forms: Form[];
}

function newNode(): Node {
  return { lits: new Map(), phs: [], forms: [] };
}

let root: Node | undefined;

/** First literal words of LLVM templates (`if`, `goto`, `call`, `lock`, `*`, ...), for dialect detection. */
export const LLVM_FIRST_WORDS = new Set<string>();

function buildTrie(): Node {
  const r = newNode();
  for (const form of FORMS) {
    for (const tpl of [form.llvm, ...(form.llvmAlt ?? [])]) {
      let node = r;
      let first = true;
      for (const part of parseTemplate(tpl)) {
        if ('ph' in part) {
          let edge = node.phs.find((e) => e.ph === part.ph);
          if (!edge) { edge = { ph: part.ph, node: newNode() }; node.phs.push(edge); }
          node = edge.node;
          first = false;
          continue;
        }
        for (const t of lex(part.lit).tokens) {
          if (t.kind === 'eos') continue;
          if (first) LLVM_FIRST_WORDS.add(t.text);
          first = false;
          let next = node.lits.get(t.text);
          if (!next) { next = newNode(); node.lits.set(t.text, next); }
          node = next;
        }
      }
      if (!node.forms.includes(form)) node.forms.push(form);
    }
  }
  return r;
}

export function llvmTrie(): Node {
  root ??= buildTrie();
  return root;
}

/** The operand fields of a parsed instruction, as `makeInsn` takes them. */
export interface InsnFields { dst: number; src: number; off: number; imm: number; imm64?: bigint }

/**
 * What a statement parses to: the form and its operand fields (maybe with a symbolic operand still to
 * resolve), and any problems. The instruction itself is `makeInsn(form, fields)` (see `insnOf`); the
 * assembler encodes straight from the form, which keeps assembling large files fast.
 */
export interface ParsedInsn {
  form?: Form;
  fields?: InsnFields;
  fixup?: Fixup;
  problems: OperandProblem[];
}

/** The semantic instruction of a successful parse. */
export function insnOf(p: ParsedInsn): Insn | undefined {
  return p.form && p.fields ? makeInsn(p.form, p.fields) : undefined;
}

/** Operands read so far along one path through the trie; `save`/`restore` undo a failed branch. */
class Binding {
  dst: number | undefined = undefined;
  src: number | undefined = undefined;
  imm: number | undefined = undefined;
  off: number | undefined = undefined;
  imm64: bigint | undefined = undefined;
  asdst: number | undefined = undefined;
  assrc: number | undefined = undefined;
  pseudo: number | undefined = undefined;
  fixup: Fixup | undefined = undefined;
  warnings: OperandProblem[] = [];
  constraintBroken = false;
  private nWarnings = 0;

  save(into: Binding): void {
    into.dst = this.dst; into.src = this.src; into.imm = this.imm; into.off = this.off; into.imm64 = this.imm64;
    into.asdst = this.asdst; into.assrc = this.assrc; into.pseudo = this.pseudo; into.fixup = this.fixup;
    into.constraintBroken = this.constraintBroken; into.nWarnings = this.warnings.length;
  }

  restore(from: Binding): void {
    this.dst = from.dst; this.src = from.src; this.imm = from.imm; this.off = from.off; this.imm64 = from.imm64;
    this.asdst = from.asdst; this.assrc = from.assrc; this.pseudo = from.pseudo; this.fixup = from.fixup;
    this.constraintBroken = from.constraintBroken; this.warnings.length = from.nWarnings;
  }
}

interface Failure { pos: number; problem?: OperandProblem }

const EMPTY_BINDING = new Binding();

/**
 * The matcher's state for the statement being parsed. It lives at module level and is reset for
 * every statement, so matching allocates nothing per trie step (parsing is never re-entered).
 */
const st = {
  toks: [] as Token[],
  end: 0,
  start: 0,
  stmt: undefined as unknown as Token,
  fail: { pos: -1 } as Failure,
  constraintHit: false,
  binding: new Binding(),
  /** One saved binding per depth, reused across branches and statements. */
  saves: [] as Binding[],
};

function note(pos: number, problem?: OperandProblem): void {
  const fail = st.fail;
  if (pos > fail.pos || (pos === fail.pos && problem && !fail.problem)) { fail.pos = pos; fail.problem = problem; }
}

function walk(node: Node, i: number): Form | undefined {
  const binding = st.binding;
  if (i === st.end) {
    if (node.forms.length > 0) {
      if (binding.constraintBroken) { st.constraintHit = true; return undefined; }
      const f = pickForm(node.forms, binding);
      if (f) return f;
    }
    note(i);
    return undefined;
  }
  const t = st.toks[i]!;
  const lit = node.lits.get(t.text);
  if (lit && t.kind !== 'string' && t.kind !== 'error') {
    const f = walk(lit, i + 1);
    if (f) return f;
  }
  if (node.phs.length > 0) {
    const saved = (st.saves[i - st.start] ??= new Binding());
    binding.save(saved);
    for (const edge of node.phs) {
      // A reader that fails leaves the binding untouched, so only a failed deeper walk needs a restore.
      const next = bind(edge.ph, st.toks, i, st.stmt, binding);
      if (next === undefined) { note(i); continue; }
      if (typeof next !== 'number') { note(i, next); continue; }
      const f = walk(edge.node, next);
      if (f) return f;
      binding.restore(saved);
    }
  }
  note(i);
  return undefined;
}

const NO_PROBLEMS: OperandProblem[] = [];

/** Parse the statement `toks[start..end)` as an LLVM-dialect instruction. */
export function parseLlvmInsn(toks: Token[], start: number, end: number): ParsedInsn {
  const trie = llvmTrie();
  st.toks = toks;
  st.start = start;
  st.end = end;
  st.stmt = toks[start]!;
  st.fail = { pos: -1 };
  st.constraintHit = false;
  const binding = st.binding;
  binding.restore(EMPTY_BINDING);
  const form = walk(trie, start);
  const stmt = st.stmt;
  if (!form) {
    if (st.constraintHit && st.fail.problem === undefined) {
      return { problems: [{ msg: MSG.constraint, message: MSG.constraint.text(), tok: stmt, severity: 'error' }] };
    }
    return { problems: [failureProblem(toks, st.fail, start)] };
  }
  const fields: InsnFields = {
    dst: binding.dst ?? 0,
    src: binding.src ?? binding.pseudo ?? 0,
    off: binding.off ?? 0,
    imm: binding.asdst !== undefined ? (binding.asdst << 16) | (binding.assrc ?? 0) : binding.imm ?? 0,
  };
  // `ld_pseudo` carries a 32-bit immediate; llvm-mc leaves the second slot's imm zero.
  if (binding.imm64 !== undefined) fields.imm64 = binding.imm64;
  else if (binding.pseudo !== undefined) fields.imm64 = BigInt(fields.imm >>> 0);
  const problems = binding.warnings.length > 0 ? binding.warnings.slice() : NO_PROBLEMS;
  return binding.fixup ? { form, fields, fixup: binding.fixup, problems } : { form, fields, problems };
}

function pickForm(forms: Form[], b: Binding): Form | undefined {
  if (forms.length === 1) return forms[0];
  return forms.find((f) => f.srcSel === undefined || f.srcSel === (b.pseudo ?? 0));
}

/** The error for a statement no template matched, at the furthest token reached. */
export function failureProblem(toks: Token[], fail: Failure, start: number): OperandProblem {
  if (fail.problem && fail.problem.severity === 'error') return fail.problem;
  const pos = Math.max(fail.pos, start);
  const tok = toks[pos]!;
  if (tok.kind === 'string' || tok.kind === 'error') {
    return { msg: MSG.unexpectedToken, message: MSG.unexpectedToken.text(), tok, severity: 'error' };
  }
  if (tok.kind === 'ident' && looksLikeRegister(tok.text) && !/^%?[rw](\d|10|11)$/.test(tok.text)) {
    return { msg: MSG.unknownRegister, message: MSG.unknownRegister.text(tok.text), tok, severity: 'error' };
  }
  if (pos === start) return { msg: MSG.invalidToken, message: MSG.invalidToken.text(), tok, severity: 'error' };
  // The statement ended where an operand was still expected: llvm-mc points at the instruction.
  if (tok.kind === 'eos') return { msg: MSG.tooFewOperands, message: MSG.tooFewOperands.text(), tok: toks[start]!, severity: 'error' };
  return { msg: MSG.invalidOperand, message: MSG.invalidOperand.text(), tok, severity: 'error' };
}

/**
 * Read one placeholder at `toks[i]` into the binding. Returns the next position, undefined when the
 * tokens are not of the placeholder's kind, or the problem when they are but the value is bad.
 */
function bind(ph: Placeholder, toks: Token[], i: number, stmt: Token, b: Binding): number | OperandProblem | undefined {
  switch (ph) {
    case 'dst': case 'wdst': case 'src': case 'wsrc': {
      const r = readReg(toks, i, ph === 'dst' || ph === 'src' ? 'r' : 'w', false);
      if (!r) return undefined;
      const field = ph === 'dst' || ph === 'wdst' ? 'dst' : 'src';
      const prev = b[field];
      if (prev !== undefined && prev !== r.value) b.constraintBroken = true;
      b[field] = r.value;
      if (r.problem) b.warnings.push(r.problem);
      return r.next;
    }
    case 'imm': {
      const r = readImm32(toks, i, stmt);
      if (!r) return undefined;
      if (r.problem?.severity === 'error') return r.problem;
      if (r.problem) b.warnings.push(r.problem);
      b.imm = r.value;
      return r.next;
    }
    case 'off': {
      const r = readOffset(toks, i);
      if (r.problem) return r.problem;
      b.off = r.value;
      return r.next;
    }
    case 'target': case 'ltarget': {
      const r = readTarget(toks, i, ph === 'target' ? 16 : 32);
      if (!r) return undefined;
      if (r.problem) return r.problem;
      if ('label' in r.value) {
        b.fixup = { kind: ph === 'target' ? 'jump16' : 'jump32', symbol: r.value.label, addend: 0, tok: toks[i]! };
      } else if (ph === 'target') {
        b.off = r.value.off;
      } else {
        b.imm = r.value.off;
      }
      return r.next;
    }
    case 'ctarget': {
      const t = toks[i]!;
      if (t.kind !== 'ident' || looksLikeRegister(t.text)) return undefined;
      b.fixup = { kind: 'call', symbol: t.text, addend: 0, tok: t };
      return i + 1;
    }
    case 'imm64': {
      const r = readImm64(toks, i);
      if (!r) return undefined;
      if (r.problem) return r.problem;
      if ('symbol' in r.value) {
        b.fixup = { kind: 'ld64', symbol: r.value.symbol, addend: r.value.addend, tok: toks[i]! };
        b.imm64 = BigInt.asUintN(64, BigInt(r.value.addend));
      } else {
        b.imm64 = r.value.value;
      }
      return r.next;
    }
    case 'asdst': case 'assrc': case 'pseudo': {
      const r = readNumber(toks, i);
      if (!r) return undefined;
      b[ph] = r.value;
      return r.next;
    }
  }
}
