// Loads the project's TextMate grammars into vscode-textmate (with the Oniguruma WebAssembly regex
// engine, exactly as VS Code does) and turns lines of text into tokens that tests can look at: each
// token is its text plus the stack of scopes it carries. The grammar tests, the listing tests and the
// Markdown injection tests all go through `loadGrammar` and `tokenizeLines` here, so nothing else in
// the test tree needs to know how vscode-textmate is wired.

import * as fs from 'fs';
import * as path from 'path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

/** The repository root: the nearest folder above this file that holds package.json. */
export const repoRoot = ((): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

export const grammarPath = path.join(repoRoot, 'syntaxes', 'ebpf.tmLanguage.json');
export const injectionPath = path.join(repoRoot, 'syntaxes', 'ebpf-markdown-injection.tmLanguage.json');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'grammar');

/** Grammar files by scope name; the Markdown stand-in lives with the fixtures. */
const grammarFiles: Record<string, string> = {
  'source.ebpf': grammarPath,
  'markdown.ebpf.codeblock': injectionPath,
  'text.html.markdown': path.join(fixturesDir, 'markdown-stub.tmLanguage.json'),
};

export interface Token {
  text: string;
  scopes: string[];
}

let onigLib: Promise<vsctm.IOnigLib> | undefined;

/** Oniguruma can be initialised once per process; every registry shares the same promise. */
function loadOniguruma(): Promise<vsctm.IOnigLib> {
  if (!onigLib) {
    const wasm = fs.readFileSync(path.join(repoRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    const bytes = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
    onigLib = oniguruma.loadWASM(bytes).then(() => ({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }));
  }
  return onigLib;
}

const registry = new vsctm.Registry({
  onigLib: loadOniguruma(),
  loadGrammar: async (scopeName: string) => {
    const file = grammarFiles[scopeName];
    if (!file) return null;
    return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
  },
  getInjections: (scopeName: string) => (scopeName === 'text.html.markdown' ? ['markdown.ebpf.codeblock'] : undefined),
});

const grammars = new Map<string, Promise<vsctm.IGrammar>>();

export function loadGrammar(scopeName = 'source.ebpf'): Promise<vsctm.IGrammar> {
  let grammar = grammars.get(scopeName);
  if (!grammar) {
    grammar = registry.loadGrammar(scopeName).then((g) => {
      if (!g) throw new Error(`no grammar for ${scopeName}`);
      return g;
    });
    grammars.set(scopeName, grammar);
  }
  return grammar;
}

/** Tokenizes consecutive lines, carrying the rule stack from one line to the next. */
export function tokenizeLines(grammar: vsctm.IGrammar, lines: readonly string[]): Token[][] {
  let stack = vsctm.INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** One line of tokens as `text => innermost scope` rows, for readable failure messages. */
export function describeTokens(tokens: readonly Token[]): string {
  return tokens.map((t) => `  ${JSON.stringify(t.text)} => ${t.scopes.slice(1).join(' ')}`).join('\n');
}

/** Every `invalid.*` scope found in the tokens, with the text that carried it. */
export function invalidTokens(tokens: readonly Token[]): string[] {
  return tokens.filter((t) => t.scopes.some((s) => s.startsWith('invalid'))).map((t) => t.text);
}

/** One expectation: in `line`, the `nth` token (0-based, default 0) whose text is `token` carries `scope`. */
export interface ScopeCase {
  line: string;
  token: string;
  scope: string;
  nth?: number;
}

/**
 * Builds the rows for one line from `[token, scope]` pairs. A token text given again means its next
 * occurrence in the line; to check several scopes on one token, give them as an array.
 */
export function on(line: string, ...pairs: Array<[string, string | string[]]>): ScopeCase[] {
  const seen = new Map<string, number>();
  return pairs.flatMap(([token, scopes]) => {
    const nth = seen.get(token) ?? 0;
    seen.set(token, nth + 1);
    return (Array.isArray(scopes) ? scopes : [scopes]).map((scope) => (nth === 0 ? { line, token, scope } : { line, token, scope, nth }));
  });
}

/** The `nth` token with exactly this text, if any. */
export function findToken(tokens: readonly Token[], text: string, nth = 0): Token | undefined {
  return tokens.filter((t) => t.text === text)[nth];
}
