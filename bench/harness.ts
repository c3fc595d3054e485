/**
 * The benchmark harness shared by the modules under bench/: each module exports `bench`, a name and
 * a function that measures its figures through `Harness.measure`, which warms the work up once,
 * times several runs and prints the median as `NAME: N UNITS in S s (R K UNIT/s)`.
 */

export interface Measurement {
  label: string;
  count: number;
  unit: string;
  /** Median wall time of the timed runs, in seconds. */
  seconds: number;
  runs: number[];
}

export interface Harness {
  /** Time `work` (after one warm-up run) `runs` times and print the median; `count` items of `unit` per run. */
  measure(label: string, count: number, unit: string, work: () => unknown, runs?: number): Measurement;
  /** Print a line that is not a measurement (a skipped figure, a note on the input). */
  note(text: string): void;
}

export interface BenchModule {
  name: string;
  run(h: Harness): void | Promise<void>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** `433 K`, `1.25 M`, `950`: a rate in words a reader takes in at a glance. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M`;
  if (perSecond >= 1e3) return `${Math.round(perSecond / 1e3)} K`;
  return `${Math.round(perSecond)}`;
}

export function createHarness(print: (line: string) => void): Harness & { results: Measurement[] } {
  const results: Measurement[] = [];
  return {
    results,
    measure(label, count, unit, work, runs = 5) {
      work();
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = process.hrtime.bigint();
        work();
        times.push(Number(process.hrtime.bigint() - t0) / 1e9);
      }
      const seconds = median(times);
      const m = { label, count, unit, seconds, runs: times };
      results.push(m);
      const singular = unit.endsWith('s') ? unit.slice(0, -1) : unit;
      print(`${label}: ${count} ${unit} in ${seconds.toFixed(3)} s (${formatRate(count / seconds)} ${singular}/s)`);
      return m;
    },
    note(text) {
      print(text);
    },
  };
}
