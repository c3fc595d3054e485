/**
 * Entry point of the extension-host suite: VS Code (here code-server, started with the
 * `extensionTestsPath` payload) loads this module inside its extension host and calls `run`. Mocha's
 * spec output goes to the console, which the workbench forwards to the page, where
 * test/e2e/exthost.test.ts reads it back; the promise's outcome becomes the workbench's exit code.
 */
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30000, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'suite.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host tests failed`)) : resolve()));
  });
}
