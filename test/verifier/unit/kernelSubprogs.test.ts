/**
 * `ebpf verify --kernel` for programs whose subprograms are written in the program's own section
 * (local labels after the entry), which libbpf takes only from `.text`: the object handed to bpftool
 * moves them there (core/src/program/subprogramsToText.ts). The running kernel is the oracle: it gives
 * its verdict for one and two levels of calls, for two programs sharing a `.text` function, for a map
 * loaded inside a moved subprogram, for a callback whose address is taken (with generated func_info),
 * and its own rejection line for an error inside the subprogram. `bpftool prog dump xlated` shows the
 * kernel got the instructions of our model. The object layout itself is checked against llvm-mc-22:
 * the same source with the subprograms written in `.text` assembles to the same code and relocations.
 * Needs root and bpftool (and llvm-mc-22 / llvm-objdump-22 for the layout test).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { btfStub } from '../../../core/src/asm/btfStub';
import { kernelCheckUnavailable, objectFor } from '../../../core/src/cli/kernelCheck';
import { verifyCommand } from '../../../core/src/cli/verify';
import { writeElf } from '../../../core/src/elf/writer';
import { encodeProgram } from '../../../core/src/isa/codec';
import { readSlot } from '../../../core/src/isa/opcode';
import { assembleModule } from '../../../core/src/program/assembleModule';
import { subprogramsToText } from '../../../core/src/program/subprogramsToText';
import { hasTool, run } from '../../helpers/tools';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const LICENSE = '\t.section license,"aw",@progbits\n\t.asciz "GPL"\n';

async function runVerify(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await verifyCommand.run(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, readStdin: async () => '' });
  return { code, out, err };
}

/** An XDP program calling `mid`, which calls `leaf`; all three in section xdp. */
const TWO_LEVELS = `\t.section xdp,"ax",@progbits
\t.globl prog
\t.type prog,@function
prog:
\tr1 = 5
\tcall mid
\tr3 = 0x100000000 ll
\tr0 &= 1
\texit
mid:
\tr6 = r1
\tcall leaf
\tr0 += r6
\texit
leaf:
\tcall 7
\tr0 &= 3
\texit
${LICENSE}`;

/** Two programs, each with a subprogram in its own section that calls the same `.text` function. */
const SHARED = `\t.text
shared:
\tr0 = r1
\tr0 &= 1
\texit

\t.section xdp,"ax",@progbits
\t.globl one
\t.type one,@function
one:
\tr1 = 3
\tcall mid
\texit
mid:
\tcall shared
\tr0 += 1
\tr0 &= 1
\texit

\t.section socket,"ax",@progbits
\t.globl two
\t.type two,@function
two:
\tr1 = 4
\tcall inner
\texit
inner:
\tr1 += 2
\tcall shared
\texit
${LICENSE}`;

/** The map is loaded inside the moved subprogram, so its relocation moves with it. */
const WITH_MAP = `# @map counts type=array key_size=4 value_size=8 max_entries=4
\t.section xdp,"ax",@progbits
\t.globl count
\t.type count,@function
count:
\tcall bump
\tr0 = 2
\texit
bump:
\tr1 = 0
\t*(u32 *)(r10 - 4) = r1
\tr2 = r10
\tr2 += -4
\tr1 = counts ll
\tcall 1
\tif r0 == 0 goto out
\tr1 = 1
\tlock *(u64 *)(r0 + 0) += r1
out:
\tr0 = 0
\texit
${LICENSE}`;

/** The subprogram reads r2, which the caller never wrote. */
const BAD_SUB = `\t.section socket,"ax",@progbits
\t.globl bad
\t.type bad,@function
bad:
\tr1 = 1
\tcall sub
\texit
sub:
\tr0 = r2
\texit
${LICENSE}`;

/** A bpf_loop callback and a plain subprogram, both in the program's section. */
const CALLBACK = `\t.section xdp,"ax",@progbits
\t.globl loop
\t.type loop,@function
loop:
\tr1 = 4
\tr2 = cb ll
\tr3 = 0
\tr4 = 0
\tcall 181
\tcall plain
\tr0 = 2
\texit
cb:
\tr0 = 0
\texit
plain:
\tr0 = 1
\texit
${LICENSE}`;

