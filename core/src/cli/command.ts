/**
 * The shape of one `ebpf` subcommand. Each command lives in its own file and gets its arguments and
 * an output sink, so tests can run commands in-process and read what they print.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Reads standard input completely (for the conformance plugin). */
  readStdin(): Promise<string>;
}

export interface Command {
  name: string;
  /** One line for `ebpf --help`. */
  summary: string;
  /** Full usage text for `ebpf NAME --help`. */
  usage: string;
  /** Returns the exit code: 0 success, 1 a program was rejected or failed, 2 bad input or usage. */
  run(args: string[], io: CliIo): Promise<number>;
}
