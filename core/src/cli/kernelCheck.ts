/**
 * `ebpf verify --kernel`: loads each program through the running kernel with `bpftool prog loadall`
 * and reads the kernel's verdict and verifier log from libbpf's debug output (`bpftool -d`, which
 * prints the log between `-- BEGIN PROG LOAD LOG --` and `-- END PROG LOAD LOG --` when a load fails).
 * The object handed to bpftool is our own: the assembled ObjectFile written by `writeElf`, or the
 * input object itself, with subprograms written in a program's own section moved into `.text`
 * (subprogramsToText), the only place libbpf takes them from. Maps declared by `# @map` annotations
 * (comments, which no object carries) are added to it as BTF-defined maps in `.maps`, so that libbpf
 * creates them. No test code is involved; the pins bpftool makes are removed afterwards.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ObjectFile, ObjSymbol } from '../elf/types';
import { SHF_EXECINSTR } from '../elf/types';
import { writeElf } from '../elf/writer';
import { withBtfMaps } from '../elf/mapsWriter';
import type { MapDef, Program } from '../program/model';
import { subprogramsToText } from '../program/subprogramsToText';

export type KernelVerdict =
  | { checked: true; accepted: boolean; message: string }
  | { checked: false; message: string };

const BPFFS = '/sys/fs/bpf';
/** How long one bpftool load may take before the kernel verdict is given up. */
const LOAD_TIMEOUT_MS = 60_000;

/** Why the kernel cannot be asked here, or undefined when root, bpftool and bpffs are all present. */
export function kernelCheckUnavailable(): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'needs root and bpftool';
  const probe = spawnSync('bpftool', ['version'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error || probe.status !== 0) return 'needs root and bpftool';
  if (!fs.existsSync(BPFFS)) return `needs the BPF filesystem mounted at ${BPFFS}`;
  return undefined;
}

/**
 * The object as libbpf needs it to find `p` and nothing else. Only p's executable section is kept
 * (with .text, where subprograms may live), so one program's rejection does not hide another's
 * verdict. libbpf finds programs and subprograms through function symbols with sizes, while a source
 * may give its entry as a local label without `.size`; so the entry becomes a sized global function
 * (added when the object has none), and so do subprograms in .text. Returns the object and the name
 * libbpf will give the program. Subprograms inside the program's own section are left where they are
 * here (libbpf refuses static functions outside .text): `subprogramsToText` moves them afterwards.
 */
export function objectFor(obj: ObjectFile, p: Program): { object: ObjectFile; entry: string } {
  const dropped = new Set(obj.sections
    .filter((s) => (s.flags & SHF_EXECINSTR) !== 0 && s.name !== p.section && s.name !== '.text')
    .map((s) => s.name));
  const sections = obj.sections.filter((s) => !dropped.has(s.name));
  const symbols: ObjSymbol[] = obj.symbols
    .filter((s) => s.section === undefined || !dropped.has(s.section))
    .map((s) => ({ ...s }));
  let entry = p.name;
  for (const f of p.funcs) {
    const size = (f.end - f.start) * 8;
    const isEntry = f === p.funcs[0];
    let sym: ObjSymbol | undefined;
    if (f.section === p.section && !isEntry) continue;
    if (f.section === p.section) {
      // The program's own section is placed at slot 0, so a function's slot is its section offset.
      const value = f.start * 8;
      sym = symbols.find((s) => s.section === p.section && s.value === value && s.name === f.name && s.type !== 'section')
        ?? symbols.find((s) => s.section === p.section && s.value === value && (s.type === 'func' || s.type === 'notype'));
      if (!sym) {
        sym = { name: p.name.replace(/\W/g, '_'), section: p.section, value, size, type: 'func', bind: 'local' };
        symbols.push(sym);
      }
    } else {
      // Subprograms from .text sit elsewhere in the program than in their section: find them by name.
      sym = symbols.find((s) => s.section === f.section && s.name === f.name && (s.type === 'func' || s.type === 'notype'));
      if (!sym) continue;
    }
    sym.type = 'func';
    if (sym.size === 0) sym.size = size;
    if (isEntry) { sym.bind = 'global'; sym.size = size; entry = sym.name; }
  }
  // Any other global function left without a size gets the room up to the next one.
  for (const sec of sections) {
    if ((sec.flags & SHF_EXECINSTR) === 0) continue;
    const funcs = symbols
      .filter((s) => s.section === sec.name && s.bind !== 'local' && (s.type === 'func' || s.type === 'notype'))
      .sort((a, b) => a.value - b.value);
    funcs.forEach((s, i) => {
      s.type = 'func';
      if (s.size === 0) s.size = (funcs[i + 1]?.value ?? sec.data.length) - s.value;
    });
  }
  // Relocations against the dropped sections' symbols go too: `.BTF.ext` points at every program's
  // functions that way, and libbpf reads those offsets without applying the relocations.
  const relocations = obj.relocations.filter((r) => !dropped.has(r.section)
    && (r.symbolIsSection ? !dropped.has(r.symbol) : r.symbol === '' || symbols.some((s) => s.name === r.symbol)));
  // An undefined symbol that only the dropped sections used goes as well: libbpf takes every undefined
  // global for an extern and refuses the object when no BTF describes it (a map used by another program).
  const used = new Set(relocations.filter((r) => !r.symbolIsSection).map((r) => r.symbol));
  const kept = symbols.filter((s) => s.section !== undefined || s.specialIndex !== undefined || s.type === 'file' || used.has(s.name));
  const out: ObjectFile = { sections, symbols: kept, relocations };
  if (obj.addrsig) out.addrsig = obj.addrsig.filter((n) => kept.some((s) => s.name === n));
  return { object: out, entry };
}

