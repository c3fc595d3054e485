/**
 * Differential test on 1,000 seeded random programs (test/gen/random.ts): jumps to labels, local
 * calls, helper calls by number and by name, map loads. The programs are batched, each in its own
 * section of one source file, so llvm-mc runs a handful of times. llvm-mc's section bytes must equal
 * our encoder's and its relocations the generator's; our printer must print every instruction as
 * `llvm-objdump -d` does; and `ebpf asm` must write an object whose `llvm-objdump -d -r` listing
 * (symbols included) equals that of llvm-mc's object.
 */
import * as assert from 'assert';
import { randomProgram, type RandomProgram } from '../gen/random';
import { runCli } from '../../core/src/cli/main';
import { hasTool, run } from '../helpers/tools';
import { elfSections, LLVM_MC, LLVM_OBJDUMP, llvmAssemble, objdumpBySection, relocationLines, scratch, writeTemp } from './llvm';
import { printInsn } from '../../core/src/asm/printer';

const PROGRAMS = 1000;
const PER_FILE = 250;

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

interface Batch { programs: RandomProgram[]; text: string }

function batches(): Batch[] {
  const out: Batch[] = [];
  for (let first = 1; first <= PROGRAMS; first += PER_FILE) {
    const programs: RandomProgram[] = [];
    for (let seed = first; seed < first + PER_FILE && seed <= PROGRAMS; seed++) {
      programs.push(randomProgram(seed, { section: `prog${seed}`, length: 20 + (seed % 50), subprograms: seed % 3 }));
    }
    out.push({ programs, text: programs.map((p) => p.text).join('') });
  }
  return out;
}

describe('1,000 random programs against llvm-mc-22', function () {
  before(function () {
    if (!hasTool(LLVM_MC) || !hasTool(LLVM_OBJDUMP)) {
      (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)';
      this.skip();
    }
  });

  const all = batches();
  const llvmObjects: Uint8Array[] = [];

  it('llvm-mc gives our encoder\'s bytes and the expected relocations', () => {
    const s = scratch();
    try {
      let checked = 0;
      const problems: string[] = [];
      all.forEach((b, i) => {
        const a = llvmAssemble(b.text);
        assert.ok(a.ok, a.stderr.slice(0, 2000));
        llvmObjects.push(a.object);
        const secs = elfSections(a.object);
        const relocs = new Set(relocationLines(writeTemp(s.dir, `llvm${i}.o`, a.object)));
        for (const p of b.programs) {
          checked++;
          const got = secs.get(p.section);
          if (!got || hex(got) !== hex(p.bytes)) {
            const slot = got ? p.insns.findIndex((_, k) => hex(got.subarray(k * 8, k * 8 + 8)) !== hex(p.bytes.subarray(k * 8, k * 8 + 8))) : -1;
            problems.push(`seed ${p.seed}: first difference at slot ${slot}`);
            continue;
          }
          for (const r of p.relocations) {
            const type = r.kind === 'ldImm64' ? 'R_BPF_64_64' : 'R_BPF_64_32';
            const line = `${p.section} ${r.slot * 8} ${type} ${r.symbol}`;
            if (!relocs.has(line)) problems.push(`seed ${p.seed}: missing relocation ${line}`);
          }
        }
      });
      assert.strictEqual(checked, PROGRAMS);
      assert.deepStrictEqual(problems.slice(0, 20), []);
    } finally {
      s.done();
    }
  });

  it('our printer prints every instruction of llvm-mc\'s objects as llvm-objdump -d does', function () {
    if (llvmObjects.length !== all.length) this.skip();
    const s = scratch();
    try {
      const problems: string[] = [];
      let lines = 0;
      all.forEach((b, i) => {
        const r = run(LLVM_OBJDUMP, ['-d', writeTemp(s.dir, `p${i}.o`, llvmObjects[i]!)]);
        assert.strictEqual(r.status, 0, r.stderr);
        const dump = objdumpBySection(r.stdout);
        for (const p of b.programs) {
          for (const d of dump.get(p.section) ?? []) {
            lines++;
            const ours = printInsn(p.insns[d.slot]!);
            if (ours !== d.text) problems.push(`seed ${p.seed} slot ${d.slot}: objdump "${d.text}", ours "${ours}"`);
          }
        }
      });
      assert.ok(lines > PROGRAMS * 20, `${lines} lines`);
      assert.deepStrictEqual(problems.slice(0, 20), []);
    } finally {
      s.done();
    }
  });

  it('ebpf asm gives the same llvm-objdump -d -r listing as llvm-mc', async function () {
    if (llvmObjects.length !== all.length) this.skip();
    const s = scratch();
    try {
      const problems: string[] = [];
      for (const [i, b] of all.entries()) {
        const src = writeTemp(s.dir, `batch${i}.s`, b.text);
        const oursPath = `${s.dir}/ours${i}.o`;
        let err = '';
        const code = await runCli(['asm', src, '-o', oursPath], { out: () => undefined, err: (t) => { err += t; }, readStdin: async () => '' });
        if (code !== 0) {
          problems.push(`batch ${i}: ebpf asm exited with ${code}: ${err.split('\n').slice(0, 3).join(' | ')}`);
          continue;
        }
        const llvmPath = writeTemp(s.dir, `llvm${i}.o`, llvmObjects[i]!);
        const dump = (p: string): string[] => {
          const r = run(LLVM_OBJDUMP, ['-d', '-r', p]);
          return r.status === 0 ? r.stdout.split('\n').slice(2) : [`objdump failed: ${r.stderr}`];
        };
        const a = dump(oursPath);
        const want = dump(llvmPath);
        const differs = (l: string, k: number): boolean => a[k] !== l;
        const at = want.findIndex(differs);
        if (at >= 0 || a.length !== want.length) {
          const count = want.filter(differs).length;
          problems.push(`batch ${i}: ${count} listing lines differ, the first at line ${at}: ours "${a[at]}", llvm-mc "${want[at]}"`);
        }
      }
      assert.deepStrictEqual(problems, []);
    } finally {
      s.done();
    }
  });
});