describe('ebpf verify --kernel with subprograms in the program\'s own section', function () {
  this.timeout(60000);
  let dir = '';
  before(function () {
    const why = kernelCheckUnavailable();
    if (why) { (this.test!.parent as any).skipReason = why; this.skip(); }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-kernel-subprogs-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  const verify = async (name: string, text: string): Promise<{ code: number; out: string; err: string }> => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return runVerify([file, '--kernel']);
  };

  it('gets the kernel\'s verdict for one subprogram', async () => {
    const r = await verify('one.s', BAD_SUB.replace('r0 = r2', 'r0 = r1'));
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /ours: +accepted\n {2}kernel: accepted\n/);
  });

  it('gets the kernel\'s verdict for two levels of calls', async () => {
    const r = await verify('two.s', TWO_LEVELS);
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /ours: +accepted\n {2}kernel: accepted\n/);
  });

  it('gets both programs\' verdicts when they share a .text function', async () => {
    const r = await verify('shared.s', SHARED);
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.strictEqual(r.out.match(/ours: +accepted\n {2}kernel: accepted\n/g)?.length, 2, r.out);
  });

  it('gets the kernel\'s verdict for a map used inside the subprogram', async () => {
    const r = await verify('map.s', WITH_MAP);
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /ours: +accepted\n {2}kernel: accepted\n/);
  });

  it('shows the kernel\'s rejection inside the subprogram', async () => {
    const r = await verify('bad.s', BAD_SUB);
    assert.strictEqual(r.code, 1, r.out + r.err);
    assert.match(r.out, /ours: +rejected: R2 !read_ok\n {2}kernel: rejected: R2 !read_ok\n/);
    assert.deepStrictEqual(fs.readdirSync('/sys/fs/bpf').filter((n) => n.startsWith('ebpf-verify-')), []);
  });

  it('moves func_info with a callback whose address is taken', async () => {
    const bare = await verify('cb.s', CALLBACK);
    assert.match(bare.out, /kernel: rejected: missing btf func_info\n/);
    const a = assembleModule(CALLBACK, 'cb.s');
    const r = await verify('cb-btf.s', `${CALLBACK}\n${btfStub(a.module, a.object)}`);
    assert.strictEqual(r.code, 0, r.out + r.err);
    assert.match(r.out, /ours: +accepted\n {2}kernel: accepted\n/);
  });

  it('still gets "kernel: accepted" for every example', async () => {
    for (const name of fs.readdirSync(path.join(ROOT, 'examples')).filter((n) => n.endsWith('.s'))) {
      const r = await runVerify([path.join(ROOT, 'examples', name), '--kernel']);
      assert.strictEqual(r.code, 0, `${name}: ${r.out}${r.err}`);
      const verdicts = r.out.match(/kernel: .*/g) ?? [];
      assert.ok(verdicts.length > 0 && verdicts.every((v) => v === 'kernel: accepted'), `${name}: ${r.out}`);
    }
  });

  it('hands the kernel the instructions of our model (bpftool prog dump xlated)', () => {
    const a = assembleModule(TWO_LEVELS, 'two.s');
    const p = a.module.programs[0]!;
    const laid = subprogramsToText(objectFor(a.object, p).object, p);
    assert.ok(laid.ok);
    const obj = path.join(dir, 'two.o');
    fs.writeFileSync(obj, writeElf(laid.object));
    const pin = path.join('/sys/fs/bpf', `ebpf-subprogs-${process.pid}`);
    try {
      const load = spawnSync('bpftool', ['prog', 'loadall', obj, pin], { encoding: 'utf8' });
      assert.strictEqual(load.status, 0, load.stderr);
      const dump = spawnSync('bpftool', ['-j', 'prog', 'dump', 'xlated', 'pinned', path.join(pin, 'prog'), 'opcodes'], { encoding: 'utf8' });
      assert.strictEqual(dump.status, 0, dump.stderr);
      const xlated = (JSON.parse(dump.stdout) as { disasm: string; opcodes: { code: string; src_reg: string; dst_reg: string; off: string[]; imm: string[] } }[])
        .map((x) => {
          const le = (bytes: string[]): number => bytes.reduceRight((v, b) => v * 256 + Number(b), 0);
          return {
            code: Number(x.opcodes.code), src: Number(x.opcodes.src_reg), dst: Number(x.opcodes.dst_reg),
            off: le(x.opcodes.off) << 16 >> 16, imm: le(x.opcodes.imm) | 0, disasm: x.disasm,
          };
        });
      const ours = encodeProgram(p.insns);
      // bpftool lists a 64-bit immediate load once, for its two slots.
      let i = 0;
      for (const k of xlated) {
        const s = readSlot(ours, i * 8);
        assert.deepStrictEqual([k.code, k.src, k.dst], [s.opcode, s.src, s.dst], `slot ${i}: ${k.disasm}`);
        // A bpf-to-bpf call shows its pc-relative target; helper ids and 64-bit constants are rewritten
        // by the kernel, the other instructions show their immediate as written.
        if (s.opcode === 0x85 && s.src === 1) assert.match(k.disasm, new RegExp(`call pc\\+${s.imm}#`), `slot ${i}`);
        else if (s.opcode !== 0x85 && s.opcode !== 0x18) assert.deepStrictEqual([k.off, k.imm], [s.off, s.imm], `slot ${i}: ${k.disasm}`);
        i += s.opcode === 0x18 ? 2 : 1;
      }
      assert.strictEqual(i, p.insns.length);
    } finally {
      fs.rmSync(pin, { recursive: true, force: true });
    }
  });

});

describe('subprogramsToText', function () {
  this.timeout(20000);
  let dir = '';
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-subprogs-layout-')); });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('leaves an object without subprograms in a program section as it is', () => {
    const a = assembleModule(SHARED.replace('call mid', 'call shared').replace('call inner', 'call shared').replace(/^(mid|inner):\n(\t.*\n)+/gm, ''), 'plain.s');
    for (const p of a.module.programs) {
      assert.strictEqual(p.funcs.filter((f) => f.section === p.section).length, 1);
      const own = objectFor(a.object, p).object;
      assert.deepStrictEqual(subprogramsToText(own, p), { ok: true, object: own });
    }
  });

  it('says why when a subprogram calls the entry back', () => {
    const a = assembleModule(BAD_SUB.replace('r0 = r2', 'call bad'), 'loop.s');
    const p = a.module.programs[0]!;
    assert.deepStrictEqual(subprogramsToText(objectFor(a.object, p).object, p),
      { ok: false, message: 'bad calls its own entry function, which cannot be a subprogram in .text' });
  });

  it('lays the object out as llvm-mc does with the subprograms written in .text', function () {
    if (!hasTool('llvm-mc-22') || !hasTool('llvm-objdump-22')) { (this.test as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); }
    const a = assembleModule(TWO_LEVELS, 'two.s');
    const p = a.module.programs[0]!;
    const laid = subprogramsToText(objectFor(a.object, p).object, p);
    assert.ok(laid.ok);
    const ours = path.join(dir, 'ours.o');
    fs.writeFileSync(ours, writeElf(laid.object));
    // The same functions, written by hand in .text as local sized functions.
    const subs = TWO_LEVELS.slice(TWO_LEVELS.indexOf('mid:'), TWO_LEVELS.indexOf('\t.section license'));
    const text = `\t.text\n\t.type mid,@function\n${subs.replace('leaf:', '\t.size mid, .-mid\n\t.type leaf,@function\nleaf:')}\t.size leaf, .-leaf\n`
      + TWO_LEVELS.slice(0, TWO_LEVELS.indexOf('mid:')).replace('\texit\n', '\texit\n\t.size prog, .-prog\n') + LICENSE;
    const src = path.join(dir, 'text.s');
    const theirs = path.join(dir, 'theirs.o');
    fs.writeFileSync(src, text);
    const mc = run('llvm-mc-22', ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', src, '-o', theirs]);
    assert.strictEqual(mc.status, 0, mc.stderr);
    const dis = (f: string): string => run('llvm-objdump-22', ['-d', '-r', f]).stdout.split('\n').slice(2).join('\n');
    assert.strictEqual(dis(ours), dis(theirs));
  });
});
