# Sums the first 16 bytes of each packet with bpf_loop (helper 181) and drops packets whose sum is
# zero (an all-zero header is junk). The loop body is the static function sum_byte in .text; the
# program passes its address to bpf_loop, together with a pointer to a small struct on its stack:
#     struct loop_ctx { void *data; void *data_end; __u64 sum; };   /* at r10 - 24 */
# Try it:  ebpf verify examples/bpf_loop.s
#          ebpf run examples/bpf_loop.s --data 0102030405060708090a0b0c0d0e0f1011121314
#
# The kernel accepts a program that takes a function's address (`r2 = sum_byte ll`) only when the
# object describes its functions in BTF: `.BTF` holds the types, `.BTF.ext` says which instruction
# starts which function (func_info). clang writes both with -g; here they are written by hand, at
# the end of the file, with the least the kernel asks for.

	.text
# static long sum_byte(__u64 index, struct loop_ctx *c): adds byte `index` of the packet to c->sum.
# Returning 1 stops the loop, 0 goes on with the next index.
	.type	sum_byte,@function
sum_byte:
	r0 = 1
	if r1 > 15 goto .Lstop          # bounds the index, so that the verifier can follow data + index
	r3 = *(u64 *)(r2 + 0)           # c->data
	r4 = *(u64 *)(r2 + 8)           # c->data_end
	r3 += r1                        # p = data + index
	r5 = r3
	r5 += 1
	if r5 > r4 goto .Lstop          # the packet is shorter than index + 1 bytes
	r3 = *(u8 *)(r3 + 0)
	r5 = *(u64 *)(r2 + 16)
	r5 += r3
	*(u64 *)(r2 + 16) = r5          # c->sum += *p
	r0 = 0
.Lstop:
	exit
.Lsum_byte_end:
	.size	sum_byte, .Lsum_byte_end-sum_byte

	.section	xdp,"ax",@progbits
	.globl	xdp_sum
	.type	xdp_sum,@function
xdp_sum:
	r2 = *(u32 *)(r1 + 0)           # ctx->data
	r3 = *(u32 *)(r1 + 4)           # ctx->data_end
	*(u64 *)(r10 - 24) = r2         # c.data
	*(u64 *)(r10 - 16) = r3         # c.data_end
	r2 = 0
	*(u64 *)(r10 - 8) = r2          # c.sum = 0
	r1 = 16                         # nr_loops
	r2 = sum_byte ll                # callback_fn: a function's address (BPF_PSEUDO_FUNC)
	r3 = r10
	r3 += -24                       # callback_ctx = &c
	r4 = 0                          # flags
	call 181                        # bpf_loop(16, sum_byte, &c, 0)
	r1 = *(u64 *)(r10 - 8)
	r0 = 1                          # XDP_DROP
	if r1 == 0 goto .Ldone
	r0 = 2                          # XDP_PASS
.Ldone:
	exit
.Lxdp_sum_end:
	.size	xdp_sum, .Lxdp_sum_end-xdp_sum

	.section	license,"aw",@progbits
	.globl	_license
_license:
	.asciz	"GPL"
	.size	_license, 4

# .BTF: a header, the type records, then the string table. A type record is three words (the offset
# of its name in the string table, info = kind << 24 | vlen, and a size or a type id) followed by
# data that depends on the kind. Type ids count records from 1; id 0 is void. Lengths and string
# offsets are label differences, so the assembler computes them.
	.section	.BTF,"",@progbits
	.short	0xeb9f                      # magic
	.byte	1                           # version
	.byte	0                           # flags
	.long	24                          # header length
	.long	0                           # type section: offset after the header
	.long	.Ltypes_end-.Ltypes         # type section: length
	.long	.Ltypes_end-.Ltypes         # string section: offset (right after the types)
	.long	.Lstrings_end-.Lstrings     # string section: length
