/**
 * Entry point of the `ebpf` command-line tool (bundled to dist/ebpf.js). It only dispatches to the
 * subcommands in this folder; the contract they keep is in the README's CLI reference.
 */
import type { CliIo, Command } from './command';
import { commands } from './commands';

const io: CliIo = {
  out: (t) => { process.stdout.write(t); },
  err: (t) => { process.stderr.write(t); },
  readStdin: () =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      process.stdin.on('data', (c: Buffer) => chunks.push(c));
      process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      process.stdin.on('error', reject);
    }),
};

export function helpText(list: readonly Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    'usage: ebpf COMMAND [ARGS...]',
    '',
    'Commands:',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `ebpf COMMAND --help` for the options of a command.',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], sink: CliIo = io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    sink.out(helpText(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    sink.out('ebpf 0.1.0\n');
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    sink.err(`ebpf: unknown command '${name}'\n${helpText(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    sink.out(cmd.usage.endsWith('\n') ? cmd.usage : `${cmd.usage}\n`);
    return 0;
  }
  try {
    return await cmd.run(rest, sink);
  } catch (e) {
    // A command should report bad input itself; this is the last guard so a bug never prints a bare stack.
    sink.err(`ebpf ${name}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

if (require.main === module) {
  // A reader that stops early (`ebpf disasm x.o | head`) closes the pipe; that ends the output, it is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  runCli(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => { process.stderr.write(`ebpf: ${String(e)}\n`); process.exitCode = 2; },
  );
}
