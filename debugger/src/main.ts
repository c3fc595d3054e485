/**
 * The debug adapter as a process: DAP over stdin/stdout (or a TCP port with `--server=PORT`). Bundled
 * by scripts/build.js to dist/debugAdapter.js; `ebpf debug-adapter` loads that bundle and calls
 * `runAdapter`.
 */
import { DebugSession } from '@vscode/debugadapter';
import { EbpfDebugSession } from './session';

/** Serves one session over stdio; resolves when the client closes the connection. */
export function runAdapter(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.on('end', () => resolve());
    process.stdin.on('close', () => resolve());
    DebugSession.run(EbpfDebugSession);
  });
}

if (require.main === module) void runAdapter();
