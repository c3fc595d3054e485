/**
 * Hover: what the thing under the cursor is. A helper call shows the helper's C signature, id,
 * description, the program types that may call it and the first kernel that has it; an instruction
 * its encoding and one-line semantics from the instruction table; a register the verifier's state at
 * that instruction (kernel notation and plain words); a context offset the field it names; a map or
 * label its definition.
 */
import type { SourceRange } from '../diagnostics';
import type { Token } from '../asm/lexer';
import { formOf, encodeInto } from '../isa/codec';
import type { Insn } from '../isa/insn';
import { printInsn } from '../asm/printer';
import { allowedHelperIds } from '../data/helperAccess';
import { PROG_TYPES } from '../data/progTypes';
import { progTypeForSection } from '../data/sections';
import type { HelperInfo } from '../data/types';
import { slotAtLine, stateBefore, type Analysis, type ProgramAnalysis } from './analysis';
import { stmtOnLine, tokenAt, tokRange, type Stmt } from './syntax';
import { describeRegister } from './stateWords';
import { ctxFieldAt, helperById, helperByName } from './facts';
import type { HoverResult, Position } from './types';

const REG = /^[rw](\d|10)$/;

export function hover(a: Analysis, pos: Position): HoverResult | undefined {
  const syn = a.syntax;
  const tok = tokenAt(syn, pos.line, pos.column);
  if (!tok) return annotationHover(a, pos);
  const range = tokRange(tok);
  const stmt = stmtOnLine(syn, pos.line);
  const def = tok.kind === 'ident' ? syn.defs.get(tok.text) : undefined;
  if (stmt?.kind === 'directive') {
    if (stmt.toks[0]!.text === '.section' && stmt.toks[1] === tok) return sectionHover(tok.text, range);
    if (def) return defHover(a, def.name, range);
    return undefined;
  }
  if (stmt && stmt.labels.includes(tok)) return defHover(a, tok.text, range);
  if (!stmt || stmt.kind !== 'insn') return undefined;
  const at = slotAtLine(a, pos.line);
  const head = stmt.toks[0]!;
  if (head.text === 'call' && tok !== head) {
    const h = tok.kind === 'number' ? helperById(Number(tok.value ?? -1n)) : tok.kind === 'ident' && !def ? helperByName(tok.text) : undefined;
    if (h) return { markdown: helperMarkdown(h), range };
  }
  if (def) return defHover(a, def.name, range);
  if (tok.kind === 'ident' && REG.test(tok.text)) {
    const md = registerMarkdown(tok.text, at);
    if (md) return { markdown: md, range };
  }
  if (tok.kind === 'number' && at) {
    const md = ctxOffsetMarkdown(stmt, tok, at.pa, at.slot);
    if (md) return { markdown: md, range };
  }
  if (!at) return undefined;
  const insn = at.pa.program.insns[at.slot];
  if (!insn) return undefined;
  const whole: SourceRange = at.pa.program.lines[at.slot] ?? range;
  return { markdown: insnMarkdown(insn, at.slot), range: whole };
}

export function helperMarkdown(h: HelperInfo): string {
  const lines = ['```c', h.signature, '```', `**${h.name}** — helper ${h.id}${h.since ? `, since Linux ${h.since}` : ''}`, '', h.doc];
  const allowed = PROG_TYPES.filter((p) => allowedHelperIds(p.name)?.has(h.id)).map((p) => p.name);
  if (allowed.length) lines.push('', `Program types: ${allowed.join(', ')}`);
  return lines.join('\n');
}

