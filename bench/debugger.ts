/**
 * Debugger responsiveness: the time from a `continue` request to the `stopped` event of a breakpoint
 * 1,000,000 instructions away (test/fixtures/debugger/count.s), through the real DAP session over a
 * local TCP connection, as a client sees it. The issue asks for at most 1 s.
 */
import type { BenchModule, Harness } from './harness';
import { connect, fixture, lineOf, launchAndStop, step } from '../test/debugger/harness';

const RUNS = 5;

async function once(): Promise<{ seconds: number; instructions: number }> {
  const h = await connect();
  try {
    const prog = fixture('count.s');
    await launchAndStop(h, { program: prog, stopOnEntry: true, maxInstructions: 2_000_000 });
    await h.dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [{ line: lineOf(prog, 'done') }] });
    const t0 = process.hrtime.bigint();
    await step(h.dc, () => h.dc.continueRequest({ threadId: 1 }));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    // r1 counts the rounds; each round is two instructions, plus the two before the loop.
    const r1 = (await h.dc.evaluateRequest({ expression: 'r1', context: 'repl', frameId: 0 })).body.result;
    return { seconds, instructions: 2 + 2 * Number(r1.split(' ')[0]) };
  } finally {
    await h.stop();
  }
}

export const bench: BenchModule = {
  name: 'debugger',
  async run(h: Harness) {
    await once();
    const times: number[] = [];
    let instructions = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = await once();
      times.push(r.seconds);
      instructions = r.instructions;
    }
    times.sort((a, b) => a - b);
    const med = times[Math.floor(times.length / 2)]!;
    h.note(`debugger: continue to a breakpoint ${instructions} instructions away: ${med.toFixed(3)} s (median of ${RUNS}; aim <= 1 s)`);
  },
};