.Ltypes:
	.long	.Ls_int-.Lstrings           # [1] INT 'int'
	.long	1 << 24                     #     kind INT
	.long	4                           #     4 bytes
	.long	(1 << 24) | 32              #     signed, 32 bits
	.long	.Ls_xdp_md-.Lstrings        # [2] FWD 'xdp_md': struct xdp_md, declared only
	.long	7 << 24                     #     kind FWD, a struct (kind flag 0)
	.long	0
	.long	0                           # [3] PTR to [2]: struct xdp_md *
	.long	2 << 24                     #     kind PTR
	.long	2
	.long	0                           # [4] FUNC_PROTO int (struct xdp_md *ctx)
	.long	(13 << 24) | 1              #     kind FUNC_PROTO, 1 parameter
	.long	1                           #     returns [1] int
	.long	.Ls_ctx-.Lstrings           #     parameter 'ctx'
	.long	3                           #     of type [3]
	.long	.Ls_xdp_sum-.Lstrings       # [5] FUNC 'xdp_sum': the program
	.long	(12 << 24) | 1              #     kind FUNC, linkage global (1)
	.long	4                           #     prototype [4]
	.long	.Ls_long-.Lstrings          # [6] INT 'long'
	.long	1 << 24
	.long	8
	.long	(1 << 24) | 64              #     signed, 64 bits
	.long	.Ls_u64-.Lstrings           # [7] INT 'unsigned long long'
	.long	1 << 24
	.long	8
	.long	64                          #     unsigned, 64 bits
	.long	0                           # [8] PTR to void: void *
	.long	2 << 24
	.long	0
	.long	0                           # [9] FUNC_PROTO long (unsigned long long index, void *ctx)
	.long	(13 << 24) | 2              #     kind FUNC_PROTO, 2 parameters
	.long	6                           #     returns [6] long
	.long	.Ls_index-.Lstrings
	.long	7
	.long	.Ls_ctx-.Lstrings
	.long	8
	.long	.Ls_sum_byte-.Lstrings      # [10] FUNC 'sum_byte': the callback
	.long	12 << 24                    #     kind FUNC, linkage static (0)
	.long	9                           #     prototype [9]
.Ltypes_end:
.Lstrings:
	.byte	0                           # offset 0 is the empty name
.Ls_int:
	.asciz	"int"
.Ls_xdp_md:
	.asciz	"xdp_md"
.Ls_ctx:
	.asciz	"ctx"
.Ls_xdp_sum:
	.asciz	"xdp_sum"
.Ls_long:
	.asciz	"long"
.Ls_u64:
	.asciz	"unsigned long long"
.Ls_index:
	.asciz	"index"
.Ls_sum_byte:
	.asciz	"sum_byte"
.Ls_xdp:
	.asciz	"xdp"                       # section names, for .BTF.ext
.Ls_text:
	.asciz	".text"
.Lstrings_end:

# .BTF.ext: a header, then func_info: the record size, then per ELF section its name (an offset in
# the .BTF strings), a record count and the records. A record is the byte offset of a function's
# first instruction inside its section and the id of its FUNC type. The offset is written as
# `.long FUNCTION`: the assembler stores the function's offset in the section (0 for both here) and
# adds a relocation, which libbpf ignores.
	.section	.BTF.ext,"",@progbits
	.short	0xeb9f                      # magic
	.byte	1                           # version
	.byte	0                           # flags
	.long	32                          # header length
	.long	0                           # func_info: offset after the header
	.long	.Lfunc_info_end-.Lfunc_info # func_info: length
	.long	0                           # line_info: offset (none)
	.long	0                           # line_info: length
	.long	0                           # CO-RE relocations: offset (none)
	.long	0                           # CO-RE relocations: length
.Lfunc_info:
	.long	8                           # bytes per record
	.long	.Ls_xdp-.Lstrings           # section xdp
	.long	1                           #   1 record
	.long	xdp_sum                     #   offset of xdp_sum in xdp
	.long	5                           #   FUNC [5] xdp_sum
	.long	.Ls_text-.Lstrings          # section .text
	.long	1                           #   1 record
	.long	sum_byte                    #   offset of sum_byte in .text
	.long	10                          #   FUNC [10] sum_byte
.Lfunc_info_end:
