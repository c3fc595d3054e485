# A minimal socket filter: keep IPv4 packets whole, drop everything else.
# Try it:  ebpf verify examples/socket_filter.s
#          ebpf run examples/socket_filter.s --data 000000000000000000000000080045000014000000004006000000000000000000000000

	.section	socket,"ax",@progbits
	.globl	ipv4_only
	.type	ipv4_only,@function
ipv4_only:
	r2 = *(u32 *)(r1 + 16)          # __sk_buff.protocol, in network byte order
	r0 = 0                          # drop
	if r2 != 0x8 goto out           # htons(ETH_P_IP) read on a little-endian machine
	r0 = -1                         # keep the whole packet
out:
	exit
.Lipv4_only_end:
	.size	ipv4_only, .Lipv4_only_end-ipv4_only

	.section	license,"aw",@progbits
	.globl	_license
_license:
	.asciz	"GPL"
	.size	_license, 4
