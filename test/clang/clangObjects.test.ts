/**
 * What clang-22 makes of realistic C programs (test/fixtures/clang: packet parsers, BTF-defined maps,
 * ring buffers, static and global functions, bpf_loop and bpf_for_each_map_elem callbacks, bounded and
 * unrolled loops, and programs the kernel rejects), compiled at test time with `-O2 -g -target bpf`:
 * - the object reads and builds without errors, and our verdict equals the kernel's on clang's own
 *   object (loaded by bpftool), with the same rejection message and instruction;
 * - the `-S` assembly assembles without errors, `llvm-objdump -d -r` of our object equals that of
 *   llvm-mc's object from the same file, its code bytes equal clang's object, and our verdict on the
 *   assembly equals our verdict on the object;
 * - packet programs that load give the same return value and packet out under `ebpf run` as under
 *   BPF_PROG_TEST_RUN.
 * One summary line is printed at the end.
 */
import * as assert from 'assert';
import { rmSync } from 'fs';
import { join } from 'path';
import { runCli } from '../../core/src/cli/main';
import { loadModule } from '../../core/src/cli/run';
import { kernelCheckUnavailable } from '../../core/src/cli/kernelCheck';
import { readElf } from '../../core/src/elf/reader';
import { hasTool, run } from '../helpers/tools';
import { bpftoolLoad, bpftoolRun, CLANG, compileFixtures, tempDir, type Compiled, type KernelLoad } from './clangTools';

const LLVM_MC = 'llvm-mc-22';
const OBJDUMP = 'llvm-objdump-22';

/** A UDP datagram to port 53 and a TCP segment to port 23 with TTL 1, both over IPv4 and Ethernet. */
const PACKETS = [
  '020000000001020000000002080045000030000000004011000' + '0c0a80001c0a8000204d20035001c0000' + '61'.repeat(20),
  '020000000009020000000002080045000028000000000106000' + '0c0a80001c0a8000204d2001700000001000000005000000000000000' + '62'.repeat(6),
];

interface Verdict { accepted: boolean; message?: string; insn?: number }

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, readStdin: async () => '' });
  return { code, out, err };
}

/** Our verdict on the file's (only) program, from `ebpf verify --json`. */
async function ourVerdict(file: string): Promise<Verdict> {
  const r = await cli(['verify', file, '--json']);
  const p = JSON.parse(r.out).programs[0];
  const e = p.diagnostics.find((d: { severity: string }) => d.severity === 'error');
  return { accepted: p.accepted, message: e?.message, insn: e?.insn };
}

function objdump(file: string): string {
  // The first lines name the file, which differs between the two objects.
  return run(OBJDUMP, ['-d', '-r', file]).stdout.split('\n').slice(2).join('\n');
}

/** The bytes of every executable section, by name. */
function code(file: string): Map<string, string> {
  const r = readElf(new Uint8Array(require('fs').readFileSync(file)));
  const m = new Map<string, string>();
  for (const s of r.object?.sections ?? []) {
    if ((s.flags & 4) !== 0) m.set(s.name, Buffer.from(s.data).toString('hex'));
  }
  return m;
}