/** Lines of a verifier log that show instructions or states rather than a verdict. */
const NOT_AN_ERROR = /^(\d+: |\s|from \d+ to \d+:|func#\d+|Live regs|(cur|old) state:|;|mark_precise|last_idx|regs=|parent )/;
const STATS = /^(verification time \d+|stack depth |processed \d+ insns)/;

/**
 * The kernel's error line: the first line after the last instruction line (`N: (op) ...`) that shows
 * neither an instruction nor a state, before the statistics; failing that, the last line before them.
 */
export function kernelErrorLine(log: string): string {
  const lines = log.split('\n').map((l) => l.trimEnd());
  let end = lines.findIndex((l) => STATS.test(l));
  if (end < 0) end = lines.length;
  let lastInsn = -1;
  for (let i = 0; i < end; i++) if (/^\d+: \([0-9a-f]{2}\)/.test(lines[i]!)) lastInsn = i;
  for (let i = lastInsn + 1; i < end; i++) {
    const l = lines[i]!;
    if (l !== '' && !NOT_AN_ERROR.test(l)) return l;
  }
  for (let i = end - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l !== '') return l;
  }
  return '';
}

/** The verifier log libbpf printed for program `name`, or undefined when it printed none. */
function logFor(output: string, name: string): string | undefined {
  const begin = output.indexOf(`prog '${name}': -- BEGIN PROG LOAD LOG --`);
  if (begin < 0) return undefined;
  const start = output.indexOf('\n', begin) + 1;
  const end = output.indexOf('-- END PROG LOAD LOG --', start);
  return output.slice(start, end < 0 ? undefined : end);
}

/** The line explaining why bpftool failed before any verdict (libbpf's or bpftool's own error). */
function toolError(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const error = lines.find((l) => l.startsWith('Error:'));
  const libbpf = lines.filter((l) => l.startsWith('libbpf:') && /fail|error|invalid|corrupt|unknown|missing/i.test(l));
  return [libbpf[0], error].filter((l): l is string => l !== undefined).join('; ') || lines[lines.length - 1] || 'bpftool failed';
}

/**
 * `object` with a BTF definition of every map `p` loads that the object does not define itself (maps
 * from `# @map` annotations), taken from `maps` (the module's maps).
 */
export function withAnnotatedMaps(object: ObjectFile, p: Program, maps: MapDef[]): { ok: true; object: ObjectFile } | { ok: false; message: string } {
  const used = new Set<string>();
  for (const r of p.ldImm64Refs.values()) if (r.kind === 'map') used.add(r.map);
  const missing = maps.filter((m) => used.has(m.name) && !object.symbols.some((s) => s.name === m.name && s.section !== undefined));
  if (missing.length === 0) return { ok: true, object };
  const added = withBtfMaps(object, missing, maps);
  return added.ok ? added : { ok: false, message: `not checked (the annotated maps cannot be written as BTF maps: ${added.message})` };
}

/** Loads `p` (from the object `obj`, with the module's `maps`) through the kernel and returns its verdict. */
export function kernelVerdict(obj: ObjectFile, p: Program, maps: MapDef[] = []): KernelVerdict {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-verify-'));
  const objPath = path.join(dir, 'prog.o');
  const pin = path.join(BPFFS, `ebpf-verify-${process.pid}`);
  try {
    const { object: own, entry } = objectFor(obj, p);
    // libbpf takes subprograms only from .text: those written in the program's section move there.
    const laidOut = subprogramsToText(own, p);
    if (!laidOut.ok) return { checked: false, message: `not checked (${laidOut.message})` };
    const object = withAnnotatedMaps(laidOut.object, p, maps);
    if (!object.ok) return { checked: false, message: object.message };
    fs.writeFileSync(objPath, writeElf(object.object));
    const r = spawnSync('bpftool', ['-d', 'prog', 'loadall', objPath, pin],
      { encoding: 'utf8', timeout: LOAD_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 1 << 28 });
    if (r.error) {
      // A rejected program that runs long (the million-instruction limit) makes libbpf verify it again
      // and again with a growing log buffer, which can take minutes.
      if ((r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { checked: false, message: `bpftool did not finish within ${LOAD_TIMEOUT_MS / 1000} s` };
      return { checked: false, message: `bpftool: ${r.error.message}` };
    }
    const output = `${r.stdout}\n${r.stderr}`;
    // A zero exit alone is not a verdict: libbpf loads nothing when it finds no program.
    if (!output.includes(`found program '${entry}'`)) return { checked: false, message: `libbpf did not find program '${entry}' (${toolError(output)})` };
    if (r.status === 0) return { checked: true, accepted: true, message: '' };
    const log = logFor(output, entry);
    if (log !== undefined) return { checked: true, accepted: false, message: kernelErrorLine(log) };
    const failed = output.split('\n').find((l) => l.includes(`prog '${entry}': failed to load`));
    // A rejection without a log (the kernel refused the request before verifying).
    if (failed) return { checked: true, accepted: false, message: failed.replace(/^libbpf: /, '') };
    return { checked: false, message: toolError(output) };
  } catch (e) {
    return { checked: false, message: e instanceof Error ? e.message : String(e) };
  } finally {
    fs.rmSync(pin, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
