/**
 * Inspection over DAP: registers (hex, unsigned, signed, pointers as region+offset), stack slots,
 * context fields by name, packet bytes with a memory reference, maps and their entries, setVariable,
 * evaluate in the console, readMemory / writeMemory, trace_printk output and faults as exceptions.
 */
import * as assert from 'assert';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { connect, fixture, lineOf, launchAndStop, topFrame, step, reg, scopeVars, waitFor, type Harness } from './harness';

const PROG = fixture('xdp_basic.s');
const PACKET = '00'.repeat(12) + '0800' + '45'.repeat(20);

describe('debug adapter: variables, memory and output', () => {
  let h: Harness;
  beforeEach(async () => { h = await connect(); });
  afterEach(async () => { await h.stop(); });

  const evaluate = async (expression: string): Promise<DebugProtocol.EvaluateResponse['body']> =>
    (await h.dc.evaluateRequest({ expression, context: 'repl', frameId: 0 })).body;

  it('shows registers as pointers, hex, unsigned and signed', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET }, [{ line: lineOf(PROG, 'call') }]);
    const regs = await scopeVars(h.dc, 'Registers');
    assert.strictEqual(regs.get('r6')!.value, 'ctx+0');
    assert.strictEqual(regs.get('r2')!.value, 'pkt+0');
    assert.strictEqual(regs.get('r3')!.value, 'pkt+34');
    assert.strictEqual(regs.get('r4')!.value, 'pkt+14');
    assert.strictEqual(regs.get('r10')!.value, 'fp+0');
    assert.strictEqual(regs.get('r1')!.value, '0x8 (8)');
    assert.ok(regs.get('r2')!.memoryReference);
    const sv = await h.dc.setVariableRequest({ variablesReference: (await h.dc.scopesRequest({ frameId: 0 })).body.scopes[0]!.variablesReference, name: 'r1', value: '-2' });
    assert.strictEqual(sv.body.value, '0xfffffffffffffffe (18446744073709551614, -2)');
    assert.match(await reg(h.dc, 1), /-2\)$/);
  });

  it('shows the context by field name and the packet bytes', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET }, [{ line: lineOf(PROG, 'call') }]);
    const ctx = await scopeVars(h.dc, 'Context (xdp_md)');
    assert.strictEqual(ctx.get('data')!.value, 'pkt+0');
    assert.strictEqual(ctx.get('data_end')!.value, 'pkt+34');
    assert.match(ctx.get('ingress_ifindex')!.value, /^\d+/);
    const scopes = (await h.dc.scopesRequest({ frameId: 0 })).body.scopes.map((s) => s.name);
    assert.ok(scopes.includes('Packet (34 bytes)'), scopes.join());
    const pkt = await scopeVars(h.dc, 'Packet');
    assert.strictEqual(pkt.get('pkt+0')!.value, '00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 45');
    assert.strictEqual(pkt.get('pkt+32')!.value, '45 45');
    // The hex view reads the packet through the memory reference.
    const mem = await h.dc.customRequest('readMemory', { memoryReference: pkt.get('pkt+0')!.memoryReference, offset: 12, count: 4 });
    assert.strictEqual(Buffer.from((mem.body as { data: string }).data, 'base64').toString('hex'), '08004545');
    const past = await h.dc.customRequest('readMemory', { memoryReference: pkt.get('pkt+0')!.memoryReference, offset: 30, count: 10 });
    assert.strictEqual((past.body as { unreadableBytes: number }).unreadableBytes, 6);
  });

  it('changes packet bytes with writeMemory, and the program sees them', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET }, [{ line: lineOf(PROG, 'loadbyte') }]);
    const r2 = (await scopeVars(h.dc, 'Registers')).get('r2')!;
    await h.dc.customRequest('writeMemory', { memoryReference: r2.memoryReference, offset: 12, data: Buffer.from([0x20]).toString('base64') });
    await step(h.dc, () => h.dc.stepInRequest({ threadId: 1 }));
    assert.match(await reg(h.dc, 1), /^0x20 \(32\)/);
    await assert.rejects(h.dc.customRequest('writeMemory', { memoryReference: r2.memoryReference, offset: 4000, data: 'AA==' }), /invalid write|outside|packet/);
  });

  it('shows stack slots and changes them', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET }, [{ line: lineOf(PROG, 'printk') }]);
    const stack = await scopeVars(h.dc, 'Stack');
    assert.ok(stack.has('fp-8'));
    const scopes = (await h.dc.scopesRequest({ frameId: 0 })).body.scopes;
    const ref = scopes.find((s) => s.name === 'Stack')!.variablesReference;
    await h.dc.variablesRequest({ variablesReference: ref });
    const r = await h.dc.setVariableRequest({ variablesReference: ref, name: 'fp-16', value: '0x4142' });
    assert.strictEqual(r.body.value, '0x4142 (16706)');
    assert.strictEqual((await evaluate('*(u16 *)(r10 - 16)')).result, '16706 (0x4142)');
  });

  it('shows maps and their entries, sets map values and evaluates lookups', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET, maps: { counts: { 0: 41, 2: 'ffffffffffffffff' } } }, [{ line: lineOf(PROG, 'printk') }]);
    const m = await scopeVars(h.dc, 'Maps');
    assert.match(m.get('counts')!.value, /^array, 4 entries/);
    const entries = await h.dc.variablesRequest({ variablesReference: m.get('counts')!.variablesReference });
    const byKey = new Map(entries.body.variables.map((v) => [v.name, v.value]));
    assert.strictEqual(byKey.get('0'), '2a 00 00 00 00 00 00 00 (42)');
    assert.strictEqual(byKey.get('2'), 'ff ff ff ff ff ff ff ff (18446744073709551615)');
    const set = await h.dc.setVariableRequest({ variablesReference: m.get('counts')!.variablesReference, name: '1', value: '7' });
    assert.strictEqual(set.body.value, '07 00 00 00 00 00 00 00 (7)');
    assert.strictEqual((await evaluate('counts[1]')).result, '07 00 00 00 00 00 00 00');
    assert.strictEqual((await evaluate('counts[0] + 1')).result, '43 (0x2b)');
    assert.strictEqual((await evaluate('counts[9]')).result, 'null (no such key)');
    const whole = await evaluate('counts');
    assert.ok(whole.variablesReference > 0);
  });

  it('evaluates registers, memory expressions and reports errors in the console', async () => {
    await launchAndStop(h, { program: PROG, data: PACKET }, [{ line: lineOf(PROG, 'call') }]);
    assert.strictEqual((await evaluate('r1')).result, '8');
    assert.strictEqual((await evaluate('r1 * 2 + 1')).result, '17 (0x11)');
    assert.strictEqual((await evaluate('*(u16 *)(r2 + 12)')).result, '8 (0x8)'.replace('8 (0x8)', '8'));
    assert.strictEqual((await evaluate('*(u8 *)(pkt + 14)')).result, '69 (0x45)');
    assert.strictEqual((await evaluate('(s8)*(u8 *)(r2 + 14) < 0')).result, '0');
    const p = await evaluate('r2 + 14');
    assert.strictEqual(p.result, 'pkt+14');
    assert.ok(p.memoryReference);
    await assert.rejects(evaluate('*(u32 *)(r2 + 4000)'), /invalid read of 4 bytes at pkt\+4000/);
    await assert.rejects(evaluate('r1 +'), /ends too early/);
    await assert.rejects(evaluate('nosuch'), /unknown name 'nosuch'/);
  });

  it("shows the verifier's state at this instruction and whether the concrete values lie inside it", async () => {
    await launchAndStop(h, { program: PROG, data: PACKET }, [{ line: lineOf(PROG, 'call') }]);
    const v = await scopeVars(h.dc, 'Verifier state');
    assert.match(v.get('verdict')!.value, /^accepted/);
    assert.match(v.get('state')!.value, /R1=scalar\(.*R10=fp0/);
    assert.match(v.get('r1')!.value, /^scalar\(.*umax=.*255.*\)  ✓ inside$/);
    assert.strictEqual(v.get('r2')!.value, 'pkt(r=14)  ✓ inside');
    assert.strictEqual(v.get('r6')!.value, 'ctx()  ✓ inside');
    assert.strictEqual(v.get('r10')!.value, 'fp0  ✓ inside');
    // Edit r1 beyond what the verifier allows for a byte load: the scope says so.
    const regs = (await h.dc.scopesRequest({ frameId: 0 })).body.scopes[0]!.variablesReference;
    await h.dc.setVariableRequest({ variablesReference: regs, name: 'r1', value: '300' });
    assert.match((await scopeVars(h.dc, 'Verifier state')).get('r1')!.value, /✗ OUTSIDE$/);
  });

  it('prints trace_printk text as the kernel formats it', async () => {
    const terminated = waitFor(h.dc, 'terminated');
    await launchAndStop(h, { program: PROG, data: PACKET, stopOnEntry: true });
    await h.dc.continueRequest({ threadId: 1 });
    await terminated;
    assert.match(h.text('stdout'), /^hi 9\n$/);
  });

  it('stops on a fault as an exception with message and location', async () => {
    const prog = fixture('fault.s');
    const ev = await launchAndStop(h, { program: prog, data: '00'.repeat(20) });
    assert.strictEqual(ev.body.reason, 'exception');
    assert.strictEqual((await topFrame(h.dc)).line, lineOf(prog, 'fault'));
    const info = await h.dc.exceptionInfoRequest({ threadId: 1 });
    assert.strictEqual(info.body.exceptionId, 'invalid-read');
    assert.match(info.body.description ?? '', /invalid read of 4 bytes at pkt\+4000 \(packet is 20 bytes\) at insn 1/);
    assert.match(info.body.details?.message ?? '', /fault\.s:5\)$/);
    const terminated = waitFor(h.dc, 'terminated');
    await h.dc.continueRequest({ threadId: 1 });
    await terminated;
    assert.match(h.text('stderr'), /stopped on a fault/);
  });

  it('feeds a packet from a pcap capture', async () => {
    const prog = fixture('xdp_basic.s');
    await launchAndStop(h, { program: prog, dataFile: fixture('two.pcap'), packetIndex: 1 }, [{ line: lineOf(prog, 'call') }]);
    assert.strictEqual(await reg(h.dc, 1), '0x86 (134)');
  });
});
