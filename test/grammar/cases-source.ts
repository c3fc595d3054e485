// Token-by-token expectations for everything in a source file that is not an instruction: labels
// (function-like and LLVM's local `.L*` / `LBB*` ones), GNU-as directives with their strings and
// `@` types, the three comment forms, and the `# @map` / `# @prog` annotations that stay inside
// their comment scope.

import { on, ScopeCase } from './textmate';
import { S } from './scopes';

const attr = 'entity.other.attribute-name.ebpf';
const kv = 'punctuation.separator.key-value.ebpf';

export const sourceCases: ScopeCase[] = [
  // labels
  ...on('func:', ['func', S.fn], [':', S.labelColon]),
  ...on('LBB0_2:', ['LBB0_2', S.label], [':', S.labelColon]),
  ...on('.Ltmp1:', ['.Ltmp1', S.label]),
  ...on('.Lprog$local:', ['.Lprog$local', S.label]),
  ...on('1:', ['1', S.label]),
  ...on('func:                                   # @func', ['func', S.fn], ['#', S.hash], [' @func', S.hash]),
  ...on('loop: r0 += 1', ['loop', S.fn], ['r0', S.r64], ['+=', S.compound]),
  ...on('done: exit', ['done', S.fn], ['exit', S.kExit]),
  // directives
  ...on('\t.text', ['.text', [S.directive, S.metaDirective]]),
  ...on(
    '\t.section\txdp,"ax",@progbits',
    ['.section', S.directive],
    ['xdp', S.section],
    [',', S.comma],
    ['"', S.str],
    ['ax', S.str],
    ['@', S.sectionType],
    ['progbits', S.sectionType],
  ),
  ...on('\t.section\t"license","aw",@progbits', ['license', [S.section, S.str]]),
  ...on('\t.section\t.maps,"aw",@progbits', ['.maps', S.section]),
  ...on('\t.globl\tfunc', ['.globl', S.directive], ['func', S.symbol]),
  ...on('\t.global f', ['.global', S.directive], ['f', S.symbol]),
  ...on('\t.type\tf,@function', ['.type', S.directive], ['f', S.symbol], ['function', S.symbolType]),
  ...on('\t.type\tmymap,@object', ['object', S.symbolType]),
  ...on('\t.size\tf, .-f', ['.size', S.directive], ['f', S.symbol], ['.', S.here], ['-', S.arith], ['f', S.symbol]),
  ...on('\t.size\tfunc, .Lfunc_end0-func', ['.Lfunc_end0', S.symbol], ['-', S.arith], ['func', S.symbol]),
  ...on('\t.p2align\t3, 0x0', ['.p2align', S.directive], ['3', S.dec], ['0x0', S.hex]),
  ...on('\t.byte\t1, 0x2, -3', ['.byte', S.directive], ['1', S.dec], ['0x2', S.hex], ['-3', S.dec]),
  ...on('\t.short 2', ['.short', S.directive]),
  ...on('\t.long\t.Linfo_string0', ['.long', S.directive], ['.Linfo_string0', S.symbol]),
  ...on('\t.quad 4', ['.quad', S.directive]),
  ...on('\t.ascii "abc"', ['.ascii', S.directive], ['abc', S.str]),
  ...on('\t.asciz "a\\"b\\n"', ['.asciz', S.directive], ['\\"', S.escape], ['\\n', S.escape], ['a', S.str]),
  ...on('\t.zero 8', ['.zero', S.directive], ['8', S.dec]),
  ...on('\t.file\t0 "/tmp" "prog.c"', ['.file', S.directive], ['0', S.dec], ['/tmp', S.str], ['prog.c', S.str]),
  ...on('\t.addrsig', ['.addrsig', S.directive]),
  ...on('\t.addrsig_sym mymap', ['.addrsig_sym', S.directive], ['mymap', S.symbol]),
  ...on('\t.cfi_startproc', ['.cfi_startproc', S.directive]),
  ...on('\t.globl\tfunc   # -- Begin function func', ['func', S.symbol], ['#', S.hash]),
  ...on('foo: .byte 1', ['foo', S.fn], ['.byte', S.directive]),
  ...on('\t.section .rodata ; r0 = 1', ['.rodata', S.section], [';', S.separator], ['r0', S.r64]),
  // comments
  ...on('r0 = 1 # hash comment', ['r0', S.r64], ['#', [S.hash, 'punctuation.definition.comment.ebpf']], [' hash comment', S.hash]),
  ...on('r0 = 2 // slash comment', ['//', S.slashes], [' slash comment', S.slashes]),
  ...on('r0 = 3 /* block */ r1 = 4', ['/*', S.block], [' block ', S.block], ['*/', S.block], ['r1', S.r64]),
  ...on('# r0 = 1 is not code here', [' r0 = 1 is not code here', S.hash]),
  // annotations
  ...on(
    '# @map NAME type=hash key_size=4 value_size=8 max_entries=1024 flags=BPF_F_RDONLY_PROG|BPF_F_NO_PREALLOC inner=MAP',
    ['@map', ['keyword.other.annotation.map.ebpf', S.hash]],
    ['NAME', ['entity.name.variable.map.ebpf', 'meta.annotation.map.ebpf']],
    ['type', attr],
    ['=', kv],
    ['hash', 'support.constant.map-type.ebpf'],
    ['key_size', attr],
    ['4', 'constant.numeric.ebpf'],
    ['max_entries', attr],
    ['1024', ['constant.numeric.ebpf', S.hash]],
    ['flags', attr],
    ['BPF_F_RDONLY_PROG', 'support.constant.flag.ebpf'],
    ['|', S.bitwise],
    ['BPF_F_NO_PREALLOC', ['support.constant.flag.ebpf', S.hash]],
    ['inner', attr],
    ['MAP', 'entity.name.variable.map.ebpf'],
  ),
  ...on('# @prog xdp', ['@prog', 'keyword.other.annotation.prog.ebpf'], ['xdp', ['support.type.program.ebpf', S.hash]]),
  ...on('#@prog kprobe/do_sys_open', ['@prog', 'keyword.other.annotation.prog.ebpf'], ['kprobe/do_sys_open', 'support.type.program.ebpf']),
  // LLVM's "# @name" after a label is a plain comment, not an annotation
  ...on('prog:   # @prog', [' @prog', S.hash]),
];
