// Reads the mnemonic keyword lists back out of syntaxes/ebpf.tmLanguage.json. The grammar holds the
// mnemonic dialect's keywords (ubpf / rbpf / bpf_conformance: `mov32`, `ldxdw`, `jsgt`, `lock fetch
// add`...) as one plain alternation per group, inside the `begin` of the repository rules named
// below. Those lists are written by hand; parser-sync.test.ts reads them with `grammarMnemonics()`
// and checks them against what the mnemonic parser accepts, both ways.
// Words both dialects share (`call`, `callx`, `exit`, `lock`, `may_goto`) are keywords of the
// pseudo-C rules and are listed in `sharedKeywords`; `fetch` is part of the atomic rule, and the
// call kinds of `call local f` / `call helper 1` / `call runtime 2` / `call kfunc 5` are in the
// `calls` rule.

import * as fs from 'fs';
import { grammarPath } from './textmate';

export type MnemonicGroup = 'alu' | 'memory' | 'jump' | 'atomic';

/** Repository rule holding each group, and the scope its keyword gets. */
export const mnemonicRules: Record<MnemonicGroup, { rule: string; scope: string }> = {
  alu: { rule: 'mnemonic-alu', scope: 'keyword.other.mnemonic.alu.ebpf' },
  memory: { rule: 'mnemonic-memory', scope: 'keyword.other.mnemonic.memory.ebpf' },
  jump: { rule: 'mnemonic-jump', scope: 'keyword.control.mnemonic.jump.ebpf' },
  atomic: { rule: 'mnemonic-atomic', scope: 'keyword.other.mnemonic.atomic.ebpf' },
};

/** Keywords of both dialects, with the scope the grammar gives them. */
export const sharedKeywords: Record<string, string> = {
  call: 'keyword.control.call.ebpf',
  callx: 'keyword.control.call.ebpf',
  exit: 'keyword.control.exit.ebpf',
  lock: 'keyword.other.lock.ebpf',
  may_goto: 'keyword.control.jump.ebpf',
};

interface RawRule {
  begin?: string;
  patterns?: { match?: string }[];
}

/** The first group of a rule's regular expression that is nothing but `word|word|...`. */
function alternation(regex: string): string[] {
  const m = /\(((?:[a-z0-9_]+\|)+[a-z0-9_]+)\)/.exec(regex);
  if (!m || m[1] === undefined) throw new Error(`no keyword alternation in ${regex}`);
  return m[1].split('|');
}

function readGrammar(): { repository: Record<string, RawRule> } {
  return JSON.parse(fs.readFileSync(grammarPath, 'utf8')) as { repository: Record<string, RawRule> };
}

export function grammarMnemonics(): Record<MnemonicGroup, string[]> {
  const grammar = readGrammar();
  const out = {} as Record<MnemonicGroup, string[]>;
  for (const group of Object.keys(mnemonicRules) as MnemonicGroup[]) {
    const rule = grammar.repository[mnemonicRules[group].rule];
    if (!rule || typeof rule.begin !== 'string') throw new Error(`grammar has no rule ${mnemonicRules[group].rule}`);
    out[group] = alternation(rule.begin);
  }
  return out;
}

/** The call kinds (`local` in `call local f`, `helper`, ...): the alternation of the `calls` rule's first pattern. */
export function grammarCallKinds(): string[] {
  const first = readGrammar().repository['calls']?.patterns?.[0]?.match;
  if (first === undefined) throw new Error('grammar has no calls rule');
  return alternation(first);
}
