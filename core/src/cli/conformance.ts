/**
 * `ebpf conformance-plugin [MEM_HEX]`: the plugin protocol of the public bpf_conformance suite. The
 * program arrives on stdin as hex bytes, the memory as the first argument; the program runs in the
 * raw-memory mode (r1 = memory, r2 = its length) and r0 is printed in hex. Any problem (bad hex, an
 * undecodable instruction that executes, a fault) goes to stderr with exit code 1.
 */
import type { Command } from './command';
import { decodeProgram } from '../isa/codec';
import { Vm } from '../vm/vm';

function hexBytes(text: string): Uint8Array | undefined {
  const hex = text.replace(/0x/gi, '').replace(/[\s,]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) return undefined;
  const b = new Uint8Array(hex.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return b;
}

export const conformanceCommand: Command = {
  name: 'conformance-plugin',
  summary: 'bpf_conformance plugin: program hex on stdin',
  usage: 'usage: ebpf conformance-plugin [MEM_HEX]\nReads the program as hex bytes on stdin, runs it with r1 = memory and r2 = its length, prints r0 in hex.',
  async run(args, io) {
    const memArg = args.filter((a) => !a.startsWith('--')).join(' ');
    const mem = hexBytes(memArg);
    if (mem === undefined) { io.err('conformance-plugin: the memory argument is not hex bytes\n'); return 1; }
    const prog = hexBytes(await io.readStdin());
    if (prog === undefined) { io.err('conformance-plugin: the program on stdin is not hex bytes\n'); return 1; }
    if (prog.length === 0 || prog.length % 8 !== 0) { io.err(`conformance-plugin: the program is ${prog.length} bytes, not a whole number of 8-byte instructions\n`); return 1; }
    const decoded = decodeProgram(prog);
    const bad = new Map(decoded.diagnostics.map((d) => [d.slot, d.message]));
    const vm = Vm.load({ insns: decoded.insns, bad }, { data: mem });
    if ('error' in vm) { io.err(`conformance-plugin: ${vm.error}\n`); return 1; }
    const r = vm.run('fast');
    if (r.fault) { io.err(`conformance-plugin: ${r.fault.message}\n`); return 1; }
    io.out(r.retval.slice(2) + '\n');
    return 0;
  },
};
