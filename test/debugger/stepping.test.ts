/**
 * Stepping over DAP: step in / over / out across a bpf-to-bpf call, pause of a long run, restart,
 * step back and reverse continue (the runtime replays the run to go backwards).
 */
import * as assert from 'assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { connect, fixture, lineOf, launchAndStop, topFrame, step, reg, scopeVars, waitFor, type Harness } from './harness';

const PROG = fixture('xdp_basic.s');
const PACKET = '00'.repeat(12) + '0800' + '45'.repeat(20);

describe('debug adapter: stepping', () => {
  let h: Harness;
  beforeEach(async () => { h = await connect(); });
  afterEach(async () => { await h.stop(); });

  const at = async (): Promise<number> => (await topFrame(h.dc)).line;

  it('steps into a bpf-to-bpf call, shows both frames, and steps out', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET }, [{ line: lineOf(PROG, 'call') }]);
    const ev = await step(h.dc, () => h.dc.stepInRequest({ threadId: 1 }));
    assert.strictEqual(ev.body.reason, 'step');
    assert.strictEqual(await at(), lineOf(PROG, 'fn'));
    const st = await h.dc.stackTraceRequest({ threadId: 1 });
    assert.deepStrictEqual(st.body.stackFrames.map((f) => [f.name.split(' ')[0], f.line]), [['add_one', lineOf(PROG, 'fn')], ['prog', lineOf(PROG, 'call')]]);
    // The caller's frame shows the registers saved across the call.
    const outer = await scopeVars(h.dc, 'Registers', 1);
    assert.deepStrictEqual([...outer.keys()], ['r6', 'r7', 'r8', 'r9', 'r10']);
    assert.strictEqual(outer.get('r6')!.value, 'ctx+0');
    await step(h.dc, () => h.dc.stepInRequest({ threadId: 1 }));
    assert.strictEqual(await at(), lineOf(PROG, 'fn2'));
    await step(h.dc, () => h.dc.stepOutRequest({ threadId: 1 }));
    assert.strictEqual(await at(), lineOf(PROG, 'aftercall'));
    assert.match(await reg(h.dc, 0), /^0x9 \(9\)/);
  });

  it('steps over a call in one step', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET }, [{ line: lineOf(PROG, 'call') }]);
    await step(h.dc, () => h.dc.nextRequest({ threadId: 1 }));
    assert.strictEqual(await at(), lineOf(PROG, 'aftercall'));
    assert.match(await reg(h.dc, 0), /^0x9 /);
    await step(h.dc, () => h.dc.nextRequest({ threadId: 1 }));
    assert.strictEqual(await at(), lineOf(PROG, 'aftercall') + 1);
  });

  it('stops inside the callee when stepping over a call with a breakpoint in it', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET }, [{ line: lineOf(PROG, 'call') }, { line: lineOf(PROG, 'fn2') }]);
    const ev = await step(h.dc, () => h.dc.nextRequest({ threadId: 1 }));
    assert.strictEqual(ev.body.reason, 'breakpoint');
    assert.strictEqual(await at(), lineOf(PROG, 'fn2'));
  });

  it('steps back and reverse-continues to the previous breakpoint, keeping edits', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET }, [{ line: lineOf(PROG, 'loadbyte') }, { line: lineOf(PROG, 'ret') }]);
    await step(h.dc, () => h.dc.stepInRequest({ threadId: 1 }));
    assert.match(await reg(h.dc, 1), /^0x8 /);
    const back = await step(h.dc, () => h.dc.stepBackRequest({ threadId: 1 }));
    assert.strictEqual(back.body.reason, 'step');
    assert.strictEqual(await at(), lineOf(PROG, 'loadbyte'));
    assert.match(await reg(h.dc, 1), /^ctx\+0/);
    // Change r7 here, run on to the end breakpoint, then reverse-continue: the replay keeps the edit.
    const regs = await h.dc.scopesRequest({ frameId: 0 });
    await h.dc.setVariableRequest({ variablesReference: regs.body.scopes[0]!.variablesReference, name: 'r9', value: '0x1234' });
    await step(h.dc, () => h.dc.continueRequest({ threadId: 1 }));
    assert.strictEqual(await at(), lineOf(PROG, 'ret'));
    const rc = await step(h.dc, () => h.dc.reverseContinueRequest({ threadId: 1 }));
    assert.strictEqual(rc.body.reason, 'breakpoint');
    assert.strictEqual(await at(), lineOf(PROG, 'loadbyte'));
    assert.match(await reg(h.dc, 9), /^0x1234 /);
    // No earlier breakpoint: back to the start.
    const start = await step(h.dc, () => h.dc.reverseContinueRequest({ threadId: 1 }));
    assert.strictEqual(start.body.reason, 'entry');
    assert.strictEqual(await at(), lineOf(PROG, 'entry'));
  });

  it('does not print trace_printk output twice when replaying', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET }, [{ line: lineOf(PROG, 'ret') }]);
    await step(h.dc, () => h.dc.stepBackRequest({ threadId: 1 }));
    await step(h.dc, () => h.dc.stepInRequest({ threadId: 1 }));
    const terminated = waitFor(h.dc, 'terminated');
    await h.dc.continueRequest({ threadId: 1 });
    await terminated;
    assert.strictEqual(h.text().split('hi 9').length - 1, 1, h.text());
  });

  it('pauses a long run', async () => {
    const prog = fixture('loop.s');
    await launchAndStop(h, { program: prog, data: '00'.repeat(20), stopOnEntry: true, maxInstructions: 1_000_000_000 });
    const stopped = waitFor<DebugProtocol.StoppedEvent>(h.dc, 'stopped');
    await h.dc.continueRequest({ threadId: 1 });
    await h.dc.pauseRequest({ threadId: 1 });
    const ev = await stopped;
    assert.strictEqual(ev.body.reason, 'pause');
    // The loop is two instructions; the pause lands on either.
    assert.ok([lineOf(prog, 'loop'), lineOf(prog, 'loop') + 1].includes(await at()));
  });

  it('restarts from the first instruction', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET }, [{ line: lineOf(PROG, 'ret') }, { line: lineOf(PROG, 'data') }]);
    assert.strictEqual(await at(), lineOf(PROG, 'data'));
    await step(h.dc, () => h.dc.continueRequest({ threadId: 1 }));
    assert.strictEqual(await at(), lineOf(PROG, 'ret'));
    const ev = await step(h.dc, () => h.dc.restartRequest({}));
    assert.strictEqual(ev.body.reason, 'breakpoint');
    assert.strictEqual(await at(), lineOf(PROG, 'data'));
  });
});

