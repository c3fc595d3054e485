#name null_deref_hash
## map hash 4 8 16
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = MAP0
call 1
r0 = *(u64 *)(r0 + 0)
exit
----
#name null_checked_ok
## map hash 4 8 16
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = MAP0
call 1
if r0 == 0 goto +2
r1 = *(u64 *)(r0 + 0)
*(u64 *)(r0 + 0) = r1
r0 = 0
exit
----
#name map_value_oob
## map hash 4 8 16
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = MAP0
call 1
if r0 == 0 goto +1
r1 = *(u32 *)(r0 + 8)
r0 = 0
exit
----
#name map_value_var_unbounded
## map array 4 64 4
r6 = r1
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = MAP0
call 1
if r0 == 0 goto +4
r1 = *(u32 *)(r6 + 0)
r0 += r1
r1 = *(u8 *)(r0 + 0)
r0 = 0
exit
----
#name map_value_var_bounded
## map array 4 64 4
r6 = r1
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = MAP0
call 1
if r0 == 0 goto +5
r1 = *(u32 *)(r6 + 0)
r1 &= 63
r0 += r1
r1 = *(u8 *)(r0 + 0)
r0 = 0
exit
----
#name map_value_var_max_out
## map array 4 64 4
r6 = r1
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = MAP0
call 1
if r0 == 0 goto +5
r1 = *(u32 *)(r6 + 0)
r1 &= 127
r0 += r1
r1 = *(u8 *)(r0 + 0)
r0 = 0
exit
----
#name map_value_neg_min
## map array 4 64 4
r6 = r1
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = MAP0
call 1
if r0 == 0 goto +6
r1 = *(u32 *)(r6 + 0)
if r1 s> 10 goto +4
r0 += r1
r1 = *(u8 *)(r0 + 0)
r0 = 0
exit
r0 = 0
exit
----
#name read_ok_r0
exit
----
#name read_ok_r2
r0 = r2
exit
----
#name scalar_deref
r1 = 5
r0 = *(u64 *)(r1 + 0)
exit
----
#name stack_oob_read
r0 = *(u64 *)(r10 - 520)
exit
----
#name stack_positive
r0 = 0
*(u64 *)(r10 + 8) = r0
exit
----
#name ctx_bad_off
r0 = *(u32 *)(r1 + 200)
exit
----
#name ctx_len_ok
r0 = *(u32 *)(r1 + 0)
exit
----
#name ctx_write_len
r0 = 0
*(u32 *)(r1 + 0) = r0
exit
----
#name ctx_write_cb_ok
r0 = 0
*(u32 *)(r1 + 48) = r0
exit
----
#name ctx_narrow_ok
r0 = *(u8 *)(r1 + 1)
exit
----
#name modified_ctx
r1 += 8
r0 = *(u32 *)(r1 + 0)
exit
----
#name xdp_pkt_ok
## prog xdp
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 14
if r4 > r3 goto +2
r0 = *(u16 *)(r2 + 12)
exit
r0 = 1
exit
----
#name xdp_pkt_oob
## prog xdp
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 14
if r4 > r3 goto +2
r0 = *(u16 *)(r2 + 13)
exit
r0 = 1
exit
----
#name xdp_pkt_wrong_branch
## prog xdp
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 14
if r4 > r3 goto +2
r0 = 1
exit
r0 = *(u8 *)(r2 + 0)
exit
----
#name xdp_pkt_lt
## prog xdp
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 20
if r3 < r4 goto +2
r0 = *(u32 *)(r2 + 16)
exit
r0 = 2
exit
----
#name tc_pkt_write
## prog sched_cls
r2 = *(u32 *)(r1 + 76)
r3 = *(u32 *)(r1 + 80)
r4 = r2
r4 += 1
if r4 > r3 goto +2
r0 = 0
*(u8 *)(r2 + 0) = r0
r0 = 0
exit
----
#name sk_filter_no_data
r2 = *(u32 *)(r1 + 76)
r0 = 0
exit
----
#name helper_not_allowed
## prog xdp
r1 = 0
call 26
r0 = 0
exit
----
#name helper_unknown
call 250
r0 = 0
exit
----
#name helper_bad_map_arg
r1 = r10
r2 = r10
call 1
r0 = 0
exit
----
#name helper_key_uninit_ok
## map hash 4 8 16
r2 = r10
r2 += -4
r1 = MAP0
call 1
r0 = 0
exit
----
#name helper_key_stack_oob
## map hash 8 8 16
r2 = r10
r2 += -4
r1 = MAP0
call 1
r0 = 0
exit
----
#name helper_ringbuf_leak
## map ringbuf 0 0 4096
r1 = MAP0
r2 = 16
r3 = 0
call 131
r0 = 0
exit
----
#name helper_ringbuf_ok
## map ringbuf 0 0 4096
r1 = MAP0
r2 = 16
r3 = 0
call 131
if r0 == 0 goto +5
r1 = 7
*(u64 *)(r0 + 8) = r1
r1 = r0
r2 = 0
call 132
r0 = 0
exit
----
#name helper_ringbuf_oob
## map ringbuf 0 0 4096
r1 = MAP0
r2 = 16
r3 = 0
call 131
if r0 == 0 goto +5
r1 = 7
*(u64 *)(r0 + 12) = r1
r1 = r0
r2 = 0
call 132
r0 = 0
exit
----
#name helper_ringbuf_var_size
## map ringbuf 0 0 4096
r6 = r1
r1 = MAP0
r2 = *(u32 *)(r6 + 0)
r3 = 0
call 131
r0 = 0
exit
----
#name helper_size_negative
r6 = r1
r1 = r10
r1 += -16
r2 = *(u32 *)(r6 + 0)
r2 <<= 32
r2 s>>= 32
r3 = 0
call 113
r0 = 0
exit
----
#name helper_size_unbounded
r6 = r1
r1 = r10
r1 += -16
r2 = *(u32 *)(r6 + 0)
r3 = 0
call 113
r0 = 0
exit
----
#name helper_size_ok
r6 = r1
r1 = r10
r1 += -16
r2 = *(u32 *)(r6 + 0)
r2 &= 15
r3 = 0
call 113
r0 = 0
exit
----
#name helper_size_too_big
r6 = r1
r1 = r10
r1 += -16
r2 = *(u32 *)(r6 + 0)
r2 &= 31
r3 = 0
call 113
r0 = 0
exit
----
#name ret_range_cgroup
## prog cgroup_skb
r0 = 2
exit
----
#name ret_range_cgroup_ok
## prog cgroup_skb
call 7
r0 &= 1
exit
----
#name ret_ptr_cgroup
## prog cgroup_skb
r0 = r1
exit
----
#name loop_bounded
r0 = 0
r1 = 0
r0 += r1
r1 += 1
if r1 < 50 goto -3
exit
----
#name loop_infinite
r0 = 0
if r0 == 0 goto -2
exit
----
#name loop_too_large
r1 = 0
r1 += 1
if r1 < 500000 goto -2
r0 = 0
exit
----
#name back_jump_fine
r0 = 0
goto +1
exit
goto -2
----
#name subtract_fp
r1 = r10
r2 = 8
r1 -= r2
r0 = 0
exit
----
#name ptr_arith_map_ptr
## map hash 4 8 16
r1 = MAP0
r1 += 8
r0 = 0
exit
----
#name ptr_arith_or_null
## map hash 4 8 16
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = MAP0
call 1
r0 += 8
r0 = 0
exit
----
#name ptr_bitwise
r1 &= 7
r0 = 0
exit
----
#name ptr_mul
r1 *= 2
r0 = 0
exit
----
#name ptr32
w1 += 2
r0 = 0
exit
----
#name fp_write
r10 = 0
r0 = 0
exit
----
#name shift_invalid
r0 = 1
r0 <<= 64
exit
----
#name div_zero_imm
r0 = 1
r0 /= 0
exit
----
#name div_reg_ok
r1 = 0
r0 = 1
r0 /= r1
exit
----
#name spill_fill_ptr
*(u64 *)(r10 - 8) = r1
r2 = *(u64 *)(r10 - 8)
r0 = *(u32 *)(r2 + 0)
exit
----
#name spill_partial_ptr
*(u32 *)(r10 - 8) = r1
r0 = 0
exit
----
#name misaligned_stack
r0 = 0
*(u64 *)(r10 - 12) = r0
exit
----
#name atomic_stack_ok
r0 = 0
*(u64 *)(r10 - 8) = r0
r1 = 1
lock *(u64 *)(r10 - 8) += r1
exit
----
#name atomic_ctx
r2 = 1
lock *(u32 *)(r1 + 0) += r2
r0 = 0
exit
----
#name atomic_map_misaligned
## map array 4 16 1
r1 = 0
*(u64 *)(r10 - 8) = r1
r2 = r10
r2 += -8
r1 = MAP0
call 1
if r0 == 0 goto +2
r1 = 1
lock *(u64 *)(r0 + 4) += r1
r0 = 0
exit
----
#name array_const_key_noncheck
## map array 4 16 4
r1 = 2
*(u64 *)(r10 - 8) = r1
r2 = r10
r2 += -8
r1 = MAP0
call 1
r0 = *(u64 *)(r0 + 0)
exit
----
#name array_key_out_of_range
## map array 4 16 4
r1 = 9
*(u64 *)(r10 - 8) = r1
r2 = r10
r2 += -8
r1 = MAP0
call 1
r0 = *(u64 *)(r0 + 0)
exit
----
#name unreachable
r0 = 0
exit
r0 = 1
exit
----
#name jump_oob
r0 = 0
if r0 == 0 goto +5
exit
----
#name jump_neg_oob
r0 = 0
if r0 == 0 goto -5
exit
----
#name last_not_exit
r0 = 0
----
#name ldimm64_middle
r0 = 0
if r0 == 1 goto +1
r1 = 5 ll
exit
----
#name bad_map_fd
r1 = 0 ll
r1 = 0
r0 = 0
exit
----
#name branch_refine_eq
r6 = r1
call 7
if r0 != 4 goto +2
r1 = r10
r1 += r0
r0 = 0
exit
----
#name branch_unrefined_ptr_arith
call 7
r1 = r10
r1 += r0
r0 = 0
exit
----
#name stack_var_read
call 7
r0 &= 7
r1 = r10
r1 += -16
r1 += r0
r0 = *(u8 *)(r1 + 0)
exit
----
#name w32_range
call 7
w0 &= 255
if w0 > 200 goto +1
r0 = 1
exit
----
#name jset_prune
call 7
r6 = r0
if r6 & 1 goto +2
r0 = 0
exit
r0 = 1
exit
----
#name many_branches
call 7
r1 = r0
r0 = 0
if r1 > 10 goto +1
r0 += 1
if r1 > 20 goto +1
r0 += 1
if r1 > 30 goto +1
r0 += 1
if r1 > 40 goto +1
r0 += 1
exit
----
#name sock_lookup_leak
## prog sched_cls
r2 = r10
r2 += -16
r3 = 0
*(u64 *)(r10 - 8) = r3
*(u64 *)(r10 - 16) = r3
r3 = 12
r4 = 0
r5 = 0
call 84
r0 = 0
exit
----
#name sock_lookup_release
## prog sched_cls
r2 = r10
r2 += -16
r3 = 0
*(u64 *)(r10 - 8) = r3
*(u64 *)(r10 - 16) = r3
r3 = 12
r4 = 0
r5 = 0
call 84
if r0 == 0 goto +2
r1 = r0
call 86
r0 = 0
exit
----
#name sock_null_deref
## prog sched_cls
r2 = r10
r2 += -16
r3 = 0
*(u64 *)(r10 - 8) = r3
*(u64 *)(r10 - 16) = r3
r3 = 12
r4 = 0
r5 = 0
call 84
r1 = *(u32 *)(r0 + 0)
r0 = 0
exit
----
#name tail_call_wrong_map
## map hash 4 4 4
r2 = MAP0
r3 = 0
call 12
r0 = 0
exit
----
#name tail_call_ok
## map prog_array 4 4 4
r2 = MAP0
r3 = 0
call 12
r0 = 0
exit
----
#name ringbuf_lookup_bad
## map ringbuf 0 0 4096
r2 = r10
r2 += -8
r1 = MAP0
call 1
r0 = 0
exit
----
#name ld_abs_ok
r6 = r1
r0 = *(u8 *)skb[12]
r0 = 0
exit
----
#name ld_abs_xdp
## prog xdp
r6 = r1
r0 = *(u8 *)skb[12]
r0 = 0
exit
----
#name bswap_unknown
r0 = 0x1234
r0 = be16 r0
exit
----
#name movsx_ok
r0 = -1
r0 = (s8)r0
exit
----
#name kprobe_ctx
## prog kprobe
r0 = *(u64 *)(r1 + 16)
exit
----
#name kprobe_ctx_write
## prog kprobe
r0 = 0
*(u64 *)(r1 + 16) = r0
exit
