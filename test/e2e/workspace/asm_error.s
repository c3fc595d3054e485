# An instruction the assembler does not know: the language server reports it on line 7.
	.section	xdp,"ax",@progbits
	.globl	prog
prog:
	r0 = 2
	r1 = 0
	frobnicate r1
	exit
