/**
 * `ebpf verify` in-process: the contract's JSON shape, exit codes and source positions of the error.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { verifyCommand } from '../../../core/src/cli/verify';

async function runVerify(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await verifyCommand.run(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, readStdin: async () => '' });
  return { code, out, err };
}

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-verify-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const REJECTED = `# @map counts type=hash key_size=4 value_size=8 max_entries=16
        .section xdp,"ax",@progbits
        .globl prog
prog:
        r1 = 0
        *(u32 *)(r10 - 4) = r1
        r2 = r10
        r2 += -4
        r1 = counts ll
        call 1
        r0 = *(u64 *)(r0 + 0)
        r0 = 2
        exit
`;

describe('ebpf verify', function () {
  it('words raw bytes in code that do not decode as the kernel does, at their source line', async () => {
    // llvm-mc assembles `.quad` in a code section; the kernel then refuses the slot before any path.
    const file = tmpFile('raw.s', '\t.section xdp,"ax",@progbits\n\t.globl prog\nprog:\n\tr0 = 2\n\t.quad 0xff\n\texit\n');
    const r = await runVerify([file, '--json']);
    assert.strictEqual(r.code, 1, r.err);
    const d = (JSON.parse(r.out) as { programs: { diagnostics: { message: string; line: number; insn: number }[] }[] }).programs[0]!.diagnostics[0]!;
    assert.deepStrictEqual([d.message, d.line, d.insn], ['unknown opcode ff', 5, 1]);
  });

  it('prints the contract JSON with the kernel message at the right line', async () => {
    const file = tmpFile('null.s', REJECTED);
    const r = await runVerify([file, '--json']);
    assert.strictEqual(r.code, 1, r.err);
    const j = JSON.parse(r.out) as { programs: { accepted: boolean; progType: string; insnsProcessed: number; verificationTimeUsec: number; diagnostics: { message: string; line: number; column: number; insn: number; severity: string }[] }[] };
    const p = j.programs[0]!;
    assert.strictEqual(p.accepted, false);
    assert.strictEqual(p.progType, 'xdp');
    assert.strictEqual(p.insnsProcessed, 7);
    assert.ok(p.verificationTimeUsec >= 0);
    const d = p.diagnostics[0]!;
    assert.strictEqual(d.severity, 'error');
    assert.strictEqual(d.message, "R0 invalid mem access 'map_value_or_null'");
    assert.strictEqual(d.insn, 7);
    assert.strictEqual(d.line, 11);
  });

  it('exits 0 for an accepted program and 2 for bad input', async () => {
    const ok = tmpFile('ok.s', '        .section xdp,"ax",@progbits\nprog:\n        r0 = 2\n        exit\n');
    assert.strictEqual((await runVerify([ok])).code, 0);
    assert.strictEqual((await runVerify([path.join(os.tmpdir(), 'does-not-exist.s')])).code, 2);
    assert.strictEqual((await runVerify([ok, '--log-level', '7'])).code, 2);
  });

  it('--prog-type overrides the section and --log-level prints the log', async () => {
    const f = tmpFile('ret.s', '        .section xdp,"ax",@progbits\nprog:\n        r0 = 2\n        exit\n');
    const r = await runVerify([f, '--prog-type', 'cgroup_skb', '--log-level', '2']);
    assert.strictEqual(r.code, 1);
    assert.ok(r.out.includes('0: (b7) r0 = 2'), r.out);
    assert.ok(r.out.includes('At program exit the register R0 has smin=2 smax=2 should have been in [0, 1]'), r.out);
  });
});
