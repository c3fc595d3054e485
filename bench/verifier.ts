/**
 * Verifier speed: our verifier's time for the four examples, a few heavy corpus programs (long bounded
 * loops, the programs that run into the one-million processed-instruction limit) and a generated
 * 100,000-instruction straight-line program, each next to the kernel's own `verification time N usec`
 * for the same bytes (log level 4, BPF_LOG_STATS) when the kernel can be used (root), with the ratio
 * and a total line. Programs are built with our assembler; the kernel request is made from the same
 * Module by the corpus recorder's `prepare`, so maps come from the `# @map` annotations. Both sides
 * report the median of their runs after a warm-up run; ours times `verifyProgram` alone.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { BenchModule, Harness } from './harness';
import { assembleModule } from '../core/src/program/assembleModule';
import type { Module, Program } from '../core/src/program/model';
import { encodeProgram } from '../core/src/isa';
import { verifyProgram } from '../core/src/verifier';
import { kernelBatch, kernelUnavailable, verificationTimeUsec, type KernelRequest } from '../test/kernel/kernel';
import { prepare } from '../test/verifier/corpus/record';

const ROOT = path.join(__dirname, '..', '..');
const CORPUS = path.join(ROOT, 'test', 'fixtures', 'verifier');

/** The heavier corpus programs, relative to test/fixtures/verifier; a missing one is skipped. */
const HEAVY = [
  'loops/loop_bounded_big.s',
  'loops/loop_nested.s',
  'too_large/straight_line_ok.s',
  'too_large/branches_ok.s',
  'too_large/jump_sequence.s',
  'too_large/processed_limit.s',
  'too_large/nested_loop_limit.s',
];

/** A straight line of `n` instructions: r0 = 0, n - 2 additions, exit. */
function straightLine(n: number): string {
  return `# generated: ${n} straight-line instructions\n\t.section socket,"ax",@progbits\nprog:\n\tr0 = 0\n\t.rept ${n - 2}\n\tr0 += 1\n\t.endr\n\texit\n`;
}

interface Case { name: string; text: string }

function cases(): Case[] {
  const out: Case[] = [];
  const ex = path.join(ROOT, 'examples');
  for (const f of fs.readdirSync(ex).filter((f) => f.endsWith('.s')).sort()) {
    out.push({ name: `examples/${f}`, text: fs.readFileSync(path.join(ex, f), 'utf8') });
  }
  for (const f of HEAVY) {
    const p = path.join(CORPUS, f);
    if (fs.existsSync(p)) out.push({ name: f, text: fs.readFileSync(p, 'utf8') });
  }
  out.push({ name: 'straight line 100000', text: straightLine(100_000) });
  return out;
}

function assembleText(name: string, text: string): { module: Module; program: Program } {
  const r = assembleModule(text, name);
  const err = r.diagnostics.find((d) => d.severity === 'error');
  if (err) throw new Error(`${name}:${err.range.line}: ${err.message}`);
  const program = r.module.programs[0];
  if (!program) throw new Error(`${name}: no program`);
  return { module: r.module, program };
}

