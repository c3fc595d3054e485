/**
 * Grammar tests with vscode-tmgrammar-test, the tool grammar authors use: scope assertions written
 * under the lines they check (test/grammar/tmgrammar/*.test.s), and snapshots of the bundled
 * examples (test/grammar/tmgrammar/snapshots/*.snap), so that any change to how an example is
 * tokenized shows up as a reviewed diff. UPDATE_SNAPSHOTS=1 rewrites the snapshots.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..', '..');
const bin = (name: string): string => path.join(root, 'node_modules', '.bin', name);
const grammar = path.join(root, 'syntaxes', 'ebpf.tmLanguage.json');
const snapDir = path.join(root, 'test', 'grammar', 'tmgrammar', 'snapshots');
const examplesDir = path.join(root, 'examples');

function run(tool: string, args: string[], cwd = root): { status: number | null; out: string } {
  const p = spawnSync(bin(tool), ['-g', grammar, ...args], { cwd, encoding: 'utf8' });
  return { status: p.status, out: `${p.stdout}${p.stderr}` };
}

describe('grammar: vscode-tmgrammar-test', function () {
  this.timeout(60000);

  it('holds every scope assertion of the test files', () => {
    const r = run('vscode-tmgrammar-test', ['test/grammar/tmgrammar/*.test.s']);
    assert.strictEqual(r.status, 0, r.out);
  });

  it('tokenizes every example exactly as its snapshot says', () => {
    // The tool keeps a snapshot next to its input, so the examples are tokenized from a scratch
    // folder that holds a copy of each example and of its committed snapshot.
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-snap-'));
    const examples = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.s'));
    assert.ok(examples.length >= 4);
    for (const f of examples) {
      fs.copyFileSync(path.join(examplesDir, f), path.join(work, f));
      const snap = path.join(snapDir, `${f}.snap`);
      if (fs.existsSync(snap)) fs.copyFileSync(snap, path.join(work, `${f}.snap`));
    }
    const update = process.env.UPDATE_SNAPSHOTS === '1';
    // The examples are `.s` files, which package.json does not map to a language: name the scope.
    const r = run('vscode-tmgrammar-snap', ['-s', 'source.ebpf', ...(update ? ['--updateSnapshot'] : []), `${work}/*.s`]);
    if (update) {
      fs.mkdirSync(snapDir, { recursive: true });
      for (const f of examples) fs.copyFileSync(path.join(work, `${f}.snap`), path.join(snapDir, `${f}.snap`));
    }
    fs.rmSync(work, { recursive: true, force: true });
    for (const f of examples) assert.ok(fs.existsSync(path.join(snapDir, `${f}.snap`)), `no snapshot for ${f}: run with UPDATE_SNAPSHOTS=1`);
    assert.strictEqual(r.status, 0, r.out);
  });
});
