/**
 * `npm run bench`: runs every benchmark module and prints its figures. The modules listed below run
 * first, in that order; any other module found next to this file runs after them, so a new
 * `bench/NAME.ts` exporting `bench: BenchModule` (see harness.ts) needs no change here. Modules are
 * loaded at run time, so one that does not exist yet (or fails to load) is reported and skipped
 * instead of stopping the others. `node out/bench/run.js asm vm` runs only the named modules.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createHarness, type BenchModule } from './harness';

/** Benchmark modules that run first, in this order (a missing one is reported and skipped). */
export const MODULES = ['asm', 'verifier', 'vm', 'debugger', 'lsp'];

/** The listed modules, then every other compiled module in this folder, alphabetically. */
function allModules(): string[] {
  let found: string[] = [];
  try {
    found = fs.readdirSync(__dirname).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3));
  } catch {
    // An unreadable folder leaves just the fixed list.
  }
  const extra = found.filter((n) => n !== 'run' && n !== 'harness' && !MODULES.includes(n)).sort();
  return [...MODULES, ...extra];
}

function loadModule(name: string): BenchModule | string {
  const file = path.join(__dirname, `${name}.js`);
  let mod: { bench?: BenchModule };
  try {
    mod = require(file) as { bench?: BenchModule };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === 'MODULE_NOT_FOUND' && err.message?.includes(file)) return 'not present';
    return `failed to load: ${err.message ?? String(e)}`;
  }
  if (!mod.bench || typeof mod.bench.run !== 'function') return 'does not export `bench`';
  return mod.bench;
}

export async function main(argv: string[]): Promise<number> {
  const wanted = argv.length > 0 ? argv : allModules();
  const h = createHarness((line) => process.stdout.write(`${line}\n`));
  let failures = 0;
  for (const name of wanted) {
    const mod = loadModule(name);
    if (typeof mod === 'string') {
      process.stdout.write(`${name}: skipped (bench/${name}.ts ${mod})\n`);
      continue;
    }
    try {
      await mod.run(h);
    } catch (e) {
      failures++;
      process.stdout.write(`${name}: failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    }
  }
  return failures > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
