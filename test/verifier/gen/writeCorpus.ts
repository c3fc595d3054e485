/**
 * Writes the generated part of the verifier corpus: GENERATED_COUNT programs from fixed seeds into
 * test/fixtures/verifier/gen/, one `.s` file each. Run it before re-recording when the generator
 * changes (the files are committed, so the agreement test does not depend on the generator):
 *   npx tsc -p tsconfig.json && node out/test/verifier/gen/writeCorpus.js && node out/test/verifier/corpus/record.js
 */
import * as fs from 'fs';
import * as path from 'path';
import { generateProgram } from './generator';
import { FIXTURE_DIR } from '../corpus/fixtures';

export const GENERATED_COUNT = 160;
/** Seeds of the committed corpus; the live test uses other seeds. */
export const CORPUS_SEED_BASE = 1000;

function main(): void {
  const dir = path.join(FIXTURE_DIR, 'gen');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < GENERATED_COUNT; i++) {
    const p = generateProgram(CORPUS_SEED_BASE + i);
    fs.writeFileSync(path.join(dir, `${p.name}.s`), p.text);
  }
  console.log(`wrote ${GENERATED_COUNT} programs to ${dir}`);
}

if (require.main === module) main();
