# @map counts type=hash key_size=4 value_size=8 max_entries=16
# A map lookup may return NULL; this program reads the value without checking,
# so the verifier rejects the load on line 13: R0 invalid mem access 'map_value_or_null'.
	.section	xdp,"ax",@progbits
	.globl	prog
prog:
	r1 = 0
	*(u32 *)(r10 - 4) = r1
	r2 = r10
	r2 += -4
	r1 = counts ll
	call 1
	r0 = *(u64 *)(r0 + 0)
	r0 = 2
	exit
