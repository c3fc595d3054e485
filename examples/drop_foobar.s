# Drops every packet whose first 256 bytes contain "foobar"; passes the rest.
# A bounded loop walks the packet; each read is preceded by a bounds check against data_end,
# which is what the verifier needs to accept the packet access. (With a bound of 1500 the kernel
# gives up: "The sequence of 8193 jumps is too complex.")

	.section	xdp,"ax",@progbits
	.globl	drop_foobar
	.type	drop_foobar,@function
drop_foobar:
	r2 = *(u32 *)(r1 + 0)           # xdp_md.data
	r3 = *(u32 *)(r1 + 4)           # xdp_md.data_end
	r4 = 0                          # offset of the candidate match
next_offset:
	r5 = r2
	r5 += r4                        # r5 = data + offset
	r6 = r5
	r6 += 6
	if r6 > r3 goto pass            # fewer than 6 bytes left: no match possible
	r7 = *(u8 *)(r5 + 0)
	if r7 != 0x66 goto advance      # 'f'
	r7 = *(u8 *)(r5 + 1)
	if r7 != 0x6f goto advance      # 'o'
	r7 = *(u8 *)(r5 + 2)
	if r7 != 0x6f goto advance      # 'o'
	r7 = *(u8 *)(r5 + 3)
	if r7 != 0x62 goto advance      # 'b'
	r7 = *(u8 *)(r5 + 4)
	if r7 != 0x61 goto advance      # 'a'
	r7 = *(u8 *)(r5 + 5)
	if r7 != 0x72 goto advance      # 'r'
	r0 = 1                          # XDP_DROP
	exit
advance:
	r4 += 1
	if r4 < 256 goto next_offset    # a small bound keeps the verifier's walk short
pass:
	r0 = 2                          # XDP_PASS
	exit
.Ldrop_foobar_end:
	.size	drop_foobar, .Ldrop_foobar_end-drop_foobar

	.section	license,"aw",@progbits
	.globl	_license
_license:
	.asciz	"GPL"
	.size	_license, 4
