/** Formatting: compiler-style alignment, stable under a second run, and caret comments untouched. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyLineEdits, buildSyntax, formatDocument } from '../../core/src/lang';
import { fixtureFiles, FIXTURES } from './fixture';

const format = (text: string): string => applyLineEdits(text, formatDocument(buildSyntax(text)));

describe('lang: formatting', () => {
  it('puts a tab before instructions and directives, labels at the margin, comments at one column', () => {
    const text = 'prog:   r0 = 1   # one\n  .section   xdp,"ax",@progbits\n   r1  =  r2\nlabel:\n    exit // done\n/* block\n   stays */\n';
    assert.strictEqual(format(text), [
      'prog:',
      '\tr0 = 1                          # one',
      '\t.section\txdp,"ax",@progbits',
      '\tr1 = r2',
      'label:',
      '\texit                            // done',
      '/* block',
      '   stays */',
      '',
    ].join('\n'));
  });

  it('keeps strings, CRLF line ends and whole-line comments as they are', () => {
    assert.strictEqual(format('  .ascii  "a  #  b"\r\n#   ^^ note\r\n'), '\t.ascii\t"a  #  b"\r\n#   ^^ note\r\n');
  });

  it('is idempotent on every fixture and on the examples', () => {
    const dir = path.join(FIXTURES, '..', '..', '..', 'examples');
    const files = [...fixtureFiles().map((f) => path.join(FIXTURES, f)), ...fixtureFiles('features').map((f) => path.join(FIXTURES, f)),
      ...fs.readdirSync(dir).filter((f) => f.endsWith('.s')).map((f) => path.join(dir, f))];
    for (const f of files) {
      const once = format(fs.readFileSync(f, 'utf8'));
      assert.strictEqual(format(once), once, f);
    }
  });

  it('leaves compiler-formatted examples unchanged', () => {
    const f = path.join(FIXTURES, '..', '..', '..', 'examples', 'xdp_counter.s');
    const text = fs.readFileSync(f, 'utf8');
    assert.deepStrictEqual(formatDocument(buildSyntax(text)).map((e) => e.range.line), []);
  });
});
