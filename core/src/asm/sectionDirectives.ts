/**
 * The directives that choose where bytes go: `.text`, `.data`, `.rodata`, `.bss`, `.section NAME,
 * "flags", @type[, entsize]`, `.pushsection` / `.popsection`, `.previous`, and `.ident`, which
 * appends a string to the `.comment` section without leaving the current one. Every switch is
 * recorded with its line, so `# @prog` annotations can later be placed in their section.
 */
import type { Token } from './lexer';
import { MSG } from './messages';
import { defaultSectionKind, type SecState } from './objectBuilder';
import type { DirectiveArgs, DirectiveContext, DirectiveHandler } from './directiveContext';
import { SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHF_WRITE, SHT_NOBITS, SHT_PROGBITS } from '../elf/types';

/** Section flags by their letter in `.section NAME, "awx"`; other letters add nothing. */
const FLAG_LETTERS: Record<string, number> = { a: SHF_ALLOC, w: SHF_WRITE, x: SHF_EXECINSTR, M: SHF_MERGE, S: SHF_STRINGS };

/** Make `sec` current, remembering the section left for `.previous`, and record the switch. */
function switchTo(ctx: DirectiveContext, sec: SecState, head: Token): void {
  if (sec !== ctx.ob.cur) ctx.previous = ctx.ob.cur;
  ctx.ob.cur = sec;
  ctx.switches.push({ line: head.line, section: sec.name });
}

/**
 * A section name: a string, or the run of tokens up to the next comma without spaces between them,
 * since names like `kprobe/sys_execve`, `tracepoint/syscalls/sys_enter_open` or `xdp.frags` span
 * several tokens.
 */
function sectionName(a: DirectiveArgs): string | undefined {
  if (a.done) return undefined;
  if (a.tok.kind === 'string') return a.toks[a.i++]!.text;
  let name = '';
  let prev: Token | undefined;
  while (!a.done && !(a.tok.kind === 'punct' && a.tok.text === ',')) {
    if (prev && (a.tok.line !== prev.line || a.tok.column !== prev.endColumn)) break;
    prev = a.toks[a.i++]!;
    name += prev.text;
  }
  return name === '' ? undefined : name;
}

/** `.text`, `.data`, `.rodata`, `.bss`: the section of that name with its default kind. */
const named: DirectiveHandler = (a) => {
  const k = defaultSectionKind(a.name);
  switchTo(a.ctx, a.ob.section(a.name, k.type, k.flags, a.name === '.text' ? 4 : 1, 0), a.head);
  return a.expectEnd();
};

/** `.section` / `.pushsection NAME[, "flags"[, @type[, entsize]]]`. */
const section: DirectiveHandler = (a) => {
  const secName = sectionName(a);
  if (!secName) return a.fail(MSG.expectedIdentifier);
  const k = defaultSectionKind(secName);
  let flags = k.flags;
  let type = k.type;
  let entsize = 0;
  let explicit = false;
  if (a.punct(',')) {
    if (a.done || a.tok.kind !== 'string') return a.fail(MSG.expectedString);
    explicit = true;
    flags = 0;
    for (const ch of a.tok.text) flags |= FLAG_LETTERS[ch] ?? 0;
    a.i++;
    if (a.punct(',')) {
      a.punct('@');
      const t = a.ident();
      const tn = t?.text.replace(/^%/, '');
      if (tn === 'nobits') type = SHT_NOBITS;
      else if (tn === 'progbits') type = SHT_PROGBITS;
      else return a.fail(MSG.expectedIdentifier, t ?? a.tok);
      if (a.punct(',')) {
        const e = a.number();
        if (e === undefined) return a.fail(MSG.expectedExpression);
        entsize = Number(e);
      }
    }
  }
  const existing = a.ob.sections.get(secName);
  if (existing && explicit && existing.flags !== flags) {
    a.ctx.error(MSG.changedFlags, MSG.changedFlags.text(secName, existing.flags), a.head);
    return true;
  }
  if (a.name === '.pushsection') a.ctx.stack.push(a.ob.cur);
  switchTo(a.ctx, existing ?? a.ob.section(secName, type, flags, secName === '.text' ? 4 : 1, entsize), a.head);
  return a.expectEnd();
};

export const SECTION_DIRECTIVES: Record<string, DirectiveHandler> = {
  '.text': named, '.data': named, '.rodata': named, '.bss': named,
  '.section': section, '.pushsection': section,
  '.popsection': (a) => {
    const back = a.ctx.stack.pop();
    if (!back) return a.fail(MSG.sectionStack);
    switchTo(a.ctx, back, a.head);
    return a.expectEnd();
  },
  '.previous': (a) => {
    if (a.ctx.previous) switchTo(a.ctx, a.ctx.previous, a.head);
    return a.expectEnd();
  },
  '.ident': (a) => {
    if (a.done || a.tok.kind !== 'string') return a.fail(MSG.expectedString);
    const ob = a.ob;
    const saved = ob.cur;
    ob.cur = ob.section('.comment', SHT_PROGBITS, SHF_MERGE | SHF_STRINGS, 1, 1);
    if (ob.cur.size === 0) ob.emitBytes([0]);
    ob.emitBytes([...(a.tok.bytes ?? []), 0]);
    ob.cur = saved;
    a.i++;
    return a.expectEnd();
  },
};
