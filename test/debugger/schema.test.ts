/**
 * Keeps package.json's `contributes.debuggers` equal to debugger/src/launchSchema.ts, and the schema
 * equal to the launch arguments the adapter accepts. With UPDATE_PACKAGE_JSON=1 the test rewrites
 * package.json instead of failing; review the diff.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { debuggerContribution } from '../../debugger/src/launchSchema';
import { parseLaunchArgs } from '../../debugger/src/launch';

const pkgPath = path.join(__dirname, '..', '..', '..', 'package.json');

describe('package.json debuggers', () => {
  it('equal the declaration in debugger/src/launchSchema.ts', () => {
    const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
    const want = [debuggerContribution];
    if (process.env.UPDATE_PACKAGE_JSON === '1') {
      pkg.contributes.debuggers = want;
      fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
    }
    assert.deepStrictEqual(pkg.contributes.debuggers, JSON.parse(JSON.stringify(want)));
  });

  it('declares every contract argument, and the adapter accepts each declared default', () => {
    const props = debuggerContribution.configurationAttributes.launch.properties as Record<string, { default?: unknown }>;
    for (const k of ['program', 'section', 'programType', 'data', 'dataFile', 'stopOnEntry', 'maxInstructions']) assert.ok(k in props, k);
    const args: Record<string, unknown> = { program: 'x.s' };
    for (const [k, p] of Object.entries(props)) if (p.default !== undefined && k !== 'program') args[k] = p.default;
    const r = parseLaunchArgs(args);
    assert.ok(!('errors' in r), JSON.stringify(r));
  });

  it('rejects garbage launch arguments with messages', () => {
    const r = parseLaunchArgs({ program: 42, stopOnEntry: 'yes', maxInstructions: -1, data: 'zz', ctx: 3 });
    assert.ok('errors' in r);
    assert.strictEqual(r.errors.length, 5, r.errors.join('\n'));
    assert.ok('errors' in parseLaunchArgs(null));
    assert.ok('errors' in parseLaunchArgs(42));
  });
});
