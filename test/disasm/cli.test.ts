/**
 * `ebpf disasm` run in-process: raw `.bin` input, ELF input (written by our own ELF writer), both
 * dialects, and every way the input or the command line can be wrong, each answered with
 * `FILE: error: ...` or a usage message and exit status 2.
 */
import * as assert from 'assert';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../core/src/cli/main';
import { writeElf } from '../../core/src/elf/writer';
import { SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_PROGBITS, type ObjectFile } from '../../core/src/elf/types';

interface Ran { code: number; out: string; err: string }

async function disasm(...args: string[]): Promise<Ran> {
  let out = '';
  let err = '';
  const code = await runCli(['disasm', ...args], { out: (t) => { out += t; }, err: (t) => { err += t; }, readStdin: async () => '' });
  return { code, out, err };
}

const CODE = Uint8Array.from([
  0xb7, 0, 0, 0, 1, 0, 0, 0, // r0 = 1
  0x18, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // r1 = mymap ll
  0x85, 0x10, 0, 0, 0xff, 0xff, 0xff, 0xff, // call bpf_map_lookup_elem
  0x95, 0, 0, 0, 0, 0, 0, 0, // exit
]);

function object(): ObjectFile {
  return {
    sections: [
      { name: 'socket', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, align: 8, data: CODE },
      { name: 'license', type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE, align: 1, data: Uint8Array.from([0x47, 0x50, 0x4c, 0]) },
    ],
    symbols: [
      { name: 'prog', section: 'socket', value: 0, size: CODE.length, type: 'func', bind: 'global' },
      { name: 'mymap', section: undefined, value: 0, size: 0, type: 'notype', bind: 'global' },
      { name: 'bpf_map_lookup_elem', section: undefined, value: 0, size: 0, type: 'notype', bind: 'global' },
    ],
    relocations: [
      { section: 'socket', offset: 8, type: 1, symbol: 'mymap' },
      { section: 'socket', offset: 24, type: 10, symbol: 'bpf_map_lookup_elem' },
    ],
  };
}

describe('ebpf disasm', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'ebpf-disasm-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, data: string | Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };

  it('disassembles raw bytes', async () => {
    const r = await disasm(file('p.bin', CODE.subarray(0, 8)));
    assert.deepStrictEqual(r, { code: 0, out: '\t.text\n\tr0 = 0x1\n', err: '' });
  });

  it('disassembles an ELF object with symbols and relocations by name', async () => {
    const r = await disasm(file('p.o', writeElf(object())));
    assert.strictEqual(r.err, '');
    assert.strictEqual(r.code, 0);
    assert.strictEqual(r.out, [
      '\t.section socket,"ax",@progbits',
      '\t.globl prog',
      '\t.type prog,@function',
      '\t.size prog, 40',
      'prog:',
      '\tr0 = 0x1',
      '\tr1 = mymap ll',
      '\tcall bpf_map_lookup_elem',
      '\texit',
      '',
      '\t.section license,"aw",@progbits',
      '\t.asciz "GPL"',
      '',
    ].join('\n'));
  });

  it('prints the mnemonic dialect on request', async () => {
    const r = await disasm(file('q.o', writeElf(object())), '--dialect', 'mnemonic', '--decimal');
    assert.strictEqual(r.code, 0);
    assert.ok(r.out.includes('\tmov r0, 1\n\tlddw r1, mymap\n'), r.out);
  });

  it('prints raw bytes in bpf_conformance spelling with --conformance', async () => {
    const code = Uint8Array.from([0x7b, 0x1a, 0xf8, 0xff, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
    const r = await disasm(file('c.bin', code), '--conformance');
    assert.deepStrictEqual(r, { code: 0, out: '\tstxdw [%r10-8], %r1\n\texit\n', err: '' });
  });

  it('reports a missing file', async () => {
    const p = join(dir, 'missing.o');
    assert.deepStrictEqual(await disasm(p), { code: 2, out: '', err: `${p}: error: cannot read file: no such file\n` });
  });

  it('reports an empty file', async () => {
    const p = file('empty.bin', '');
    assert.deepStrictEqual(await disasm(p), { code: 2, out: '', err: `${p}: error: the file is empty\n` });
  });

  it('gives the ELF reader\'s diagnostics for garbage after the magic', async () => {
    const p = file('bad.o', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]));
    const r = await disasm(p);
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.out, '');
    assert.match(r.err, new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: error: .+\n`));
  });

  it('gives the ELF reader\'s diagnostics for a truncated object', async () => {
    const whole = writeElf(object());
    const p = file('cut.o', whole.subarray(0, Math.floor(whole.length / 2)));
    const r = await disasm(p);
    assert.strictEqual(r.code, 2);
    assert.ok(r.err.split('\n').filter(Boolean).every((l) => l.startsWith(`${p}: `)), r.err);
    assert.match(r.err, /: error: /);
  });

  it('rejects bad options with the usage', async () => {
    const p = file('r.bin', CODE);
    for (const args of [[p, '--dialect', 'intel'], [p, '--dialect'], [p, '--frobnicate'], [p, p], []]) {
      const r = await disasm(...args);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.match(r.err, /usage: ebpf disasm FILE/);
    }
  });
});
