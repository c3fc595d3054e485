/**
 * Tests of the func_info stub generator (core/src/asm/btfStub.ts): appended to a program without BTF,
 * its text assembles to the same bytes with llvm-mc-22 and with us, gives every function a record at
 * its slot, and makes the kernel (through bpftool) accept callback programs it refuses without it
 * ("missing btf func_info"): the bpf_loop example stripped of its hand-written sections, and two
 * programs that share a callback and a plain subprogram in .text.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { btfStub } from '../../core/src/asm/btfStub';
import { kernelCheckUnavailable, kernelVerdict } from '../../core/src/cli/kernelCheck';
import { writeElf } from '../../core/src/elf/writer';
import { assembleModule } from '../../core/src/program/assembleModule';
import { hasTool, run } from '../helpers/tools';

const EXAMPLE = path.join(__dirname, '..', '..', '..', 'examples', 'bpf_loop.s');
const LLVM_MC = 'llvm-mc-22';

/** The example without its `.BTF` and `.BTF.ext` sections. */
function bareExample(): string {
  const text = fs.readFileSync(EXAMPLE, 'utf8');
  return text.slice(0, text.indexOf('# .BTF:'));
}

/** Two XDP programs handing the same .text callback to bpf_loop; the callback calls a .text helper. */
const SHARED = `\t.text
\t.globl\tcb
\t.type\tcb,@function
cb:
\tr1 = 7
\tcall\tseven
\texit
\t.size\tcb, .-cb
seven:
\tr0 = r1
\tr0 -= 7
\texit

\t.section\txdp,"ax",@progbits
\t.globl\tone
\t.type\tone,@function
one:
\tr1 = 3
\tr2 = cb ll
\tr3 = 0
\tr4 = 0
\tcall 181
\tr0 = 2
\texit
\t.size\tone, .-one

\t.section\txdp.frags,"ax",@progbits
\t.globl\ttwo
\t.type\ttwo,@function
two:
\tr1 = 5
\tr2 = cb ll
\tr3 = 0
\tr4 = 0
\tcall 181
\tr0 = 1
\texit
\t.size\ttwo, .-two

\t.section\tlicense,"aw",@progbits
\t.asciz\t"GPL"
`;

function withStub(source: string): string {
  const a = assembleModule(source, 't.s');
  return `${source}\n${btfStub(a.module, a.object)}`;
}

describe('func_info stub', function () {
  this.timeout(30000);

  it('gives every function of the example a record at its slot', () => {
    const r = assembleModule(withStub(bareExample()), 't.s');
    assert.deepStrictEqual(r.diagnostics.filter((d) => d.severity !== 'info'), []);
    assert.deepStrictEqual(r.module.programs[0]!.btfFuncs?.map(({ slot, name, linkage, params }) => ({ slot, name, linkage, params })), [
      { slot: 0, name: 'xdp_sum', linkage: 'global', params: 1 },
      { slot: 18, name: 'sum_byte', linkage: 'static', params: 0 },
    ]);
  });

  it('writes the records of shared .text functions once, and each program finds them', () => {
    const r = assembleModule(withStub(SHARED), 't.s');
    assert.deepStrictEqual(r.diagnostics.filter((d) => d.severity !== 'info'), []);
    for (const p of r.module.programs) {
      assert.deepStrictEqual(p.btfFuncs?.map((f) => [f.slot, f.name, f.linkage]), [[0, p.name, 'global'], [8, 'cb', 'static'], [11, 'seven', 'static']]);
    }
    assert.strictEqual((withStub(SHARED).match(/# section \.text: 2 records/g) ?? []).length, 1);
  });

  it('assembles with llvm-mc-22 to our bytes', function () {
    if (!hasTool(LLVM_MC)) { (this.test as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); }
    for (const source of [withStub(bareExample()), withStub(SHARED)]) {
      const r = run(LLVM_MC, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', '-o', '-'], source);
      assert.strictEqual(r.status, 0, r.stderr);
      assert.deepStrictEqual(Buffer.from(writeElf(assembleModule(source, 't.s').object)), Buffer.from(r.bytes));
    }
  });

  describe('loaded by bpftool', () => {
    before(function () {
      const why = kernelCheckUnavailable();
      if (why) { (this.test!.parent as any).skipReason = why; this.skip(); }
    });

    for (const [name, source] of [['the bare example', bareExample()], ['two programs sharing a callback', SHARED]] as const) {
      it(`makes the kernel accept ${name}, which it refuses without`, () => {
        const bare = assembleModule(source, 't.s');
        const stubbed = assembleModule(withStub(source), 't.s');
        bare.module.programs.forEach((p, i) => {
          assert.deepStrictEqual(kernelVerdict(bare.object, p), { checked: true, accepted: false, message: 'missing btf func_info' });
          assert.deepStrictEqual(kernelVerdict(stubbed.object, stubbed.module.programs[i]!), { checked: true, accepted: true, message: '' });
        });
      });
    }
  });
});
