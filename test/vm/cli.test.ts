/**
 * `ebpf run` and `ebpf conformance-plugin`, run in-process with captured output: the contract's JSON
 * shape, --trace, --maps and --ctx, exit codes and messages for bad input, and the plugin protocol.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../core/src/cli/main';
import type { CliIo } from '../../core/src/cli/command';

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io: CliIo = { out: (t) => { out += t; }, err: (t) => { err += t; }, readStdin: async () => stdin };
  const code = await runCli(args, io);
  return { code, out, err };
}

function file(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-run-'));
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

const XDP = `# @map counts type=array key_size=4 value_size=8 max_entries=2
\t.section xdp,"ax",@progbits
\t.globl prog
prog:
\tr2 = *(u32 *)(r1 + 0)
\tr3 = *(u32 *)(r1 + 4)
\tr4 = r2
\tr4 += 14
\tif r4 > r3 goto drop
\tr5 = *(u8 *)(r2 + 0)
\t*(u8 *)(r2 + 1) = r5
\t*(u32 *)(r10 - 4) = 1
\tr2 = r10
\tr2 += -4
\tr1 = counts ll
\tcall 1
\tif r0 == 0 goto drop
\tr1 = 5
\tlock *(u64 *)(r0 + 0) += r1
\tr0 = 2
\texit
drop:
\tr0 = 1
\texit
`;

describe('ebpf run', () => {
  it('prints the contract JSON', async () => {
    const r = await cli(['run', file('a.s', XDP), '--data', 'ab000000000000000000000000000000', '--json']);
    assert.strictEqual(r.code, 0, r.err);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    assert.strictEqual(j.retval, '0x2');
    assert.strictEqual(j.dataOut, 'abab0000000000000000000000000000');
    assert.strictEqual(j.insns, 17);
    assert.deepStrictEqual((j.maps as Record<string, unknown>).counts, [['00000000', '0000000000000000'], ['01000000', '0500000000000000']]);
  });

  it('--maps fills maps before the run; --data reads @file', async () => {
    const bin = file('p.bin', '');
    fs.writeFileSync(bin, new Uint8Array(16));
    const r = await cli(['run', file('a.s', XDP), '--data', `@${bin}`, '--maps', '{"counts": {"1": 37}}', '--json']);
    const j = JSON.parse(r.out) as { maps: { counts: string[][] } };
    assert.strictEqual(j.maps.counts[1]![1], '2a00000000000000');
  });

  it('--trace prints each instruction with the registers it changed', async () => {
    const r = await cli(['run', file('a.s', XDP), '--data', '00'.repeat(16), '--trace']);
    assert.strictEqual(r.code, 0, r.err);
    const lines = r.out.split('\n');
    assert.match(lines[0]!, /^ {4}0: w2 = \*\(u32 \*\)\(r1 \+ 0x0\) {4}; r2=pkt\+0$/);
    assert.ok(lines.some((l) => /r0=counts\[1\]\+0/.test(l)), r.out);
    assert.ok(r.out.includes('retval: 0x2\n'));
  });

  it('a fault exits 1 with the source position', async () => {
    const r = await cli(['run', file('f.s', '\t.section xdp,"ax",@progbits\nr2 = *(u32 *)(r1 + 0)\nr0 = *(u64 *)(r2 + 100)\nexit\n'), '--data', '00'.repeat(16)]);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /f\.s:3:1: error: invalid read of 8 bytes at pkt\+100 \(packet is 16 bytes\) at insn 1\n$/);
  });

  it('bad input exits 2 with a message', async () => {
    assert.strictEqual((await cli(['run'])).code, 2);
    const bad = await cli(['run', file('a.s', XDP), '--data', 'xyz']);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.err, /--data is not hex bytes/);
    const short = await cli(['run', file('a.s', XDP), '--data', '0000']);
    assert.match(short.err, /at least the 14-byte Ethernet header/);
    const asmErr = await cli(['run', file('b.s', '\t.section xdp,"ax",@progbits\nr0 = = 1\nexit\n')]);
    assert.strictEqual(asmErr.code, 2);
    assert.match(asmErr.err, /b\.s:2:\d+: error: /);
    const json = await cli(['run', file('a.s', XDP), '--data', '00'.repeat(16), '--ctx', '{nope']);
    assert.match(json.err, /--ctx is not valid JSON/);
  });
});

describe('ebpf conformance-plugin', () => {
  it('runs hex from stdin with the memory argument and prints r0 in hex', async () => {
    // r0 = *(u32 *)(r1 + 0); r0 += r2; exit
    const r = await cli(['conformance-plugin', '01 02 03 04'], '61 10 00 00 00 00 00 00 0f 20 00 00 00 00 00 00 95 00 00 00 00 00 00 00');
    assert.deepStrictEqual(r, { code: 0, out: '4030205\n', err: '' });
  });

  it('reports faults and bad programs on stderr with exit 1', async () => {
    const r = await cli(['conformance-plugin'], '61 10 00 00 00 00 00 00 95 00 00 00 00 00 00 00');
    assert.strictEqual(r.code, 1);
    assert.strictEqual(r.err, 'conformance-plugin: invalid read of 4 bytes at 0x0 (not a pointer into any memory region) at insn 0\n');
    assert.strictEqual((await cli(['conformance-plugin'], '61 10 00')).code, 1);
  });
});
