/**
 * The running kernel as a test oracle: sends raw programs to `bpf_syscall.py` (bpf(2) through python3
 * ctypes) in one batch and returns the kernel's verdicts, verifier logs and BPF_PROG_TEST_RUN results.
 * Tests call `kernelUnavailable()` first and skip with its reason when the kernel cannot be used.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

export interface KernelMap {
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags?: number;
  name?: string;
  /** Initial entries as [key hex, value hex]. */
  init?: [string, string][];
}

export interface KernelRequest {
  /** Program bytes as hex, 8 bytes per slot. */
  insns: string;
  progType: number;
  expectedAttachType?: number;
  maps?: KernelMap[];
  /** [slot of an ld_imm64, index into maps]: patched to BPF_PSEUDO_MAP_FD with the map's fd. */
  mapRefs?: [number, number][];
  logLevel?: number;
  logSize?: number;
  license?: string;
  run?: boolean;
  dataIn?: string;
  ctxIn?: string;
  repeat?: number;
  dataSizeOut?: number;
  dumpMaps?: boolean;
  /** Functions to describe in a minimal BTF blob and pass as func_info (needed for callbacks). */
  btfFuncs?: { slot: number; name: string; linkage: 'static' | 'global' | 'extern'; params: number }[];
}

export interface KernelResult {
  loaded: boolean;
  errno: number;
  log: string;
  error?: string;
  retval?: number;
  runErrno?: number;
  dataOut?: string;
  ctxOut?: string;
  durationNs?: number;
  maps?: [string, string | null][][];
}

const SCRIPT = path.join(__dirname, '..', '..', '..', 'test', 'kernel', 'bpf_syscall.py');

let cachedReason: string | null | undefined;

/** Why the kernel cannot be used here, or undefined when it can. */
export function kernelUnavailable(): string | undefined {
  if (cachedReason !== undefined) return cachedReason ?? undefined;
  if (process.platform !== 'linux' || process.arch !== 'x64') cachedReason = 'needs Linux on x86_64 for the bpf() syscall';
  else if (process.getuid?.() !== 0) cachedReason = 'needs root for the bpf() syscall';
  else {
    const probe = kernelBatch([{ insns: 'b7000000000000009500000000000000', progType: 1 }]);
    cachedReason = probe[0]?.loaded ? null : `bpf() is not usable here: ${probe[0]?.error ?? `errno ${probe[0]?.errno}`}`;
  }
  return cachedReason ?? undefined;
}

/** Sends the requests to one python3 process and returns one result per request. */
export function kernelBatch(requests: KernelRequest[]): KernelResult[] {
  const input = requests.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const p = spawnSync('python3', [SCRIPT], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (p.error || p.status !== 0) {
    const why = p.error ? p.error.message : p.stderr;
    return requests.map(() => ({ loaded: false, errno: 0, log: '', error: `oracle failed: ${why}` }));
  }
  const lines = p.stdout.split('\n').filter((l) => l.length > 0);
  return lines.map((l) => JSON.parse(l) as KernelResult);
}

/** Parses "processed N insns" from a verifier log. */
export function processedInsns(log: string): number | undefined {
  const m = /processed (\d+) insns/.exec(log);
  return m ? Number(m[1]) : undefined;
}

/** Parses "verification time N usec" (log level 4 or higher). */
export function verificationTimeUsec(log: string): number | undefined {
  const m = /verification time (\d+) usec/.exec(log);
  return m ? Number(m[1]) : undefined;
}
