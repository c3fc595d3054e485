/**
 * Global variables, which clang places in `.bss`, `.data` and `.rodata` and libbpf turns into
 * one-element array maps: loads of their addresses must verify as map-value pointers with the
 * section's size as bounds (and `.rodata` read-only), not as loads of a missing map, and loads at
 * constant offsets from the frozen `.rodata` give the stored value. Each case is checked against our
 * expected kernel wording and, as root with bpftool, against the kernel itself.
 */
import * as assert from 'assert';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../core/src/cli/main';
import { kernelCheckUnavailable } from '../../core/src/cli/kernelCheck';

/** An XDP program that bumps a .bss counter at offset 4 and returns a .rodata constant; `edit` alters one line. */
function source(edit: (line: string) => string = (l) => l): string {
  return [
    '\t.section xdp,"ax",@progbits',
    '\t.globl prog',
    '\t.type prog,@function',
    'prog:',
    '\tr1 = counter ll',
    '\tr2 = *(u32 *)(r1 + 4)',
    '\tr2 += 1',
    '\t*(u32 *)(r1 + 4) = r2',
    '\tr1 = limit ll',
    '\tr0 = *(u32 *)(r1 + 0)',
    '\texit',
    '\t.size prog, .-prog',
    '\t.section .bss,"aw",@nobits',
    '\t.globl counter',
    'counter:',
    '\t.zero 8',
    '\t.section .rodata,"a",@progbits',
    '\t.globl limit',
    'limit:',
    '\t.long 10',
    '\t.section license,"aw",@progbits',
    '\t.asciz "GPL"',
    '',
  ].map(edit).join('\n');
}

const CASES: { name: string; text: string; error?: string }[] = [
  { name: 'reads and writes inside .bss, reads .rodata', text: source() },
  {
    name: 'reads past the end of .bss',
    text: source((l) => l.replace('r2 = *(u32 *)(r1 + 4)', 'r2 = *(u32 *)(r1 + 6)')),
    error: 'invalid access to map value, value_size=8 off=6 size=4',
  },
  {
    name: 'writes into .rodata',
    text: source((l) => l.replace('r0 = *(u32 *)(r1 + 0)', '*(u32 *)(r1 + 0) = r1')),
    error: 'write into map forbidden, value_size=4 off=0 size=4',
  },
];

/**
 * Settings read from a global section before a branch that reads the stack out of bounds if taken:
 * libbpf freezes `.rodata`, so the kernel knows a setting there and never walks the branch it rules
 * out; `.data` stays writable, so there the branch is walked and rejected. `load` reads the setting.
 */
function setting(section: string, data: string, load: string, skip: string): string {
  return [
    '\t.section xdp,"ax",@progbits',
    '\t.globl prog',
    '\t.type prog,@function',
    'prog:',
    '\tr1 = cfg ll',
    '\tr6 = 0',
    `\t${load}`,
    `\t${skip}`,
    '\tr0 = *(u64 *)(r10 + 8)',
    'out:',
    '\tr0 = 2',
    '\texit',
    '\t.size prog, .-prog',
    `\t.section ${section},"a${section === '.data' ? 'w' : ''}",@progbits`,
    '\t.globl cfg',
    'cfg:',
    `\t${data}`,
    '\t.section license,"aw",@progbits',
    '\t.asciz "GPL"',
    '',
  ].join('\n');
}

const OUT_OF_STACK = 'invalid read from stack R10 off=8 size=8';

CASES.push(
  { name: 'a .rodata setting rules out a branch', text: setting('.rodata', '.long 0', 'r2 = *(u32 *)(r1 + 0)', 'if r2 == 0 goto out') },
  { name: 'the same setting in .data does not', text: setting('.data', '.long 0', 'r2 = *(u32 *)(r1 + 0)', 'if r2 == 0 goto out'), error: OUT_OF_STACK },
  { name: 'a sign-extending load of a .rodata byte', text: setting('.rodata', '.byte 0, 0xfd', 'r2 = *(s8 *)(r1 + 1)', 'if r2 == -3 goto out') },
  { name: 'a zero-extending load of the same byte', text: setting('.rodata', '.byte 0, 0xfd', 'r2 = *(u8 *)(r1 + 1)', 'if r2 == 0xfd goto out') },
  { name: 'a 64-bit .rodata setting', text: setting('.rodata', '.quad 0x1122334455667788', 'r2 = *(u64 *)(r1 + 0)', 'if r2 s> 0x11223344 goto out') },
  {
    name: 'a .rodata load at a variable offset is not a constant',
    text: setting('.rodata', '.long 0, 0', 'call 7\n\tr0 &= 4\n\tr1 = cfg ll\n\tr1 += r0\n\tr2 = *(u32 *)(r1 + 0)', 'if r2 == 0 goto out'),
    error: OUT_OF_STACK,
  },
);

async function verify(file: string, kernel: boolean): Promise<any> {
  let out = '';
  await runCli(['verify', file, '--json', ...(kernel ? ['--kernel'] : [])], { out: (t) => { out += t; }, err: () => undefined, readStdin: async () => '' });
  return JSON.parse(out).programs[0];
}

describe('global data sections verify as libbpf maps', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'ebpf-globals-')); });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  CASES.forEach((c, i) => {
    it(c.name, async function () {
      const file = join(dir, `case${i}.s`);
      writeFileSync(file, c.text);
      const kernel = kernelCheckUnavailable() === undefined;
      const p = await verify(file, kernel);
      const error = p.diagnostics.find((d: { severity: string }) => d.severity === 'error');
      assert.strictEqual(p.accepted, c.error === undefined);
      assert.strictEqual(error?.message, c.error);
      if (kernel) assert.deepStrictEqual([p.kernel.accepted, p.kernel.accepted ? undefined : p.kernel.message], [c.error === undefined, c.error]);
    });
  });
});
