# A tc (sched_cls) classifier that drops ICMP over IPv4 and lets everything else through.

	.section	tc,"ax",@progbits
	.globl	drop_icmp
	.type	drop_icmp,@function
drop_icmp:
	r2 = *(u32 *)(r1 + 76)          # __sk_buff.data
	r3 = *(u32 *)(r1 + 80)          # __sk_buff.data_end
	r0 = 0                          # TC_ACT_OK
	r4 = r2
	r4 += 34                        # Ethernet (14) + minimal IPv4 header (20)
	if r4 > r3 goto out
	r5 = *(u16 *)(r2 + 12)          # EtherType, network byte order
	if r5 != 0x8 goto out           # not IPv4
	r5 = *(u8 *)(r2 + 23)           # IPv4 protocol
	if r5 != 1 goto out             # not ICMP
	r0 = 2                          # TC_ACT_SHOT
out:
	exit
.Ldrop_icmp_end:
	.size	drop_icmp, .Ldrop_icmp_end-drop_icmp

	.section	license,"aw",@progbits
	.globl	_license
_license:
	.asciz	"GPL"
	.size	_license, 4
