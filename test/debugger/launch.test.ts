/**
 * Launching: stop on entry, a first look at the stack frame, running to the end with r0 and its
 * meaning printed before `terminated`, and bad input of every kind answered without a crash.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { connect, fixture, lineOf, launchAndStop, topFrame, waitFor, scopeVars, type Harness } from './harness';

describe('debug adapter: launch', () => {
  let h: Harness;
  beforeEach(async () => { h = await connect(); });
  afterEach(async () => { await h.stop(); });

  it('stops on entry at the first instruction, with the source line', async () => {
    const prog = fixture('xdp_basic.s');
    const ev = await launchAndStop(h, { program: prog, stopOnEntry: true, data: '00'.repeat(12) + '0800' + '45'.repeat(20) });
    assert.strictEqual(ev.body.reason, 'entry');
    const f = await topFrame(h.dc);
    assert.strictEqual(f.line, lineOf(prog, 'entry'));
    assert.strictEqual(f.source?.path, prog);
    assert.strictEqual(f.instructionPointerReference, '0x0');
    const threads = await h.dc.threadsRequest();
    assert.deepStrictEqual(threads.body.threads.map((t) => t.id), [1]);
  });

  it('runs to the end and prints r0 with its meaning before terminated', async () => {
    const prog = fixture('xdp_basic.s');
    const terminated = waitFor(h.dc, 'terminated');
    const exited = waitFor<DebugProtocol.ExitedEvent>(h.dc, 'exited');
    await launchAndStop(h, { program: prog, stopOnEntry: true, data: '00'.repeat(12) + '0800' + '45'.repeat(20) });
    await h.dc.continueRequest({ threadId: 1 });
    await terminated;
    assert.strictEqual((await exited).body.exitCode, 2);
    assert.match(h.text(), /r0 = 0x2 \(2\) XDP_PASS/);
  });

  it('runs without lines being 1-based when the client says so', async () => {
    const prog = fixture('xdp_basic.s');
    const stopped = waitFor<DebugProtocol.StoppedEvent>(h.dc, 'stopped');
    const initialized = waitFor(h.dc, 'initialized');
    await h.dc.initializeRequest({ adapterID: 'ebpf', linesStartAt1: false, columnsStartAt1: false, pathFormat: 'path' });
    const launched = h.dc.launchRequest({ program: prog, data: '00'.repeat(40) } as DebugProtocol.LaunchRequestArguments);
    await initialized;
    const line0 = lineOf(prog, 'loadbyte') - 1;
    const r = await h.dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [{ line: line0 }] });
    assert.strictEqual(r.body.breakpoints[0]!.line, line0);
    await h.dc.configurationDoneRequest();
    await launched;
    await stopped;
    assert.strictEqual((await topFrame(h.dc)).line, line0);
  });

  for (const [name, args, pattern] of [
    ['a missing file', { program: fixture('nope.s') }, /does not exist/],
    ['a file that does not assemble', { program: fixture('bad.s') }, /bad\.s:4:\d+: error: /],
    ['garbage arguments', { program: 7, stopOnEntry: 'yes' }, /"program" must be a string/],
    ['a missing program argument', {}, /"program" is missing/],
    ['bad hex data', { program: fixture('xdp_basic.s'), data: 'xyz' }, /"data" must be hex/],
    ['a packet too short for XDP', { program: fixture('xdp_basic.s'), data: '0102' }, /at least the 14-byte Ethernet header/],
    ['an unknown section', { program: fixture('xdp_basic.s'), section: 'tc' }, /no program in section "tc"/],
    ['a missing data file', { program: fixture('xdp_basic.s'), dataFile: fixture('nope.bin') }, /does not exist/],
  ] as [string, Record<string, unknown>, RegExp][]) {
    it(`reports ${name} and terminates cleanly`, async () => {
      const terminated = waitFor(h.dc, 'terminated');
      await h.dc.initializeRequest({ adapterID: 'ebpf', pathFormat: 'path' });
      await assert.rejects(h.dc.launchRequest(args as DebugProtocol.LaunchRequestArguments), pattern);
      await terminated;
      assert.match(h.text('stderr'), pattern);
    });
  }

  it('applies context overrides, reads a raw data file and names the tc verdict', async () => {
    const prog = fixture('tc_mark.s');
    const raw = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ebpf-dbg-')), 'pkt.bin');
    fs.writeFileSync(raw, Buffer.alloc(60, 0xab));
    await launchAndStop(h, { program: prog, dataFile: raw, ctx: { mark: 7 } }, [{ line: lineOf(prog, 'exit') }]);
    const ctx = await scopeVars(h.dc, 'Context (__sk_buff)');
    assert.strictEqual(ctx.get('mark')!.value, '7');
    assert.strictEqual(ctx.get('len')!.value, '60 (0x3c)');
    const terminated = waitFor(h.dc, 'terminated');
    await h.dc.continueRequest({ threadId: 1 });
    await terminated;
    assert.match(h.text(), /r0 = 0x7 \(7\) TC_ACT_REDIRECT/);
  });

  it('rejects context overrides and map contents the program cannot take', async () => {
    for (const [args, pattern] of [
      [{ program: fixture('tc_mark.s'), data: '00'.repeat(20), ctx: { nosuch: 1 } }, /nosuch/],
      [{ program: fixture('xdp_basic.s'), data: '00'.repeat(20), maps: { nosuch: { 0: 1 } } }, /nosuch/],
    ] as [Record<string, unknown>, RegExp][]) {
      const h2 = await connect();
      try {
        const terminated = waitFor(h2.dc, 'terminated');
        await h2.dc.initializeRequest({ adapterID: 'ebpf', pathFormat: 'path' });
        await assert.rejects(h2.dc.launchRequest(args as DebugProtocol.LaunchRequestArguments), pattern);
        await terminated;
      } finally {
        await h2.stop();
      }
    }
  });

  it('answers requests out of order or with garbage without crashing', async () => {
    const { dc } = h;
    await dc.initializeRequest({ adapterID: 'ebpf', pathFormat: 'path' });
    assert.deepStrictEqual((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames, []);
    await assert.rejects(dc.evaluateRequest({ expression: 'r1' }), /no program/);
    await assert.rejects(dc.continueRequest({ threadId: 1 }), /no program/);
    await assert.rejects(dc.disassembleRequest({ memoryReference: '0x0', instructionCount: 1 }), /no program/);
    const bps = await dc.setBreakpointsRequest({ source: {}, breakpoints: [{ line: 3 }] });
    assert.strictEqual(bps.body.breakpoints[0]!.verified, false);
    const prog = fixture('xdp_basic.s');
    await launchAndStop(h, { program: prog, stopOnEntry: true, data: '00'.repeat(40) }).catch(() => undefined);
    assert.deepStrictEqual((await dc.variablesRequest({ variablesReference: 9999 })).body.variables, []);
    await assert.rejects(dc.setVariableRequest({ variablesReference: 9999, name: 'r1', value: '1' }), /cannot be changed/);
    const mem = await dc.customRequest('readMemory', { memoryReference: 'garbage', count: 4 }).catch((e: Error) => e);
    assert.ok(mem instanceof Error && /bad memory reference/.test(mem.message));
    const none = await dc.customRequest('readMemory', { memoryReference: '0x1234', count: 4 });
    assert.strictEqual((none.body as { unreadableBytes: number }).unreadableBytes, 4);
    const d = await dc.disassembleRequest({ memoryReference: 'zzz', instructionCount: 2 });
    assert.strictEqual(d.body!.instructions.length, 2);
    await assert.rejects(dc.evaluateRequest({ expression: '*(u64 *)(0)', context: 'repl', frameId: 0 }), /invalid read/);
    await assert.rejects(dc.exceptionInfoRequest({ threadId: 1 }), /not stopped on a fault/);
  });

  it('stops an endless loop at maxInstructions as an exception', async () => {
    const prog = fixture('loop.s');
    const ev = await launchAndStop(h, { program: prog, data: '00'.repeat(20), maxInstructions: 1000 });
    assert.strictEqual(ev.body.reason, 'exception');
    assert.match(ev.body.text ?? '', /instruction limit of 1000/);
    const terminated = waitFor(h.dc, 'terminated');
    await h.dc.continueRequest({ threadId: 1 });
    await terminated;
  });
});
