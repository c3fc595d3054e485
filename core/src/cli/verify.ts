/** `ebpf verify`: check programs with the embedded verifier (being built; see the open issues). */
import type { Command } from './command';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check programs with the embedded verifier',
  usage: 'usage: ebpf verify FILE [--json] [--prog-type T] [--log-level N]',
  async run(_args, io) {
    io.err('ebpf verify: not available yet\n');
    return 2;
  },
};
