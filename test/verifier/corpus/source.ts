/**
 * Reading a corpus `.s` file without assembling it: the `# @map` and `# @prog` annotations of the CLI
 * contract, the one executable section, and from them the program type (libbpf's section rules) and
 * the map definitions. The recording script uses this to build the kernel request; the expectations
 * file keeps the result so that the agreement test needs neither llvm-mc nor root.
 */
import type { MapDef } from '../../../core/src/program/model';
import { progTypeForSection } from '../../../core/src/data/sections';
import { parseMapFlags } from '../../../core/src/data/mapTypes';

export interface CorpusSource {
  /** The executable section (the program). */
  section: string;
  progType: string;
  attachType?: string;
  maps: MapDef[];
  problems: string[];
}

/** Finds `.section NAME,"ax"...` lines; quoted names are unquoted. */
function sectionsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*\.section\s+("([^"]+)"|[^,\s]+)\s*,\s*"([a-z]*)"/gm)) {
    const name = m[2] ?? m[1]!;
    if (m[3]!.includes('x')) out.push(name);
  }
  return out;
}

function parseMap(line: string, problems: string[]): MapDef | undefined {
  const words = line.trim().split(/\s+/);
  const name = words[0];
  if (!name) return void problems.push(`@map without a name: ${line}`);
  const attrs = new Map<string, string>();
  for (const w of words.slice(1)) {
    const eq = w.indexOf('=');
    if (eq > 0) attrs.set(w.slice(0, eq), w.slice(eq + 1));
  }
  const num = (k: string): number => Number(attrs.get(k) ?? '0');
  const flagText = attrs.get('flags');
  const flags = flagText === undefined ? 0 : parseMapFlags(flagText);
  if (flags === undefined) problems.push(`@map ${name}: unknown flags ${flagText}`);
  const def: MapDef = {
    name,
    type: attrs.get('type') ?? 'array',
    keySize: num('key_size'),
    valueSize: num('value_size'),
    maxEntries: num('max_entries'),
    flags: flags ?? 0,
    flagNames: flagText === undefined ? [] : flagText.split('|'),
  };
  const inner = attrs.get('inner');
  if (inner !== undefined) def.inner = inner;
  return def;
}

/** Reads the annotations and the section of a corpus file. */
export function readCorpusSource(text: string): CorpusSource {
  const problems: string[] = [];
  const maps: MapDef[] = [];
  let progOverride: string | undefined;
  for (const m of text.matchAll(/#\s*@(map|prog)\s+([^\n]*)/g)) {
    if (m[1] === 'map') {
      const def = parseMap(m[2]!, problems);
      if (def) maps.push(def);
    } else {
      progOverride = m[2]!.trim().split(/\s+/)[0];
    }
  }
  const sections = sectionsOf(text);
  if (sections.length !== 1) problems.push(`expected exactly one executable section, found ${sections.length}`);
  const section = sections[0] ?? '';
  const fromSection = progTypeForSection(section);
  const out: CorpusSource = { section, progType: progOverride ?? fromSection?.progType ?? '', maps, problems };
  if (fromSection?.attachType !== undefined && progOverride === undefined) out.attachType = fromSection.attachType;
  if (out.progType === '') problems.push(`no program type for section '${section}'`);
  return out;
}