describe('debug adapter: ending a session', () => {
  it('terminates a long run on request without further stops', async () => {
    const h = await connect();
    try {
      const prog = fixture('loop.s');
      await launchAndStop(h, { program: prog, data: '00'.repeat(20), stopOnEntry: true, maxInstructions: 1_000_000_000 });
      let stops = 0;
      h.dc.on('stopped', () => { stops++; });
      await h.dc.continueRequest({ threadId: 1 });
      const terminated = waitFor(h.dc, 'terminated');
      await h.dc.terminateRequest({});
      await terminated;
      await new Promise((r) => setTimeout(r, 100));
      assert.strictEqual(stops, 0);
    } finally {
      await h.stop();
    }
  });
});

describe('debug adapter: stepping back over a helper that runs a callback', () => {
  it('lands on the helper call', async () => {
    const h = await connect();
    try {
      const prog = fixture('loop_cb.s');
      await launchAndStop(h, { program: prog, data: '00'.repeat(20) }, [{ line: lineOf(prog, 'after') }]);
      await step(h.dc, () => h.dc.stepBackRequest({ threadId: 1 }));
      assert.strictEqual((await topFrame(h.dc)).line, lineOf(prog, 'loopcall'));
      await step(h.dc, () => h.dc.stepBackRequest({ threadId: 1 }));
      assert.strictEqual((await topFrame(h.dc)).line, lineOf(prog, 'loopcall') - 1);
      await step(h.dc, () => h.dc.nextRequest({ threadId: 1 }));
      await step(h.dc, () => h.dc.nextRequest({ threadId: 1 }));
      assert.strictEqual((await topFrame(h.dc)).line, lineOf(prog, 'after'));
      assert.match(await reg(h.dc, 0), /^0x3 /);
    } finally {
      await h.stop();
    }
  });
});

describe('debug adapter: stepping granularity', () => {
  it('steps a line of several instructions at once, or one instruction when asked', async () => {
    const h = await connect();
    try {
      const prog = fixture('oneline.s');
      await launchAndStop(h, { program: prog, data: '00'.repeat(20), stopOnEntry: true });
      await step(h.dc, () => h.dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
      assert.strictEqual((await topFrame(h.dc)).instructionPointerReference, '0x8');
      await step(h.dc, () => h.dc.nextRequest({ threadId: 1 }));
      const f = await topFrame(h.dc);
      assert.strictEqual(f.line, lineOf(prog, 'ret'));
      assert.match(await reg(h.dc, 3), /^0x3 /);
      // Back by line: to the first instruction of the line; by instruction: one slot.
      await step(h.dc, () => h.dc.stepBackRequest({ threadId: 1 }));
      assert.strictEqual((await topFrame(h.dc)).instructionPointerReference, '0x0');
      await step(h.dc, () => h.dc.nextRequest({ threadId: 1 }));
      await step(h.dc, () => h.dc.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
      assert.strictEqual((await topFrame(h.dc)).instructionPointerReference, '0x10');
    } finally {
      await h.stop();
    }
  });
});
