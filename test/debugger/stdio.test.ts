/**
 * The bundled adapter as a process: `node dist/debugAdapter.js` and `node dist/ebpf.js debug-adapter`
 * over stdio, driven by a DebugClient (needs `node scripts/build.js` first, as `npm test` does).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { fixture, lineOf } from './harness';

const ROOT = path.join(__dirname, '..', '..', '..');
const ADAPTER = path.join(ROOT, 'dist', 'debugAdapter.js');
const CLI = path.join(ROOT, 'dist', 'ebpf.js');

describe('debug adapter over stdio', () => {
  before(function () {
    if (!fs.existsSync(ADAPTER) || !fs.existsSync(CLI)) {
      (this.test!.parent as any).skipReason = 'dist/ is not built (run node scripts/build.js)';
      this.skip();
    }
  });

  for (const [name, exe, args] of [
    ['node dist/debugAdapter.js', ADAPTER, []],
    ['dist/ebpf.js debug-adapter', CLI, ['debug-adapter']],
  ] as [string, string, string[]][]) {
    it(`${name}: launch, breakpoint, variables, continue, terminated`, async () => {
      // DebugClient spawns `runtime executable`: the CLI (executable itself, with its shebang) takes the subcommand as that one argument.
      const dc = args.length > 0 ? new DebugClient(exe, args[0]!, 'ebpf', { cwd: ROOT }) : new DebugClient('node', exe, 'ebpf', { cwd: ROOT });
      dc.defaultTimeout = 10000;
      await dc.start();
      try {
        const prog = fixture('xdp_basic.s');
        const line = lineOf(prog, 'aftercall');
        await dc.hitBreakpoint({ program: prog, data: '00'.repeat(12) + '0800' + '45'.repeat(20) }, { path: prog, line });
        const scopes = await dc.scopesRequest({ frameId: 0 });
        const regs = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0]!.variablesReference });
        assert.strictEqual(regs.body.variables.find((v) => v.name === 'r0')!.value, '0x9 (9)');
        await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('terminated')]);
      } finally {
        await dc.stop();
      }
    });
  }
});
