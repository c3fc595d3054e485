/** `ebpf conformance-plugin`: bpf_conformance plugin: program hex on stdin (being built; see the open issues). */
import type { Command } from './command';

export const conformanceCommand: Command = {
  name: 'conformance-plugin',
  summary: 'bpf_conformance plugin: program hex on stdin',
  usage: 'usage: ebpf conformance-plugin [MEM_HEX]',
  async run(_args, io) {
    io.err('ebpf conformance-plugin: not available yet\n');
    return 2;
  },
};
