// Token-by-token expectations for listings pasted into an eBPF file: `llvm-objdump -d -r` output
// (file and section headers, symbol lines, instruction lines with and without raw bytes and leading
// addresses, jump-target annotations, relocations, `-S`/`-l` source lines), `bpftool prog dump
// xlated` lines, and the kernel verifier log's register-state notes.

import { on, ScopeCase } from './textmate';
import { S } from './scopes';

export const listingCases: ScopeCase[] = [
  // llvm-objdump
  ...on(
    'all.o:\tfile format elf64-bpf',
    ['all.o', 'string.unquoted.filename.ebpf'],
    ['file format', S.listingKeyword],
    ['elf64-bpf', 'support.constant.file-format.ebpf'],
  ),
  ...on('Disassembly of section xdp:', ['Disassembly of section', S.listingKeyword], ['xdp', S.section]),
  ...on('0000000000000000 <func>:', ['0000000000000000', S.address], ['func', S.fn], [':', S.labelColon]),
  ...on('0000000000000060 <LBB0_2>:', ['LBB0_2', S.label]),
  ...on('<L0>:', ['L0', S.label]),
  ...on('<func>:', ['func', S.fn]),
  ...on(
    '      12:\tb7 00 00 00 02 00 00 00\tr0 = 0x2',
    ['12', [S.address, S.objdump]],
    [':', 'punctuation.separator.colon.ebpf'],
    ['b7 00 00 00 02 00 00 00', S.rawBytes],
    ['r0', [S.r64, S.objdump]],
    ['=', S.assign],
    ['0x2', S.hex],
  ),
  ...on(
    '      41:\t18 01 00 00 89 67 45 23 00 00 00 00 01 00 00 00\tr1 = 0x123456789 ll',
    ['18 01 00 00 89 67 45 23 00 00 00 00 01 00 00 00', S.rawBytes],
    ['ll', S.ll],
  ),
  ...on(
    '      45:\t2d 21 03 00 00 00 00 00\tif r1 > r2 goto +0x3 <func+0x188>',
    ['>', S.cmp],
    ['+0x3', S.hex],
    ['<', 'punctuation.definition.symbol.begin.ebpf'],
    ['func', S.fn],
    ['+', S.arith],
    ['0x188', S.hex],
    ['>', 'punctuation.definition.symbol.end.ebpf'],
  ),
  ...on('      46:\tc6 01 15 00 05 00 00 00\tif w1 s< 0x5 goto +0x15 <LBB0_1>', ['s<', S.signedCmp], ['LBB0_1', S.label]),
  ...on('       6:\tif r0 == 0x0 goto +0x2 <LBB0_2>', ['6', S.address], ['if', S.kIf], ['LBB0_2', S.label]),
  ...on('\tb7 00 00 00 01 00 00 00\tr0 = 0x1', ['b7 00 00 00 01 00 00 00', S.rawBytes], ['r0', S.r64]),
  ...on('      55:\t85 10 00 00 ff ff ff ff\tcall -0x1', ['call', S.kCall], ['-0x1', S.hex]),
  ...on('       4:\t97 00 01 00 03 00 00 00\t<unknown>', ['<unknown>', 'invalid.illegal.unknown-instruction.ebpf']),
  ...on(
    '\t\t0000000000000020:  R_BPF_64_32\tbpf_map_lookup_elem',
    ['0000000000000020', S.address],
    ['R_BPF_64_32', S.relocation],
    ['bpf_map_lookup_elem', [S.helper, 'meta.listing.relocation.ebpf']],
  ),
  ...on('\t\t0000000000000158:  R_BPF_64_64\tmymap', ['R_BPF_64_64', S.relocation], ['mymap', S.symbol]),
  ...on('; int x = 3;', [';', S.semi], [' int x = 3;', S.semi]),
  ...on('; /tmp/prog.c:5', [' /tmp/prog.c:5', S.semi]),
  ...on('\t\t...', ['...', 'comment.other.skipped.ebpf']),
  // bpftool prog dump xlated
  ...on(
    'int xdp_prog(struct xdp_md * ctx):',
    ['xdp_prog', S.fn],
    ['struct xdp_md * ctx', 'meta.function.parameters.ebpf'],
  ),
  ...on(
    '   0: (b7) r0 = 2',
    ['0', [S.address, S.bpftool]],
    ['(', 'punctuation.definition.opcode.begin.ebpf'],
    ['b7', S.opcode],
    ['r0', [S.r64, S.bpftool]],
    ['2', S.dec],
  ),
  ...on('   1: (61) r2 = *(u32 *)(r1 +4)', ['61', S.opcode], ['u32', S.size], ['+4', S.dec]),
  ...on('   2: (7b) *(u64 *)(r10 -8) = r1', ['r10', S.r10], ['-8', S.dec]),
  ...on(
    '   3: (18) r1 = map[id:12]',
    ['map', S.mapRef],
    ['[', S.bracketOpen],
    ['id', 'entity.other.attribute-name.ebpf'],
    ['12', S.dec],
  ),
  ...on(
    '   5: (85) call bpf_map_lookup_elem#1',
    ['call', S.kCall],
    ['bpf_map_lookup_elem', S.helper],
    ['#', 'punctuation.separator.helper-id.ebpf'],
    ['1', S.dec],
  ),
  ...on('  11: (85) call __htab_map_lookup_elem#123456', ['__htab_map_lookup_elem', S.fn], ['123456', S.dec]),
  ...on('   6: (15) if r0 == 0x0 goto pc+2', ['goto', S.kJump], ['pc', S.pc], ['+', S.arith], ['2', S.dec]),
  ...on('   7: (85) call pc+5', ['call', S.kCall], ['pc', S.pc]),
  ...on('   8: (05) goto pc-3', ['pc', S.pc], ['3', S.dec]),
  ...on('   9: (db) r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)', ['atomic64_fetch_add', S.atomicFn]),
  ...on('       b7 00 00 00 02 00 00 00', ['b7 00 00 00 02 00 00 00', S.rawBytes]),
  // verifier log
  ...on(
    '0: (b7) r0 = 2                        ; R0_w=2',
    ['r0', S.r64],
    [';', S.semi],
    ['R0', [S.r64, S.semi]],
    ['_w', S.liveness],
    ['=', S.assign],
  ),
  ...on('0: R1=ctx() R10=fp0', ['0', S.address], ['R1', S.r64], ['ctx', 'support.type.verifier.ebpf'], ['R10', S.r64]),
  ...on('5: R0=scalar(smin=0,smax=255)', ['smin', 'entity.other.attribute-name.ebpf'], ['255', 'constant.numeric.ebpf']),
  ...on('from 4 to 6: R0=scalar() R10=fp0 fp-8_w=mmmmmmmm', ['from', S.listingKeyword], ['4', S.address], ['fp-8', S.stackSlot]),
  ...on('processed 2 insns (limit 1000000) max_states_per_insn 0', ['processed', S.listingKeyword], ['2', S.dec], ['insns', S.listingKeyword]),
];
