# Counts every packet in an array map and lets it pass.
# The map is declared by the annotation below; `r1 = pkt_count ll` refers to it.
# @map pkt_count type=array key_size=4 value_size=8 max_entries=1

	.section	xdp,"ax",@progbits
	.globl	xdp_count
	.type	xdp_count,@function
xdp_count:
	r1 = 0
	*(u32 *)(r10 - 4) = r1          # key = 0
	r2 = r10
	r2 += -4                        # r2 = &key
	r1 = pkt_count ll
	call 1                          # bpf_map_lookup_elem(&pkt_count, &key)
	if r0 == 0 goto pass            # the verifier insists on this NULL check
	r1 = 1
	lock *(u64 *)(r0 + 0) += r1     # atomically count the packet
pass:
	r0 = 2                          # XDP_PASS
	exit
.Lxdp_count_end:
	.size	xdp_count, .Lxdp_count_end-xdp_count

	.section	license,"aw",@progbits
	.globl	_license
_license:
	.asciz	"GPL"
	.size	_license, 4
