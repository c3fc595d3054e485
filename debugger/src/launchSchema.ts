/**
 * The `contributes.debuggers` entry of package.json, declared once here: the debugger type, the
 * launch arguments with their JSON schema (the names of the CLI contract plus context overrides and
 * initial map contents), the initial configuration and the snippets. test/debugger/schema.test.ts
 * keeps package.json equal to this object (and rewrites it with UPDATE_PACKAGE_JSON=1).
 */

const launchProperties = {
  program: {
    type: 'string',
    description: 'Path of the program to debug: an assembly file (.s, .bpf) or an ELF object (.o).',
    default: '${file}',
  },
  section: {
    type: 'string',
    description: 'Section (or entry function name) of the program to debug, when the file holds several. Default: the first program.',
  },
  programType: {
    type: 'string',
    description: 'Program type in lower case without BPF_PROG_TYPE_ (xdp, socket_filter, sched_cls, ...). Default: derived from the section name by libbpf rules.',
  },
  data: {
    type: 'string',
    description: 'Input packet as hex bytes (the data_in of BPF_PROG_TEST_RUN), e.g. "ffffffffffff0000000000000800...".',
    pattern: '^(0x)?[0-9a-fA-F\\s]*$',
  },
  dataFile: {
    type: 'string',
    description: 'File holding the input packet: raw bytes, or a .pcap capture (see packetIndex).',
  },
  packetIndex: {
    type: 'integer',
    minimum: 0,
    default: 0,
    description: 'Which packet of a .pcap dataFile to feed to the program (0-based).',
  },
  stopOnEntry: {
    type: 'boolean',
    default: false,
    description: 'Stop at the first instruction.',
  },
  maxInstructions: {
    type: 'integer',
    minimum: 1,
    default: 1000000,
    description: 'Stop the run with an error after this many instructions (endless loops).',
  },
  ctx: {
    type: 'object',
    description: 'Context field overrides by name, e.g. { "mark": 7, "ingress_ifindex": 2 } (__sk_buff or xdp_md fields).',
    additionalProperties: { type: ['number', 'array'] },
  },
  maps: {
    type: 'object',
    description: 'Initial map contents: { "MAP": { "KEY": VALUE } }, keys and values as numbers (stored little-endian) or hex byte strings; a prog_array value may name a program of the file.',
    additionalProperties: { type: ['object', 'array'] },
  },
};

export const debuggerContribution = {
  type: 'ebpf',
  label: 'eBPF (interpreter)',
  languages: ['ebpf'],
  configurationAttributes: {
    launch: {
      required: ['program'],
      properties: launchProperties,
    },
  },
  initialConfigurations: [
    {
      type: 'ebpf',
      request: 'launch',
      name: 'Debug eBPF program',
      program: '${file}',
      stopOnEntry: true,
    },
  ],
  configurationSnippets: [
    {
      label: 'eBPF: Debug a program with a packet',
      description: 'Run an eBPF program in the interpreter with packet bytes given in hex.',
      body: {
        type: 'ebpf',
        request: 'launch',
        name: 'Debug eBPF program',
        program: '^"\\${file}"',
        data: '',
        stopOnEntry: true,
      },
    },
    {
      label: 'eBPF: Debug a program with a packet from a capture',
      description: 'Feed one packet of a .pcap capture to an eBPF program.',
      body: {
        type: 'ebpf',
        request: 'launch',
        name: 'Debug eBPF program (pcap)',
        program: '^"\\${file}"',
        dataFile: '^"\\${workspaceFolder}/capture.pcap"',
        packetIndex: 0,
      },
    },
  ],
};
