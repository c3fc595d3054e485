/**
 * Language-server latency over the real protocol (in-memory streams, as in the wire tests) on a
 * generated 2,000-line program that the verifier accepts: didChange → publishDiagnostics (the whole
 * assemble + verify + publish round trip, with the debounce set to 0 so the figure is the server's own
 * work; the editor adds its 150 ms debounce on top), then hover and completion at random positions.
 * Prints p50/p95 in milliseconds; the goals are ≤ 50 ms for diagnostics and ≤ 10 ms for the requests.
 * The edits start after the server's start-up warm-up (see server/src/warmup.ts) has finished.
 */
import type { BenchModule, Harness } from './harness';
import { startWire } from '../test/server/wire';

/** A program of `lines` lines: one map lookup with its NULL check, then blocks of arithmetic and stack traffic with forward branches. */
export function generatedProgram(lines: number): string {
  const out = [
    '# @map counts type=array key_size=4 value_size=8 max_entries=4',
    '\t.section\txdp,"ax",@progbits', '\t.globl\tprog', '\t.type\tprog,@function', 'prog:',
    '\tr6 = r1', '\tr1 = 0', '\t*(u32 *)(r10 - 4) = r1', '\tr2 = r10', '\tr2 += -4', '\tr1 = counts ll', '\tcall 1',
    '\tif r0 == 0 goto .Lout', '\tr7 = r0', '\tr8 = 0',
  ];
  let k = 0;
  while (out.length < lines - 6) {
    out.push(`\tr8 += ${k % 7}`, '\tr1 = r8', `\tr1 &= ${k % 3 === 0 ? 255 : 127}`, `\t*(u64 *)(r10 - ${16 + (k % 8) * 8}) = r1`,
      `\tif r1 > ${k % 100} goto .Lb${k}          # both ways rejoin at the label`, '\tr1 += 1', `.Lb${k}:`, `\tr2 = *(u64 *)(r10 - ${16 + (k % 8) * 8})`);
    k++;
  }
  out.push('\tr1 = *(u64 *)(r7 + 0)', '\tr1 += r8', '\t*(u64 *)(r7 + 0) = r1', '.Lout:', '\tr0 = 2', '\texit');
  return `${out.join('\n')}\n`;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

export async function runLspBench(print: (line: string) => void, opts: { edits?: number; requests?: number } = {}): Promise<Record<string, number>> {
  const text = generatedProgram(2000);
  const lineCount = text.split('\n').length - 1;
  // As in production, the server warms its analysis code up after `initialized` (see
  // server/src/warmup.ts).
  const w = await startWire({ settings: { debounceMs: 0 }, warmUp: true });
  const uri = 'file:///bench/big.s';
  const figures: Record<string, number> = {};
  try {
    const first = await w.open(uri, text);
    const status = w.notifications.filter((n) => n.method === 'ebpf/status').pop()?.params as { programs: { accepted?: boolean; insnsProcessed: number }[] } | undefined;
    // A user looks at a file they just opened before typing; by then the server's warm-up is over.
    // The edits start once it is, so the figures are those of an editing session, not of the JIT's
    // first minutes (without the warm-up, the first eight or so edits took 100-200 ms each).
    const tw = process.hrtime.bigint();
    await w.server.warmedUp();
    print(`lsp: input ${lineCount} lines; ${first.length} diagnostics; verdict ${JSON.stringify(status?.programs.map((p) => [p.accepted, p.insnsProcessed]))}; waited ${ms(tw).toFixed(0)} ms for the warm-up after opening`);
    const lines = text.split('\n');
    const editable = lines.map((l, i) => (/^\tr8 \+= \d$/.test(l) ? i : -1)).filter((i) => i >= 0);
    const diag: number[] = [];
    let version = 1;
    for (let i = 0; i < (opts.edits ?? 40); i++) {
      const line = editable[(i * 37) % editable.length]!;
      version++;
      const done = w.nextDiagnostics(uri, version);
      const t0 = process.hrtime.bigint();
      await w.client.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line, character: 8 }, end: { line, character: 9 } }, text: String(i % 7) }],
      });
      await done;
      diag.push(ms(t0));
    }
    // Edits that leave the instructions alone (a comment) take the verdict from the cache.
    const commented = lines.map((l, i) => (l.includes('# both ways rejoin') ? i : -1)).filter((i) => i >= 0);
    const comment: number[] = [];
    for (let i = 0; i < (opts.edits ?? 40) / 2; i++) {
      const line = commented[(i * 53) % commented.length]!;
      const character = lines[line]!.indexOf('# both') + 2;
      version++;
      const done = w.nextDiagnostics(uri, version);
      const t0 = process.hrtime.bigint();
      await w.client.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line, character }, end: { line, character: character + 1 } }, text: i % 2 ? 'b' : 'B' }],
      });
      await done;
      comment.push(ms(t0));
    }
    const hover: number[] = [];
    const completion: number[] = [];
    for (let i = 0; i < (opts.requests ?? 200); i++) {
      const line = 5 + ((i * 7919) % (lineCount - 6));
      const position = { line, character: 1 + (i % 6) };
      let t0 = process.hrtime.bigint();
      await w.client.sendRequest('textDocument/hover', { textDocument: { uri }, position });
      hover.push(ms(t0));
      t0 = process.hrtime.bigint();
      await w.client.sendRequest('textDocument/completion', { textDocument: { uri }, position });
      completion.push(ms(t0));
    }
    figures['diagnosticsP50'] = pct(diag, 50);
    figures['diagnosticsP95'] = pct(diag, 95);
    figures['commentEditP95'] = pct(comment, 95);
    figures['hoverP95'] = pct(hover, 95);
    figures['completionP95'] = pct(completion, 95);
    print(`lsp: didChange -> publishDiagnostics on ${lineCount} lines: p50 ${figures['diagnosticsP50']!.toFixed(1)} ms, p95 ${figures['diagnosticsP95']!.toFixed(1)} ms (${diag.length} edits; goal <= 50 ms; the editor's 150 ms debounce comes on top)`);
    print(`lsp: comment edits (verdict from the cache): p50 ${pct(comment, 50).toFixed(1)} ms, p95 ${figures['commentEditP95']!.toFixed(1)} ms (${comment.length} edits)`);
    print(`lsp: hover p50 ${pct(hover, 50).toFixed(2)} ms, p95 ${figures['hoverP95']!.toFixed(2)} ms; completion p50 ${pct(completion, 50).toFixed(2)} ms, p95 ${figures['completionP95']!.toFixed(2)} ms (${hover.length} each; goal <= 10 ms)`);
  } finally {
    w.close();
  }
  return figures;
}

export const bench: BenchModule = {
  name: 'lsp',
  async run(h: Harness) {
    await runLspBench((line) => h.note(line));
  },
};
