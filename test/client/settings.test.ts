/**
 * Keeps package.json's settings block equal to the declarations in client/src/settings.ts.
 * With UPDATE_PACKAGE_JSON=1 the test rewrites package.json instead of failing; review the diff.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { packageJsonProperties, SETTINGS } from '../../client/src/settings';

const pkgPath = path.join(__dirname, '..', '..', '..', 'package.json');

describe('package.json settings', () => {
  it('equal the declarations in client/src/settings.ts', () => {
    const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
    const want = packageJsonProperties();
    if (process.env.UPDATE_PACKAGE_JSON === '1') {
      pkg.contributes.configuration.properties = want;
      fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
    }
    assert.deepStrictEqual(pkg.contributes.configuration.properties, want);
  });

  it('has a description and a default of the declared type for every setting', () => {
    for (const s of SETTINGS) {
      assert.ok(s.description.length > 20, s.key);
      assert.strictEqual(typeof s.default, s.type, s.key);
    }
  });
});
