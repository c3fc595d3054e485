/**
 * Breakpoints over DAP: line breakpoints (moved to the next line with an instruction), conditions
 * over registers and memory, hit counts, logpoints, function breakpoints on labels, instruction
 * breakpoints, and the disassembly view they rely on for code without source.
 */
import * as assert from 'assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { connect, fixture, lineOf, launchAndStop, topFrame, waitFor, step, reg, type Harness } from './harness';

const PROG = fixture('xdp_basic.s');
const PACKET = '00'.repeat(12) + '0800' + '45'.repeat(20);

describe('debug adapter: breakpoints', () => {
  let h: Harness;
  beforeEach(async () => { h = await connect(); });
  afterEach(async () => { await h.stop(); });

  it('moves a breakpoint on a blank line to the next line with an instruction and stops there', async () => {
    const blank = lineOf(PROG, 'afterblank') - 1;
    let placed: DebugProtocol.Breakpoint | undefined;
    const ev = await launchAndStop(h, { program: PROG, data: PACKET }, [], async (dc) => {
      const r = await dc.setBreakpointsRequest({ source: { path: PROG }, breakpoints: [{ line: blank }] });
      placed = r.body.breakpoints[0];
    });
    assert.strictEqual(placed?.verified, true);
    assert.strictEqual(placed?.line, lineOf(PROG, 'afterblank'));
    assert.strictEqual(ev.body.reason, 'breakpoint');
    assert.deepStrictEqual(ev.body.hitBreakpointIds, [placed!.id]);
    assert.strictEqual((await topFrame(h.dc)).line, lineOf(PROG, 'afterblank'));
  });

  it('reports a breakpoint past the last instruction, or in another file, as unverified', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET, stopOnEntry: true });
    const r = await h.dc.setBreakpointsRequest({ source: { path: PROG }, breakpoints: [{ line: 999 }] });
    assert.strictEqual(r.body.breakpoints[0]!.verified, false);
    const o = await h.dc.setBreakpointsRequest({ source: { path: fixture('loop.s') }, breakpoints: [{ line: 5 }] });
    assert.strictEqual(o.body.breakpoints[0]!.verified, false);
  });

  it('stops on a condition over registers and memory only when it holds', async () => {
    const line = lineOf(PROG, 'call');
    // r2 points at the packet data: byte 12 is 0x08, so the first condition holds and the second does not.
    const ev = await launchAndStop(h, { program: PROG, data: PACKET }, [
      { line: lineOf(PROG, 'loadbyte'), condition: 'r1 == 5 && *(u8 *)(r2 + 12) == 0x45' },
      { line, condition: 'r1 == 8 && *(u8 *)(r2 + 12) == 0x08 && *(u8 *)(r2 + 14) == 0x45' },
    ]);
    assert.strictEqual(ev.body.reason, 'breakpoint');
    assert.strictEqual((await topFrame(h.dc)).line, line);
  });

  it('rejects a condition that does not parse', async () => {
    let bp: DebugProtocol.Breakpoint | undefined;
    await launchAndStop(h, { program: PROG, data: PACKET, stopOnEntry: true }, [], async (dc) => {
      bp = (await dc.setBreakpointsRequest({ source: { path: PROG }, breakpoints: [{ line: lineOf(PROG, 'call'), condition: 'r1 == == 2' }] })).body.breakpoints[0];
    });
    assert.strictEqual(bp?.verified, false);
    assert.match(bp?.message ?? '', /condition/);
  });

  it('honours hit counts in a loop', async () => {
    const prog = fixture('count.s');
    await launchAndStop(h, { program: prog }, [{ line: lineOf(prog, 'body'), hitCondition: '5' }]);
    // Stopped before the 5th execution of the body: r1 has been incremented 4 times.
    assert.match(await reg(h.dc, 1), /^0x4 /);
    const e2 = await step(h.dc, () => h.dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [{ line: lineOf(prog, 'body'), hitCondition: '% 1000' }] }).then(() => h.dc.continueRequest({ threadId: 1 })));
    assert.strictEqual(e2.body.reason, 'breakpoint');
    // Changing the breakpoints starts their hit counts afresh: the 1000th hit from r1 = 5 on.
    assert.match(await reg(h.dc, 1), /^0x3ec \(1004\)/);
  });

  it('logs logpoint messages with interpolated expressions without stopping', async () => {
    const terminated = waitFor(h.dc, 'terminated');
    await h.dc.initializeRequest({ adapterID: 'ebpf', pathFormat: 'path' });
    const init = waitFor(h.dc, 'initialized');
    const launched = h.dc.launchRequest({ program: PROG, data: PACKET } as DebugProtocol.LaunchRequestArguments);
    await init;
    await h.dc.setBreakpointsRequest({ source: { path: PROG }, breakpoints: [{ line: lineOf(PROG, 'aftercall'), logMessage: 'returned {r0}, byte {*(u8 *)(r6 + 0)}' }] });
    await h.dc.configurationDoneRequest();
    await launched;
    await terminated;
    assert.match(h.text(), /returned 9, byte 0\n/);
  });

  it('stops at a function breakpoint on a label, and reports unknown names', async () => {
    let res: DebugProtocol.Breakpoint[] = [];
    const ev = await launchAndStop(h, { program: PROG, data: PACKET }, [], async (dc) => {
      res = (await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'add_one' }, { name: 'nosuch' }] })).body.breakpoints;
    });
    assert.deepStrictEqual(res.map((b) => b.verified), [true, false]);
    assert.strictEqual(ev.body.reason, 'breakpoint');
    const f = await topFrame(h.dc);
    assert.strictEqual(f.line, lineOf(PROG, 'fn'));
    assert.match(f.name, /^add_one/);
  });

  it('stops at an instruction breakpoint and disassembles around it', async () => {
    let res: DebugProtocol.Breakpoint[] = [];
    const ev = await launchAndStop(h, { program: PROG, data: PACKET }, [], async (dc) => {
      const r = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x0', offset: 8 * 6 }] });
      res = (r.body as { breakpoints: DebugProtocol.Breakpoint[] }).breakpoints;
    });
    assert.strictEqual(res[0]!.verified, true);
    assert.strictEqual(ev.body.reason, 'breakpoint');
    const f = await topFrame(h.dc);
    assert.strictEqual(f.instructionPointerReference, '0x30');
    const d = await h.dc.disassembleRequest({ memoryReference: f.instructionPointerReference!, instructionOffset: -2, instructionCount: 5 });
    const ins = d.body!.instructions;
    assert.strictEqual(ins.length, 5);
    assert.deepStrictEqual(ins.map((i) => i.address), ['0x20', '0x28', '0x30', '0x38', '0x40']);
    // The printer writes what llvm-objdump -d writes for this load.
    assert.match(ins[2]!.instruction, /^[rw]1 = \*\(u8 \*\)\(r2 \+ 0xc\)$/);
    assert.strictEqual(ins[2]!.instructionBytes, '71 21 0c 00 00 00 00 00');
    assert.strictEqual(ins[2]!.line, lineOf(PROG, 'loadbyte'));
    // Before the start the view gets placeholders; a 64-bit load is one instruction of 16 bytes.
    const start = await h.dc.disassembleRequest({ memoryReference: '0x0', instructionOffset: -2, instructionCount: 3 });
    assert.deepStrictEqual(start.body!.instructions.map((i) => i.presentationHint ?? 'ok'), ['invalid', 'invalid', 'ok']);
    const all = await h.dc.disassembleRequest({ memoryReference: '0x0', instructionCount: 40 });
    const ld = all.body!.instructions.find((i) => i.instruction.includes(' ll'));
    assert.ok(ld !== undefined);
    assert.strictEqual(ld.instructionBytes!.split(' ').length, 16);
  });
});