function hexBytes(insn: Insn): string {
  const buf = new Uint8Array(insn.kind === 'ldImm64' ? 16 : 8);
  try { encodeInto(insn, buf, 0); } catch { return ''; }
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export function insnMarkdown(insn: Insn, slot: number): string {
  const form = formOf(insn);
  const lines = ['```ebpf', printInsn(insn), '```'];
  if (form) lines.push(`${form.doc}`, '', `\`${form.id}\` · opcode 0x${form.opcode.toString(16).padStart(2, '0')} · mnemonic \`${form.mnemonic}\``);
  lines.push('', `insn ${slot}: \`${hexBytes(insn)}\``);
  return lines.join('\n');
}

function registerMarkdown(name: string, at: { pa: ProgramAnalysis; slot: number } | undefined): string | undefined {
  const states = at?.pa.result?.states;
  if (!at || !states) return undefined;
  const n = Number(name.slice(1));
  const st = states.find((s) => s.insn === at.slot);
  const before = stateBefore(at.pa, at.slot);
  if (!before && !st?.after) return `**${name}**: this instruction is never reached by the verifier`;
  const out: string[] = [];
  const show = (label: string, text: string | undefined): void => {
    if (text === undefined) out.push(`${label}: \`R${n}\` is not initialised (\`R${n} !read_ok\`)`);
    else out.push(`${label}: \`R${n}=${text}\` — ${describeRegister(text)}`);
  };
  show(before?.exact === false ? 'before (the verifier stopped here)' : 'before', before?.state.regs[n]);
  if (st?.after && st.after.regs[n] !== before?.state.regs[n]) show('after', st.after.regs[n]);
  // The states are joined over every path that reached the slot; say how many there were.
  if (st && st.visits > 1) out.push(`${st.visits} paths reach this instruction; the states above join them all.`);
  if (name.startsWith('w')) out.push('', `\`${name}\` is the low 32 bits of \`r${n}\`.`);
  return out.join('\n\n');
}

/** `*(u32 *)(r1 + 76)` where r1 holds the context: name the field at that offset. */
function ctxOffsetMarkdown(stmt: Stmt, tok: Token, pa: ProgramAnalysis, slot: number): string | undefined {
  const insn = pa.program.insns[slot];
  if (!insn || (insn.kind !== 'load' && insn.kind !== 'store')) return undefined;
  const base = insn.kind === 'load' ? insn.src : insn.dst;
  const i = stmt.toks.indexOf(tok);
  if (i < 2 || stmt.toks[i - 2]?.text !== `r${base}`) return undefined;
  const state = stateBefore(pa, slot)?.state.regs[base];
  // Without verifier states, r1 at a load is still most likely the context; say so only then.
  if (state !== undefined ? !state.startsWith('ctx') : base !== 1) return undefined;
  const hit = ctxFieldAt(pa.program.progType, insn.off);
  if (!hit) return undefined;
  const f = hit.field;
  const rel = insn.off - f.offset;
  return [`\`${hit.struct}.${f.name}\`${rel ? ` + ${rel}` : ''} (offset ${f.offset}, ${f.size} bytes)`, f.doc ?? ''].filter(Boolean).join('\n\n');
}

function defHover(a: Analysis, name: string, range: SourceRange): HoverResult | undefined {
  const def = a.syntax.defs.get(name);
  if (!def) return undefined;
  const lineText = (a.syntax.lines[def.range.line - 1] ?? '').trim();
  if (def.kind === 'map') {
    const m = a.module?.maps.find((x) => x.name === name);
    const facts = m ? `\n\n${m.type} map: key ${m.keySize} bytes, value ${m.valueSize} bytes, ${m.maxEntries} entries${m.flagNames.length ? `, flags ${m.flagNames.join('|')}` : ''}` : '';
    return { markdown: `map **${name}** (line ${def.range.line})\n\n\`\`\`ebpf\n${lineText}\n\`\`\`${facts}`, range };
  }
  const uses = a.syntax.uses.get(name)?.length ?? 0;
  return { markdown: `${def.kind} **${name}** — defined on line ${def.range.line}, ${uses} use${uses === 1 ? '' : 's'}\n\n\`\`\`ebpf\n${lineText}\n\`\`\``, range };
}

function sectionHover(section: string, range: SourceRange): HoverResult | undefined {
  const t = progTypeForSection(section);
  if (!t) return { markdown: `section \`${section}\`: no libbpf rule gives it a program type`, range };
  const info = PROG_TYPES.find((p) => p.name === t.progType);
  return { markdown: `section \`${section}\` → program type **${t.progType}**${t.attachType ? ` (attach type ${t.attachType})` : ''}${info?.doc ? `\n\n${info.doc}` : ''}${info?.ctx ? `\n\nr1 points to \`struct ${info.ctx}\`` : ''}`, range };
}

function annotationHover(a: Analysis, pos: Position): HoverResult | undefined {
  const ann = a.syntax.annotations.find((x) => x.line === pos.line);
  if (!ann || !ann.text.startsWith('@map')) return undefined;
  const m = /^@map\s+(\S+)/.exec(ann.text);
  if (!m) return undefined;
  return defHover(a, m[1]!, { line: ann.line, column: ann.column, endLine: ann.line, endColumn: ann.column + ann.text.length });
}