/** The kernel request for our assembled program: bytes and map references from the Module. */
function kernelRequest(name: string, text: string, program: Program): KernelRequest | string {
  const hex = Buffer.from(encodeProgram(program.insns)).toString('hex');
  const mapRefs: [number, string][] = [];
  for (const [slot, ref] of program.ldImm64Refs) if (ref.kind === 'map') mapRefs.push([slot, ref.map]);
  const p = prepare(name, text, { hex, mapRefs });
  if ('error' in p) return p.error;
  // Level 4 (BPF_LOG_STATS) alone prints just the summary lines, so the log costs the kernel nothing.
  // The program's func_info goes along, or the kernel stops at the first callback address.
  const btfFuncs = program.btfFuncs?.map((f) => ({ slot: f.slot, name: f.name, linkage: f.linkage, params: f.params }));
  return { ...p.request, logLevel: 4, logSize: 1 << 16, ...(btfFuncs?.length ? { btfFuncs } : {}) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function ms(usec: number): string {
  return usec >= 1000 ? `${(usec / 1000).toFixed(1)} ms` : `${Math.round(usec)} us`;
}

const RUNS = 5;
const MAX_RUNS = 500;
const MIN_SPENT_MS = 20;

async function run(h: Harness): Promise<void> {
  const why = kernelUnavailable();
  if (why) h.note(`verifier: kernel times skipped (${why}); our times only`);
  const rows: { name: string; ours: number; accepted: boolean; processed: number; request?: KernelRequest }[] = [];
  for (const c of cases()) {
    const { module, program } = assembleText(c.name, c.text);
    const verify = (): ReturnType<typeof verifyProgram> => verifyProgram(program, module.maps, { privileged: true });
    const first = verify();
    // At least RUNS timed runs; a program that verifies in microseconds gets more of them (up to
    // MAX_RUNS, until MIN_SPENT_MS have been measured), so the median is the steady-state time of one
    // verification, as it is in the editor, rather than that of code still being compiled.
    const times: number[] = [];
    let spent = 0;
    while (times.length < RUNS || (spent < MIN_SPENT_MS * 1000 && times.length < MAX_RUNS)) {
      const t0 = process.hrtime.bigint();
      verify();
      const us = Number(process.hrtime.bigint() - t0) / 1e3;
      times.push(us);
      spent += us;
    }
    const row: (typeof rows)[number] = { name: c.name, ours: median(times), accepted: first.accepted, processed: first.insnsProcessed };
    if (!why) {
      const req = kernelRequest(c.name, c.text, program);
      if (typeof req === 'string') h.note(`verifier ${c.name}: no kernel request: ${req}`);
      else row.request = req;
    }
    rows.push(row);
  }
  // One python process for all kernel loads: a warm-up load, then RUNS timed loads of each program.
  const kernel = new Map<number, number>();
  if (!why) {
    const batch: { row: number; req: KernelRequest }[] = [];
    rows.forEach((r, i) => { if (r.request) for (let k = 0; k <= RUNS; k++) batch.push({ row: i, req: r.request }); });
    const results = kernelBatch(batch.map((b) => b.req));
    const perRow = new Map<number, number[]>();
    batch.forEach((b, k) => {
      const t = verificationTimeUsec(results[k]?.log ?? '');
      if (t === undefined) return;
      const list = perRow.get(b.row) ?? [];
      list.push(t);
      perRow.set(b.row, list);
    });
    // The first load of each program is the warm-up.
    for (const [row, list] of perRow) if (list.length > 1) kernel.set(row, median(list.slice(1)));
  }
  let oursTotal = 0;
  let kernelTotal = 0;
  rows.forEach((r, i) => {
    const verdict = `${r.accepted ? 'accepted' : 'rejected'}, ${r.processed} insns processed`;
    const k = kernel.get(i);
    if (k === undefined) {
      h.note(`verifier ${r.name}: ours ${ms(r.ours)} (${verdict})${why ? '' : ', kernel: no time in its log'}`);
      oursTotal += r.ours;
      return;
    }
    oursTotal += r.ours;
    kernelTotal += k;
    h.note(`verifier ${r.name}: ours ${ms(r.ours)}, kernel ${ms(k)} (${(r.ours / Math.max(k, 1)).toFixed(1)}×) (${verdict})`);
  });
  if (why) h.note(`verifier total: ours ${(oursTotal / 1000).toFixed(1)} ms (kernel not measured: ${why})`);
  else h.note(`verifier total: ours ${(oursTotal / 1000).toFixed(1)} ms, kernel ${(kernelTotal / 1000).toFixed(1)} ms (${(oursTotal / Math.max(kernelTotal, 1)).toFixed(1)}×)`);
}

export const bench: BenchModule = { name: 'verifier', run };
