/**
 * The verifier's message catalog: every kernel message we reproduce, with a stable code (VERxxx), the
 * kernel's wording as a pattern, our one-line explanation and, where it helps, a hint. The kernel's
 * words are always the diagnostic's first line, unchanged; the explanation and hint follow.
 */

export interface CatalogEntry {
  code: string;
  /** The kernel's wording; `%` stands for a number, register or name. */
  kernel: string;
  explanation: string;
  hint?: string;
}

export const CATALOG: CatalogEntry[] = [
  { code: 'VER001', kernel: "R% invalid mem access 'map_value_or_null'", explanation: 'The pointer may be NULL: the map lookup can fail.', hint: 'Check the result against 0 (if r0 == 0 goto ...) before dereferencing it.' },
  { code: 'VER002', kernel: "R% invalid mem access '%'", explanation: 'This register does not hold a pointer the program may dereference here.', hint: 'Only pointers to the stack, context, map values and checked packet data can be read or written.' },
  { code: 'VER003', kernel: 'R% !read_ok', explanation: 'The register is read before anything was written to it on this path.', hint: 'Initialise the register on every path that reaches this instruction.' },
  { code: 'VER004', kernel: 'invalid access to packet, off=% size=%, R%(id=%,off=%,r=%)', explanation: 'The packet access is not covered by a bounds check against data_end.', hint: 'Compare data + offset + size against data_end before the access.' },
  { code: 'VER005', kernel: 'invalid access to map value, value_size=% off=% size=%', explanation: 'The access falls outside the map value.' },
  { code: 'VER006', kernel: 'R% min value is negative, either use unsigned index or do a if (index >=0) check.', explanation: 'The offset added to the pointer may be negative.', hint: 'Bound the index from below, or use an unsigned comparison.' },
  { code: 'VER007', kernel: 'R% unbounded memory access, make sure to bounds check any such access', explanation: 'The offset added to the pointer has no upper bound.', hint: 'Compare the index against the size before using it.' },
  { code: 'VER008', kernel: 'R% min value is negative, either use unsigned or \'var &= const\'', explanation: 'The size passed to the helper may be negative.', hint: "Mask the size (r &= const) or check it with an unsigned comparison." },
  { code: 'VER009', kernel: 'invalid bpf_context access off=% size=%', explanation: 'This program type may not access the context at that offset with that size.' },
  { code: 'VER010', kernel: 'dereference of modified ctx ptr R% off=% disallowed', explanation: 'Context accesses must use the unmodified context pointer with a constant offset in the instruction.', hint: 'Use *(u32 *)(r1 + off) instead of adding to r1 first.' },
  { code: 'VER011', kernel: 'invalid write to stack R% off=% size=%', explanation: 'The stack access is outside the 512-byte frame.' },
  { code: 'VER012', kernel: 'invalid read from stack R% off=% size=%', explanation: 'The stack access is outside the 512-byte frame.' },
  { code: 'VER013', kernel: 'R% type=% expected=%', explanation: 'The helper argument has the wrong type.' },
  { code: 'VER014', kernel: 'program of this type cannot use helper %', explanation: 'This helper is not available to this program type.' },
  { code: 'VER015', kernel: 'invalid func unknown#%', explanation: 'No helper has this number.' },
  { code: 'VER016', kernel: 'Unreleased reference id=% alloc_insn=%', explanation: 'A reference acquired on this path (ring buffer record, socket) is never released.', hint: 'Submit or discard the record, or release the socket, on every path.' },
  { code: 'VER017', kernel: 'BPF program is too large. Processed % insn', explanation: 'The verifier gave up after one million instructions.', hint: 'Bound loops more tightly or split the program.' },
  { code: 'VER018', kernel: 'The sequence of % jumps is too complex.', explanation: 'Too many branches are pending at once.' },
  { code: 'VER019', kernel: 'infinite loop detected at insn %', explanation: 'The loop can come back to the same state, so it may never end.' },
  { code: 'VER020', kernel: 'jump out of range from insn % to %', explanation: 'The jump leaves its function or the program.' },
  { code: 'VER021', kernel: 'unreachable insn %', explanation: 'No path reaches this instruction; the kernel refuses dead code.' },
  { code: 'VER022', kernel: 'last insn is not an exit or jmp', explanation: 'Execution could run past the end of the function.' },
  { code: 'VER023', kernel: 'At program exit the register R0 %', explanation: 'The return value is outside the range this program type allows.' },
  { code: 'VER024', kernel: 'the call stack of % frames is too deep', explanation: 'More than 8 nested bpf-to-bpf calls (or recursion).' },
  { code: 'VER025', kernel: 'combined stack size of % calls is %. Too large', explanation: 'The stack frames of the call chain exceed 512 bytes together.' },
  { code: 'VER026', kernel: 'R% subtraction from stack pointer prohibited', explanation: 'The kernel does not allow subtracting a register from the frame pointer.', hint: 'Add a negative constant instead (r2 += -8).' },
  { code: 'VER027', kernel: 'R% pointer arithmetic on % prohibited%', explanation: 'This pointer type cannot be moved.' },
  { code: 'VER028', kernel: 'misaligned % access off % size %', explanation: 'The access is not aligned to its size.' },
  { code: 'VER029', kernel: 'fd % is not pointing to valid bpf_map', explanation: 'The 64-bit load refers to a map that does not exist.' },
  { code: 'VER030', kernel: 'invalid shift %', explanation: 'The shift amount is not below the operand width.' },
  { code: 'VER031', kernel: 'invalid size of register fill', explanation: 'A spilled pointer is read back with a size other than 8 bytes.' },
  { code: 'VER032', kernel: 'frame pointer is read only', explanation: 'r10 cannot be written.' },
  { code: 'VER033', kernel: 'R% max value is outside of the allowed memory range', explanation: 'The largest possible offset falls outside the memory.' },
  { code: 'VER034', kernel: 'R% invalid zero-sized read%', explanation: 'The helper size may be zero where the helper needs at least one byte.' },
  { code: 'VER035', kernel: 'cannot pass map_type % into func %', explanation: 'This helper cannot be used with this kind of map.' },
  { code: 'VER036', kernel: 'missing btf func_info', explanation: 'Taking the address of a subprogram (callbacks) needs BTF function information.' },
  { code: 'VER037', kernel: 'div by zero', explanation: 'Division or modulo by the constant 0.' },
  { code: 'VER038', kernel: 'verification cancelled', explanation: 'Verification was cancelled before it finished.' },
  { code: 'VER039', kernel: 'At callback return the register R0 %', explanation: 'A bpf_loop or bpf_for_each_map_elem callback must return 0 (go on) or 1 (stop).', hint: 'Return 0 or 1 from the callback on every path.' },
  { code: 'VER040', kernel: 'R0 not a scalar value', explanation: 'The callback returns a pointer or nothing; it must return the number 0 or 1.' },
  { code: 'VER041', kernel: 'callback function not static', explanation: 'Only static functions may be passed as callbacks.', hint: 'Declare the callback static in C.' },
  { code: 'VER042', kernel: 'callback function not allowed for map', explanation: 'bpf_for_each_map_elem cannot walk this kind of map.' },
  { code: 'VER043', kernel: "func_info BTF section doesn't match subprog layout in BPF program", explanation: 'The BTF function records do not start where the functions of the program start.' },
  { code: 'VER044', kernel: "number of funcs in func_info doesn't match number of subprogs", explanation: 'The BTF has a different number of function records than the program has functions.' },
  { code: 'VER045', kernel: 'write to change key R% not allowed', explanation: 'The key a for_each_map_elem callback receives is read-only.' },
  { code: 'VER046', kernel: 'cannot use BPF_LD_[ABS|IND] within callback', explanation: 'Legacy packet loads are not allowed inside callbacks.' },
  { code: 'VER047', kernel: 'cannot spill pointers to stack into stack frame of the caller', explanation: "A pointer to this function's stack stored in a caller's stack would dangle after the return." },
  { code: 'VER048', kernel: 'tail_calls are not allowed when call stack of previous frames is % bytes. Too large', explanation: 'A subprogram that makes a tail call may be reached with less than 256 bytes of stack in its callers.' },
  { code: 'VER049', kernel: 'unknown opcode %', explanation: 'The opcode byte of this slot is no eBPF instruction; the kernel checks every slot before it follows any path.' },
  { code: 'VER050', kernel: 'BPF_% uses reserved fields', explanation: 'A field this instruction does not use (a register, the offset or the immediate) is not zero, or it selects no instruction.', hint: 'Fields an instruction does not use must be 0.' },
  { code: 'VER051', kernel: 'invalid bpf_ld_imm64 insn', explanation: 'A 64-bit immediate load takes two slots; the second must have opcode, registers and offset 0.' },
  { code: 'VER052', kernel: 'unrecognized bpf_ld_imm64 insn', explanation: 'The source field of this 64-bit load selects no kind of load the kernel knows (0 to 6).' },
  { code: 'VER053', kernel: 'R% is invalid', explanation: 'The instruction names a register other than r0 to r10.' },
  { code: 'VER054', kernel: 'BPF_ATOMIC uses invalid atomic opcode %', explanation: 'The immediate of this atomic instruction selects no atomic operation.' },
  { code: 'VER055', kernel: 'invalid may_goto imm %', explanation: 'may_goto must have its registers and its immediate set to 0.' },
  { code: 'VER056', kernel: 'callbacks of % are not supported by this verifier', explanation: 'Our verifier does not model the callback of this helper, so it cannot tell whether the program is safe (not a kernel message).' },
  { code: 'VER057', kernel: 'R% is not a scalar', explanation: "The global function's prototype declares this argument an integer, and the caller passes something else.", hint: 'A global function is checked against its BTF prototype, not against what its callers pass.' },
  { code: 'VER058', kernel: 'arg#% expects pointer to ctx', explanation: "The global function's prototype declares this argument a pointer to the program's context, and the caller passes something else." },
  { code: 'VER059', kernel: "Global function %() doesn't return scalar. Only those are supported.", explanation: 'A global function must be declared to return an integer or an enum.', hint: 'Make the function static, or return an int.' },
  { code: 'VER060', kernel: 'Global function %() with % > 5 args. Buggy compiler.', explanation: 'A function takes at most five arguments, in r1 to r5.' },
  { code: 'VER061', kernel: 'Arg#% type % in %() is not supported yet.', explanation: 'A global function may only take integers, enums and pointers.', hint: 'Pass a pointer to the struct instead, or make the function static.' },
  { code: 'VER062', kernel: "arg#% reference type('%') size cannot be determined: %", explanation: 'A pointer argument of a global function must point to a type with a size (not void or a function); the kernel checks the memory behind it by that size.', hint: 'Give the parameter a sized pointee type, or make the function static.' },
  { code: 'VER063', kernel: 'At subprogram exit the register R% is not a scalar value (%)', explanation: 'A global function must return an integer: its callers receive an unknown scalar.' },
  { code: 'VER064', kernel: 'global function %() has no parameter types in its BTF: it cannot be checked against its callers', explanation: 'The BTF of this global function says how many parameters it has but not their types (not a kernel message).', hint: 'Make the function static, or build the object with full BTF (clang -g).' },
];

const compiled = CATALOG.map((e) => ({
  e,
  re: new RegExp('^' + e.kernel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*') + '$'),
}));

export function explain(message: string): { code: string; explanation?: string; hint?: string } {
  for (const { e, re } of compiled) if (re.test(message)) return { code: e.code, explanation: e.explanation, hint: e.hint };
  return { code: 'VER000' };
}
