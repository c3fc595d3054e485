/**
 * Caret-annotated fixtures: a `#` comment line made of carets under a source line marks a range of
 * that line and what is expected there, e.g.
 *
 *     	r0 = *(u32 *)(r0 + 0)
 *     #^^^^^^^^^^^^^^^^^^^^^ error: R0 invalid mem access 'map_value_or_null'
 *
 * The caret columns are the source line's character columns: the `#` stands in column 1, so under a
 * tab-indented line the carets for column 2 follow the `#` directly. The text after the carets is `KIND: TEXT`. llvm-mc ignores the comments, so a fixture
 * is also a valid program.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Expectation { line: number; column: number; endColumn: number; kind: string; text: string }

export interface Fixture { name: string; text: string; expect: Expectation[] }

const CARET = /^#([ \t]*)(\^+)\s+([\w-]+):\s?(.*)$/;

export function parseFixture(text: string, name = 'fixture'): Fixture {
  const lines = text.split('\n');
  const expect: Expectation[] = [];
  let target = 0;
  lines.forEach((l, i) => {
    const m = CARET.exec(l);
    if (!m) { target = i + 1; return; }
    const column = 2 + m[1]!.length;
    expect.push({ line: target, column, endColumn: column + m[2]!.length, kind: m[3]!, text: m[4]!.trimEnd() });
  });
  return { name, text, expect };
}

export const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'lang');

export function loadFixture(file: string): Fixture {
  return parseFixture(fs.readFileSync(path.join(FIXTURES, file), 'utf8'), file);
}

export function fixtureFiles(dir = ''): string[] {
  return fs.readdirSync(path.join(FIXTURES, dir)).filter((f) => f.endsWith('.s')).map((f) => path.join(dir, f)).sort();
}
