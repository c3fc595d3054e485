# SYNTAX TEST "source.ebpf" "LLVM BPF assembly: registers, memory operands, jumps, calls, annotations, mnemonics"
    r0 = *(u32 *)(r1 + 4)
#   ^^ variable.other.register.r64.ebpf
#      ^ keyword.operator.assignment.ebpf
#        ^ keyword.operator.dereference.ebpf
#          ^^^ meta.cast.ebpf storage.type.ebpf
#                 ^^ variable.other.register.r64.ebpf
#                      ^ constant.numeric.decimal.ebpf
    if w1 s< -5 goto LBB0_2
#   ^^ keyword.control.conditional.ebpf
#      ^^ variable.other.register.w32.ebpf
#         ^^ keyword.operator.comparison.signed.ebpf
#            ^^ constant.numeric.decimal.ebpf
#               ^^^^ keyword.control.jump.ebpf
#                    ^^^^^^ entity.name.label.ebpf
    call bpf_map_lookup_elem
#   ^^^^ keyword.control.call.ebpf
#        ^^^^^^^^^^^^^^^^^^^ support.function.helper.ebpf
    lock *(u64 *)(r0 + 0) += r1
#   ^^^^ keyword.other.lock.ebpf
#                         ^^ keyword.operator.assignment.compound.ebpf
    r1 = pkt_count ll
    exit
#   ^^^^ keyword.control.exit.ebpf
LBB0_2:
# <------ entity.name.label.ebpf
    .section xdp,"ax",@progbits
#   ^^^^^^^^ meta.directive.ebpf keyword.directive.ebpf
#            ^^^ entity.name.section.ebpf
#                ^^ string.quoted.double.ebpf
# @map counts type=hash key_size=4
# ^^^^ comment.line.number-sign.ebpf keyword.other.annotation.map.ebpf
#      ^^^^^^ entity.name.variable.map.ebpf
#             ^^^^ entity.other.attribute-name.ebpf
#                  ^^^^ support.constant.map-type.ebpf
    ldxw r0, [r1+4]
#   ^^^^ keyword.other.mnemonic.memory.ebpf
#        ^^ variable.other.register.r64.ebpf
