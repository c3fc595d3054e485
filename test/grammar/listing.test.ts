// Tests the grammar against real LLVM output: the fixture covering every instruction form is
// assembled with llvm-mc-22, disassembled with llvm-objdump-22 in several output styles, and every
// line of every listing must tokenize with no `invalid` scope and with no text left unscoped. These
// tests need the LLVM 22 tools and are skipped, with the reason, when llvm-mc-22 is missing.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeTokens, fixturesDir, invalidTokens, loadGrammar, Token, tokenizeLines } from './textmate';

const llvmMc = 'llvm-mc-22';
const llvmObjdump = 'llvm-objdump-22';

function llvmAvailable(): boolean {
  const probe = spawnSync(llvmMc, ['--version'], { encoding: 'utf8' });
  return !probe.error && probe.status === 0;
}

function run(tool: string, args: string[]): string {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.error) throw result.error;
  assert.strictEqual(result.status, 0, `${tool} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

function assemble(source: string, dir: string): string {
  const object = path.join(dir, path.basename(source).replace(/\.s$/, '.o'));
  run(llvmMc, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', source, '-o', object]);
  return object;
}

/** Non-blank text that got nothing but the file scope and `meta.*` wrappers. */
function unscoped(tokens: readonly Token[]): string[] {
  return tokens.filter((t) => t.text.trim() !== '' && t.scopes.every((s) => s === 'source.ebpf' || s.startsWith('meta.'))).map((t) => t.text);
}

const objdumpStyles: Array<{ name: string; args: string[] }> = [
  { name: '-d -r', args: ['-d', '-r'] },
  { name: '-d -r --no-show-raw-insn', args: ['-d', '-r', '--no-show-raw-insn'] },
  { name: '-d --symbolize-operands', args: ['-d', '--symbolize-operands'] },
  { name: '-d --no-leading-addr', args: ['-d', '--no-leading-addr'] },
  { name: '-d --no-print-imm-hex', args: ['-d', '--no-print-imm-hex'] },
];

describe('grammar: real llvm-objdump-22 listings', function () {
  let dir = '';

  before(function () {
    if (!llvmAvailable()) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-grammar-'));
  });
  after(function () {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function requireLlvm(ctx: Mocha.Context): void {
    if (dir) return;
    (ctx.test!.parent as Mocha.Suite & { skipReason?: string }).skipReason = `${llvmMc} is not installed`;
    ctx.skip();
  }

  for (const fixture of ['all-forms.s', 'llc-debug.s']) {
    it(`${fixture} assembles with ${llvmMc} -mcpu=v4`, function () {
      requireLlvm(this);
      assemble(path.join(fixturesDir, fixture), dir);
    });
  }

  for (const style of objdumpStyles) {
    it(`every line of llvm-objdump ${style.name} tokenizes cleanly`, async function () {
      requireLlvm(this);
      const object = assemble(path.join(fixturesDir, 'all-forms.s'), dir);
      const listing = run(llvmObjdump, [...style.args, object]).split('\n');
      const tokens = tokenizeLines(await loadGrammar(), listing);
      const problems: string[] = [];
      tokens.forEach((line, i) => {
        for (const text of invalidTokens(line)) problems.push(`line ${i + 1}: invalid ${JSON.stringify(text)}\n${describeTokens(line)}`);
        for (const text of unscoped(line)) problems.push(`line ${i + 1}: unscoped ${JSON.stringify(text)}\n${describeTokens(line)}`);
        const first = line.find((t) => t.text.trim() !== '');
        const instruction = /^\s*\d+:\s/.test(listing[i] ?? '') && !/\sR_BPF_\w+\s/.test(listing[i] ?? '');
        if (instruction && !first?.scopes.includes('meta.listing.objdump.ebpf')) {
          problems.push(`line ${i + 1}: not an objdump instruction line\n${describeTokens(line)}`);
        }
      });
      assert.deepStrictEqual(problems, []);
      assert.ok(listing.some((l) => /R_BPF_64_32\s+bpf_map_lookup_elem/.test(l)) || !style.args.includes('-r'), 'expected a helper relocation');
    });
  }

  it('the llc-generated file with debug info and its -l listing tokenize cleanly', async function () {
    requireLlvm(this);
    const object = assemble(path.join(fixturesDir, 'llc-debug.s'), dir);
    const listing = run(llvmObjdump, ['-d', '-r', '-l', object]).split('\n');
    const source = fs.readFileSync(path.join(fixturesDir, 'llc-debug.s'), 'utf8').split('\n');
    const grammar = await loadGrammar();
    const bad = [...tokenizeLines(grammar, listing), ...tokenizeLines(grammar, source)].flatMap(invalidTokens);
    assert.deepStrictEqual(bad, []);
  });
});
