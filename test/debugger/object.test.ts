/**
 * Debugging an ELF object without source (assembled by llvm-mc-22): frames carry only instruction
 * addresses, breakpoints are instruction breakpoints, and the disassembly view shows the code.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hasTool, run } from '../helpers/tools';
import { connect, fixture, launchAndStop, topFrame, step, reg, type Harness } from './harness';

describe('debug adapter: objects without source', () => {
  let h: Harness;
  let obj = '';
  before(function () {
    if (!hasTool('llvm-mc-22')) { (this.test!.parent as any).skipReason = 'llvm-mc-22 is not installed (apt-get install llvm-22)'; this.skip(); }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-dbg-'));
    obj = path.join(dir, 'calls.o');
    const r = run('llvm-mc-22', ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', '-o', obj, fixture('calls.s')]);
    assert.strictEqual(r.status, 0, r.stderr);
  });
  beforeEach(async () => { h = await connect(); });
  afterEach(async () => { await h.stop(); });

  it('stops on entry with an instruction address and no source', async () => {
    await launchAndStop(h, { program: obj, stopOnEntry: true, data: '00'.repeat(14) });
    const f = await topFrame(h.dc);
    assert.strictEqual(f.source, undefined);
    assert.strictEqual(f.instructionPointerReference, '0x0');
    const d = await h.dc.disassembleRequest({ memoryReference: '0x0', instructionCount: 4 });
    assert.deepStrictEqual(d.body!.instructions.map((i) => i.instruction), ['r1 = 0x29', 'call add_one', 'r0 = 0x2', 'exit']);
    assert.strictEqual(d.body!.instructions[0]!.symbol, 'prog');
    assert.strictEqual(d.body!.instructions[0]!.location, undefined);
  });

  it('stops at an instruction breakpoint inside the called function and steps out', async () => {
    await launchAndStop(h, { program: obj, data: '00'.repeat(14) }, [], async (dc) => {
      const r = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x28' }] });
      assert.strictEqual((r.body as { breakpoints: { verified: boolean }[] }).breakpoints[0]!.verified, true);
    });
    const st = await h.dc.stackTraceRequest({ threadId: 1 });
    assert.deepStrictEqual(st.body.stackFrames.map((f) => f.instructionPointerReference), ['0x28', '0x8']);
    await step(h.dc, () => h.dc.stepOutRequest({ threadId: 1 }));
    assert.strictEqual((await topFrame(h.dc)).instructionPointerReference, '0x10');
    assert.match(await reg(h.dc, 0), /^0x2a \(42\)/);
  });
});
