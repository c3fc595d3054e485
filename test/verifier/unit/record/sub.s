#name subprog_ok
r1 = 1
callpc 1
exit
r0 = r1
exit
----
#name subprog_r0_uninit
callpc 1
exit
exit
----
#name subprog_ret_fp
callpc 2
r0 = 0
exit
r0 = r10
exit
----
#name recursion
callpc 1
exit
callpc -1
r0 = 0
exit
----
#name combined_stack
r1 = 0
*(u64 *)(r10 - 256) = r1
callpc 2
r0 = 0
exit
r1 = 0
*(u64 *)(r10 - 288) = r1
r0 = 0
exit
----
#name subprog_args_clobbered
r1 = 1
r6 = 2
callpc 2
r0 = r1
exit
r0 = 0
exit
----
#name subprog_jump_out
callpc 3
r0 = 0
if r0 == 0 goto +1
exit
r0 = 0
exit
----
#name subprog_stack_ptr_arg
r1 = r10
r1 += -8
r2 = 5
*(u64 *)(r10 - 8) = r2
callpc 2
r0 = 0
exit
r0 = *(u64 *)(r1 + 0)
exit
----
#name subprog_unreachable_fn
r0 = 0
exit
r0 = 1
exit
----
#name subprog_loop_call
r6 = 0
r1 = r6
callpc 4
r6 += 1
if r6 < 5 goto -4
r0 = 0
exit
r0 = r1
exit
----
#name subprog_ld_abs_called
## prog socket_filter
r6 = r1
callpc 2
r0 = 0
exit
r0 = *(u8 *)skb[12]
exit
