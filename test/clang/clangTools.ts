/**
 * What the clang fixture tests need from outside tools: compiling `test/fixtures/clang/*.c` with
 * clang-22 (object and `-S` assembly) into a temporary directory, loading an object through the
 * running kernel with bpftool and reading its verdict and rejection line from libbpf's debug output,
 * and running a loaded program on a packet with `bpftool prog run` (BPF_PROG_TEST_RUN).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { run } from '../helpers/tools';

export const CLANG = 'clang-22';
export const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'clang');

export interface Compiled {
  /** The fixture's base name, which is also its program's name. */
  name: string;
  object: string;
  assembly: string;
}

/**
 * Compiles every fixture into `dir` with only the flags a user would give, at optimisation level
 * `opt`; throws on a compile error.
 */
export function compileFixtures(dir: string, opt = '-O2'): Compiled[] {
  const out: Compiled[] = [];
  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.c')).sort()) {
    const name = file.slice(0, -2);
    const base = [opt, '-g', '-target', 'bpf', '-mcpu=v4', `-I${FIXTURES}`, join(FIXTURES, file)];
    const object = join(dir, `${name}${opt}.o`);
    const assembly = join(dir, `${name}${opt}.s`);
    // clang -O0's assembly is not always valid input for llvm-mc (`r3 = w1`), so only its object is made.
    for (const [flag, dest] of opt === '-O0' ? [['-c', object]] : [['-c', object], ['-S', assembly]]) {
      const r = run(CLANG, [flag, ...base, '-o', dest]);
      if (r.status !== 0) throw new Error(`${CLANG} ${flag} ${file} failed: ${r.stderr}`);
    }
    out.push({ name, object, assembly });
  }
  return out;
}

export interface KernelLoad {
  accepted: boolean;
  /** The verifier's rejection line (the first line after the last instruction it printed). */
  message?: string;
  /** The index of the last instruction the verifier printed before rejecting. */
  insn?: number;
  log: string;
}

/** The text between libbpf's BEGIN/END PROG LOAD LOG markers. */
function loadLog(text: string): string {
  const m = /-- BEGIN PROG LOAD LOG --\n([\s\S]*?)-- END PROG LOAD LOG --/.exec(text);
  return m ? m[1] : '';
}

/** The rejection line and instruction of a verifier log. */
export function rejection(log: string): { message?: string; insn?: number } {
  const lines = log.split('\n');
  let last = -1;
  let insn: number | undefined;
  lines.forEach((l, i) => {
    const m = /^(\d+): \(/.exec(l);
    if (m) { last = i; insn = Number(m[1]); }
  });
  // Lines the verifier prints around the rejection that are not it: the subprogram list, the
  // liveness table, precision backtracking, branch headers and pruning notes ("12: safe").
  const context = /^(func#\d+ @|Live regs|\s+\d+: |mark_precise:|from \d+ to \d+|\d+: safe$|\s*$)/;
  const message = lines.slice(last + 1).find((l) => !context.test(l));
  // The loop check runs before the instruction it names is printed, so that name is the one to use.
  const named = message ? /^infinite loop detected at insn (\d+)$/.exec(message) : null;
  return { message, insn: named ? Number(named[1]) : insn };
}

/** Loads clang's object as it is with `bpftool prog loadall`, pinned under `pin` (removed by the caller). */
export function bpftoolLoad(object: string, pin: string): KernelLoad {
  rmSync(pin, { recursive: true, force: true });
  const r = run('bpftool', ['-d', 'prog', 'loadall', object, pin]);
  const log = loadLog(r.stdout + r.stderr);
  if (r.status === 0) return { accepted: true, log };
  return { accepted: false, log, ...rejection(log) };
}

/** Runs the pinned program once on `packet` (hex) with BPF_PROG_TEST_RUN through bpftool. */
export function bpftoolRun(progPin: string, packet: string, dir: string): { retval: number; dataOut: string } | string {
  const dataIn = join(dir, 'data_in.bin');
  const dataOut = join(dir, 'data_out.bin');
  writeFileSync(dataIn, Buffer.from(packet, 'hex'));
  rmSync(dataOut, { force: true });
  const r = run('bpftool', ['prog', 'run', 'pinned', progPin, 'data_in', dataIn, 'data_out', dataOut]);
  const m = /Return value: (\d+)/.exec(r.stdout + r.stderr);
  if (r.status !== 0 || !m) return `bpftool prog run failed: ${r.stderr.trim()}`;
  return { retval: Number(m[1]), dataOut: readFileSync(dataOut).toString('hex') };
}

/** A fresh temporary directory for one test run. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ebpf-clang-'));
}