describe('clang-22 objects and assembly agree with the kernel and llvm', function () {
  this.timeout(600_000);
  let dir: string;
  let programs: Compiled[] = [];
  const kernel = new Map<string, KernelLoad>();
  const ours = new Map<string, Verdict>();
  const summary: string[] = [];

  before(function () {
    if (!hasTool(CLANG)) {
      (this.test!.parent as any).skipReason = `${CLANG} is not installed (apt-get install clang-22)`;
      this.skip();
    }
    dir = tempDir();
    programs = compileFixtures(dir);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (summary.length) console.log(`    clang: ${programs.length} programs; ${summary.join('; ')}`);
  });

  it('reads and builds every object without errors', function () {
    const bad: string[] = [];
    for (const p of programs) {
      const m = loadModule(p.object);
      if ('errors' in m) bad.push(`${p.name}: ${m.errors.join(' / ')}`);
      else if (m.module.programs.length !== 1) bad.push(`${p.name}: ${m.module.programs.length} programs`);
    }
    assert.deepStrictEqual(bad, []);
    summary.push(`objects read ${programs.length - bad.length}/${programs.length}`);
  });

  it('gives the kernel\'s verdict, message and instruction on clang\'s objects', async function () {
    const why = kernelCheckUnavailable();
    if (why) { (this.test as any).skipReason = why; this.skip(); }
    const bad: string[] = [];
    let agree = 0;
    let rejected = 0;
    for (const p of programs) {
      const pin = `/sys/fs/bpf/ebpf_clang_${p.name}_${process.pid}`;
      const k = bpftoolLoad(p.object, pin);
      rmSync(pin, { recursive: true, force: true });
      kernel.set(p.name, k);
      const v = await ourVerdict(p.object);
      ours.set(p.name, v);
      if (!k.accepted) rejected++;
      const same = v.accepted === k.accepted && (k.accepted || (v.message === k.message && (k.insn === undefined || v.insn === k.insn)));
      if (same) agree++;
      else bad.push(`${p.name}: kernel ${k.accepted ? 'accepted' : `rejected at ${k.insn}: ${k.message}`}; ours ${v.accepted ? 'accepted' : `rejected at ${v.insn}: ${v.message}`}`);
    }
    summary.push(`verdicts agree ${agree}/${programs.length} (${rejected} rejected)`);
    assert.deepStrictEqual(bad, []);
    assert.ok(rejected >= 5, 'the fixtures include programs the kernel rejects');
  });

  it('gives the kernel\'s verdicts on clang -O0 objects (unnamed BTF parameters, callx)', async function () {
    const why = kernelCheckUnavailable();
    if (why) { (this.test as any).skipReason = why; this.skip(); }
    const bad: string[] = [];
    const unoptimised = compileFixtures(dir, '-O0');
    for (const p of unoptimised) {
      const pin = `/sys/fs/bpf/ebpf_clang_O0_${p.name}_${process.pid}`;
      const k = bpftoolLoad(p.object, pin);
      rmSync(pin, { recursive: true, force: true });
      const v = await ourVerdict(p.object);
      const same = v.accepted === k.accepted && (k.accepted || (v.message === k.message && (k.insn === undefined || v.insn === k.insn)));
      if (!same) bad.push(`${p.name}: kernel ${k.accepted ? 'accepted' : `rejected at ${k.insn}: ${k.message}`}; ours ${v.accepted ? 'accepted' : `rejected at ${v.insn}: ${v.message}`}`);
    }
    summary.push(`-O0 verdicts agree ${unoptimised.length - bad.length}/${unoptimised.length}`);
    assert.deepStrictEqual(bad, []);
  });

  it('assembles clang\'s -S output as llvm-mc does, with clang\'s code bytes', async function () {
    if (!hasTool(LLVM_MC) || !hasTool(OBJDUMP)) {
      (this.test as any).skipReason = `${LLVM_MC} and ${OBJDUMP} are needed`;
      this.skip();
    }
    const bad: string[] = [];
    for (const p of programs) {
      const mine = join(dir, `${p.name}.ours.o`);
      const theirs = join(dir, `${p.name}.mc.o`);
      const a = await cli(['asm', p.assembly, '-o', mine]);
      if (a.code !== 0) { bad.push(`${p.name}: ebpf asm: ${a.err.trim()}`); continue; }
      const mc = run(LLVM_MC, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', p.assembly, '-o', theirs]);
      if (mc.status !== 0) { bad.push(`${p.name}: llvm-mc: ${mc.stderr.trim()}`); continue; }
      if (objdump(mine) !== objdump(theirs)) bad.push(`${p.name}: llvm-objdump -d -r differs from llvm-mc's object`);
      const want = code(p.object);
      const got = code(mine);
      for (const [name, bytes] of want) if (got.get(name) !== bytes) bad.push(`${p.name}: section ${name} bytes differ from clang's object`);
    }
    summary.push(`assembly matches llvm-mc ${programs.length - bad.length}/${programs.length}`);
    assert.deepStrictEqual(bad, []);
  });

  it('gives the same verdict on the assembly as on the object', async function () {
    const bad: string[] = [];
    for (const p of programs) {
      const fromObject = ours.get(p.name) ?? await ourVerdict(p.object);
      const fromAssembly = await ourVerdict(p.assembly);
      if (fromObject.accepted !== fromAssembly.accepted || fromObject.message !== fromAssembly.message || fromObject.insn !== fromAssembly.insn) {
        bad.push(`${p.name}: object ${JSON.stringify(fromObject)}, assembly ${JSON.stringify(fromAssembly)}`);
      }
    }
    summary.push(`.s verdict = .o verdict ${programs.length - bad.length}/${programs.length}`);
    assert.deepStrictEqual(bad, []);
  });

  it('runs packet programs as BPF_PROG_TEST_RUN does', async function () {
    const why = kernelCheckUnavailable();
    if (why) { (this.test as any).skipReason = why; this.skip(); }
    const bad: string[] = [];
    let runs = 0;
    for (const p of programs) {
      if (kernel.get(p.name)?.accepted === false) continue;
      for (const packet of PACKETS) {
        // A fresh load per packet, as `ebpf run` starts from empty maps each time.
        const pin = `/sys/fs/bpf/ebpf_clang_run_${p.name}_${process.pid}`;
        const k = bpftoolLoad(p.object, pin);
        const result = k.accepted ? bpftoolRun(join(pin, p.name), packet, dir) : 'did not load';
        rmSync(pin, { recursive: true, force: true });
        if (typeof result === 'string') { bad.push(`${p.name}: ${result}`); continue; }
        const r = await cli(['run', p.object, '--data', packet, '--json']);
        if (r.code !== 0) { bad.push(`${p.name}: ebpf run: ${r.err.trim()}`); continue; }
        const j = JSON.parse(r.out);
        runs++;
        const got = { retval: Number(BigInt(j.retval) & 0xffffffffn), dataOut: j.dataOut };
        if (got.retval !== result.retval || got.dataOut !== result.dataOut) {
          bad.push(`${p.name}: kernel ${JSON.stringify(result)}, ours ${JSON.stringify(got)}`);
        }
      }
    }
    summary.push(`test runs agree ${runs - bad.length}/${runs}`);
    assert.deepStrictEqual(bad, []);
  });
});
