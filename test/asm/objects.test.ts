/**
 * Whole objects against llvm-mc: every fixture in test/fixtures/asm/ must assemble to the same bytes
 * llvm-mc writes (sections, symbols, relocations, layout). When the bytes differ, the test shows the
 * difference of the `llvm-objdump -d -r` and `llvm-readelf -S -s -r` listings.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { writeElf } from '../../core/src/elf/writer';
import { hasTool } from '../helpers/tools';
import { asm, listing, llvmMc } from './util';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/asm');
const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.s')).sort();

describe('asm: objects compared with llvm-mc', () => {
  before(function () { if (!hasTool('llvm-mc-22')) { (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); } });
  for (const file of files) {
    it(file, () => {
      const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      const ref = llvmMc(text, file);
      assert.ok(ref.bytes, ref.stderr);
      const r = asm(text);
      assert.deepStrictEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
      const mine = writeElf(r.object);
      if (Buffer.compare(Buffer.from(mine), Buffer.from(ref.bytes!)) !== 0) {
        assert.strictEqual(listing(mine, `mine-${file}.o`), listing(ref.bytes!, `ref-${file}.o`));
        assert.fail('listings agree but the bytes differ');
      }
    });
  }
});
