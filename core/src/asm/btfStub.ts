/**
 * Writes the smallest `.BTF` and `.BTF.ext` sections, as assembly text, that give every function of
 * a module a func_info record: what the kernel asks for before a program may take a subprogram's
 * address (bpf_loop and other callbacks), and what a hand-written program lacks because only clang
 * writes BTF. Appended to the source, the text assembles with llvm-mc and with us alike.
 *
 * Each program's entry gets a global FUNC of type `int (void *ctx)`; every other function a static
 * FUNC of type `long (void)`. The kernel verifies a static function together with its caller and
 * does not look at its BTF parameters, so no parameter list is needed; marking the subprograms
 * static (even when their ELF symbol is global) keeps the kernel from verifying them on their own
 * with the arguments a prototype would promise. Offsets are written as numbers, not as
 * `.long SYMBOL` relocations: libbpf reads the stored value either way, and a function need not
 * have a symbol.
 */
import type { ObjectFile } from '../elf/types';
import type { Module } from '../program/model';

/** One func_info record to write: a function's byte offset in its section and its name. */
interface StubFunc { offset: number; name: string; global: boolean }

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Ids of the fixed types every stub starts with; the FUNCs follow from FIRST_FUNC on. */
const INT = 1;
const LONG = 2;
const VOID_PTR = 3;
const ENTRY_PROTO = 4;
const STATIC_PROTO = 5;
const FIRST_FUNC = 6;

/** The functions of `module` by ELF section, each once, in offset order. */
function functionsBySection(module: Module, object: ObjectFile): Map<string, StubFunc[]> {
  const bySection = new Map<string, Map<number, StubFunc>>();
  const add = (section: string, f: StubFunc): void => {
    let funcs = bySection.get(section);
    if (!funcs) bySection.set(section, (funcs = new Map()));
    const had = funcs.get(f.offset);
    if (!had || (f.global && !had.global)) funcs.set(f.offset, f);
  };
  for (const p of module.programs) {
    p.funcs.forEach((f, i) => {
      let offset: number | undefined;
      // The program's own section sits at slot 0, so a slot there is the section offset.
      if (f.section === p.section) offset = f.start * 8;
      else offset = object.symbols.find((s) => s.section === f.section && s.name === f.name && s.type !== 'section')?.value
        ?? Number(/^\.text\+(\d+)$/.exec(f.name)?.[1] ?? NaN);
      if (!Number.isInteger(offset)) return;
      add(f.section, { offset: offset!, name: f.name, global: i === 0 });
    });
  }
  const out = new Map<string, StubFunc[]>();
  for (const [section, funcs] of bySection) out.set(section, [...funcs.values()].sort((a, b) => a.offset - b.offset));
  return out;
}

/** Assembly text of `.BTF` and `.BTF.ext` sections with one func_info record per function of `module`. */
export function btfStub(module: Module, object: ObjectFile): string {
  const sections = functionsBySection(module, object);
  const strings: string[] = [''];
  const label = new Map<string, string>([['', '.Lbtf_strings']]);
  const str = (s: string): string => {
    let l = label.get(s);
    if (l === undefined) {
      l = `.Lbtf_s${strings.length}`;
      label.set(s, l);
      strings.push(s);
    }
    return `${l}-.Lbtf_strings`;
  };
  const lines: string[] = [
    '# BTF for func_info, generated: the entry of each program is a global FUNC of type int (void *ctx),',
    '# every other function a static FUNC of type long (void).',
    '\t.section\t.BTF,"",@progbits',
    '\t.short\t0xeb9f                      # magic',
    '\t.byte\t1                           # version',
    '\t.byte\t0                           # flags',
    '\t.long\t24                          # header length',
    '\t.long\t0                           # types: offset',
    '\t.long\t.Lbtf_types_end-.Lbtf_types # types: length',
    '\t.long\t.Lbtf_types_end-.Lbtf_types # strings: offset',
    '\t.long\t.Lbtf_strings_end-.Lbtf_strings # strings: length',
    '.Lbtf_types:',
    `\t.long\t${str('int')}, 1 << 24, 4, (1 << 24) | 32 # [${INT}] INT int: signed, 32 bits`,
    `\t.long\t${str('long')}, 1 << 24, 8, (1 << 24) | 64 # [${LONG}] INT long: signed, 64 bits`,
    `\t.long\t0, 2 << 24, 0                 # [${VOID_PTR}] PTR to void`,
    `\t.long\t0, (13 << 24) | 1, ${INT}, ${str('ctx')}, ${VOID_PTR} # [${ENTRY_PROTO}] FUNC_PROTO int (void *ctx)`,
    `\t.long\t0, 13 << 24, ${LONG}               # [${STATIC_PROTO}] FUNC_PROTO long (void)`,
  ];
  let id = FIRST_FUNC;
  const ids = new Map<StubFunc, number>();
  for (const funcs of sections.values()) {
    for (const f of funcs) {
      const name = IDENTIFIER.test(f.name) ? f.name : `func_${id}`;
      const linkage = f.global ? '(12 << 24) | 1' : '12 << 24';
      lines.push(`\t.long\t${str(name)}, ${linkage}, ${f.global ? ENTRY_PROTO : STATIC_PROTO} # [${id}] FUNC ${name}, ${f.global ? 'global' : 'static'}`);
      ids.set(f, id++);
    }
  }
  for (const section of sections.keys()) str(section);
  lines.push('.Lbtf_types_end:', '.Lbtf_strings:', '\t.byte\t0');
  strings.slice(1).forEach((s) => lines.push(`${label.get(s)}:`, `\t.asciz\t${JSON.stringify(s)}`));
  lines.push('.Lbtf_strings_end:', '',
    '\t.section\t.BTF.ext,"",@progbits',
    '\t.short\t0xeb9f                      # magic',
    '\t.byte\t1                           # version',
    '\t.byte\t0                           # flags',
    '\t.long\t32                          # header length',
    '\t.long\t0                           # func_info: offset',
    '\t.long\t.Lbtf_fi_end-.Lbtf_fi       # func_info: length',
    '\t.long\t0, 0, 0, 0                  # no line_info, no CO-RE relocations',
    '.Lbtf_fi:',
    '\t.long\t8                           # bytes per record');
  for (const [section, funcs] of sections) {
    lines.push(`\t.long\t${str(section)}, ${funcs.length} # section ${section}: ${funcs.length} record${funcs.length === 1 ? '' : 's'}`);
    for (const f of funcs) lines.push(`\t.long\t${f.offset}, ${ids.get(f)}${' '.repeat(Math.max(1, 26 - `${f.offset}, ${ids.get(f)}`.length))}#   ${f.name} at byte ${f.offset}`);
  }
  lines.push('.Lbtf_fi_end:', '');
  return lines.join('\n');
}
