/**
 * Running external tools from tests (llvm-mc-22, llvm-objdump-22, llvm-readelf-22, ...). Tests that
 * compare against LLVM call `hasTool` in a `before` hook and skip with a reason when the tool is
 * missing, so `npm test` still passes on machines without LLVM; `run` gives back both the text and
 * the raw bytes of stdout, because object files come out there too (`-o -`).
 */
import { spawnSync } from 'child_process';

export interface RunResult {
  /** Exit status; null when the process died from a signal or could not start. */
  status: number | null;
  /** stdout decoded as UTF-8. */
  stdout: string;
  /** stdout as bytes, for binary output. */
  bytes: Uint8Array;
  stderr: string;
}

const known = new Map<string, boolean>();

/** Whether `name` can be started (it answers `--version`). Cached per name. */
export function hasTool(name: string): boolean {
  let found = known.get(name);
  if (found === undefined) {
    const result = spawnSync(name, ['--version'], { stdio: 'ignore', timeout: 20000 });
    found = result.error === undefined && result.status === 0;
    known.set(name, found);
  }
  return found;
}

/** Runs `cmd args` to completion, feeding `input` on stdin. Never throws: failure shows in `status` and `stderr`. */
export function run(cmd: string, args: string[], input?: string | Uint8Array): RunResult {
  const result = spawnSync(cmd, args, { input, maxBuffer: 256 * 1024 * 1024, timeout: 60000 });
  const stdout = result.stdout ?? Buffer.alloc(0);
  const stderr = (result.stderr ?? Buffer.alloc(0)).toString('utf8');
  return {
    status: result.status,
    stdout: stdout.toString('utf8'),
    bytes: new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.byteLength),
    stderr: result.error ? `${stderr}${result.error.message}\n` : stderr,
  };
}
