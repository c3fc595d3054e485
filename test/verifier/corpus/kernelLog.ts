/**
 * Reading the kernel's verdict out of a level-2 verifier log: the error line, the instruction the
 * kernel blames, and the processed-instruction count.
 *
 * How the blamed instruction is found. At log level 2 the kernel prints every instruction just before
 * it checks it, as `N: (op) text` at the start of a line (the liveness table printed before, "Live regs
 * before insn:", indents its rows, and state lines `N: R1=...` have no `(op)`). A check that fails
 * prints its message right after, so the instruction is the last such line before the error line.
 * Three kinds of errors do not follow this rule and are handled first:
 * - messages that name the instruction themselves ("unreachable insn 5", "jump out of range from insn
 *   3 to 9", "back-edge from insn 7 to 2", "infinite loop detected at insn 4", "last insn is not an
 *   exit or jmp" = the last slot): the index in the message wins;
 * - errors found before the main pass (bad map fd, bad ld_imm64, bad opcodes) print no instruction
 *   lines at all: the instruction is worked out from the program bytes where the message allows it,
 *   otherwise it is unknown (null);
 * - errors found after the main pass (combined stack size) blame no instruction either: null.
 */

export interface KernelVerdict {
  message: string;
  errorInsn: number | null;
  insnsProcessed: number | null;
}

const INSN_LINE = /^(\d+): \([0-9a-f]{2}\)/;
const PROCESSED = /^processed (\d+) insns/;

/** Lines that follow an instruction line but are not the error: state dumps and precision backtracking. */
const NOISE = [
  /^\d+: R\d/, /^\d+: frame\d/, /^\d+: safe$/, /^from \d+ to \d+: /, /^mark_precise: /, /^\s/, /^caller:$/, /^callee:$/,
  /^(R\d+|fp-?\d+)[=_]/, /^frame\d+: /, /^last_idx /, /^parent /, /^Func#/, /^func#\d+ @\d+$/, /^Live regs before insn:$/,
  /^verification time /, /^SCC /, /^stack depth /, /^; /, /^returning from callee:$/, /^to caller at \d+:$/, /^\d+: \(/,
];

/** Messages that carry the blamed instruction's index; the function returns it. */
const NAMED: [RegExp, (m: RegExpExecArray, slots: number, bytes: Uint8Array) => number][] = [
  [/^unreachable insn (\d+)/, (m) => Number(m[1])],
  [/^jump out of range from insn (\d+) to/, (m) => Number(m[1])],
  [/^back-edge from insn (\d+) to/, (m) => Number(m[1])],
  [/^infinite loop detected at insn (\d+)/, (m) => Number(m[1])],
  [/^last insn is not an exit or jmp/, (_m, _slots, bytes) => lastInsnOfBadFunc(bytes)],
];

/**
 * "last insn is not an exit or jmp" is checked per function (check_subprogs): the blamed slot is the
 * last slot of the first function that does not end in exit or goto. Functions start at slot 0 and
 * at the targets of bpf-to-bpf calls and of function-address loads (ld_imm64 src 4).
 */
function lastInsnOfBadFunc(bytes: Uint8Array): number {
  const slots = Math.floor(bytes.length / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const starts = new Set<number>([0]);
  for (let pc = 0; pc < slots; pc++) {
    const op = bytes[pc * 8]!;
    const src = bytes[pc * 8 + 1]! >> 4;
    const target = pc + 1 + view.getInt32(pc * 8 + 4, true);
    if ((op === 0x85 && src === 1) || (op === 0x18 && src === 4)) if (target >= 0 && target < slots) starts.add(target);
  }
  const sorted = [...starts].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    const last = (sorted[i + 1] ?? slots) - 1;
    const op = bytes[last * 8];
    // exit, goto (ja) and gotol (ja32) end a function.
    if (op !== 0x95 && op !== 0x05 && op !== 0x06) return last;
  }
  return slots - 1;
}

function isNoise(line: string): boolean {
  return line.length === 0 || NOISE.some((r) => r.test(line));
}

/**
 * For errors raised before the main pass, where no instruction line is printed: find the slot from
 * the message and the program bytes (little-endian 8-byte slots).
 */
function prePassInsn(message: string, bytes: Uint8Array): number | null {
  const slots = Math.floor(bytes.length / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fd = /^fd (-?\d+) is not pointing to valid bpf_map/.exec(message);
  const opcode = /^unknown opcode ([0-9a-f]+)/.exec(message);
  const unrecognized = /^unrecognized bpf_ld_imm64 insn/.test(message);
  const badPair = /^invalid bpf_ld_imm64 insn/.test(message);
  const badCall = /^call to invalid destination/.test(message);
  const tailCallInSubprog = /^tail_call is not allowed in subprogs without BTF/.test(message);
  let firstSubprog = slots;
  for (let pc = 0; pc < slots; pc++) {
    // bpf-to-bpf calls (opcode 0x85, src 1) name where subprograms start.
    if (bytes[pc * 8] === 0x85 && bytes[pc * 8 + 1]! >> 4 === 1) firstSubprog = Math.min(firstSubprog, pc + 1 + view.getInt32(pc * 8 + 4, true));
  }
  for (let pc = 0; pc < slots; pc++) {
    const op = bytes[pc * 8]!;
    const src = bytes[pc * 8 + 1]! >> 4;
    const imm = view.getInt32(pc * 8 + 4, true);
    // Map references by fd are src 1 (BPF_PSEUDO_MAP_FD) and 2 (BPF_PSEUDO_MAP_VALUE).
    if (fd && op === 0x18 && (src === 1 || src === 2) && imm === Number(fd[1])) return pc;
      if (tailCallInSubprog && op === 0x85 && src === 0 && imm === 12 && pc >= firstSubprog) return pc;
    if (badCall && op === 0x85 && src === 1) {
      const target = pc + 1 + imm;
      if (target < 0 || target >= slots) return pc;
    }
    if (opcode && op === parseInt(opcode[1]!, 16)) return pc;
    if (unrecognized && op === 0x18 && src > 6) return pc;
    if (badPair && op === 0x18) {
      const next = pc + 1 < slots ? bytes.subarray((pc + 1) * 8, (pc + 1) * 8 + 4) : undefined;
      if (!next || next.some((b) => b !== 0)) return pc;
    }
    if (op === 0x18) pc++;
  }
  return null;
}

/** Reads the verdict of a rejected program from its level-2 log; `bytes` are the program's slots. */
export function readKernelLog(log: string, bytes: Uint8Array): KernelVerdict {
  // Some error lines lack their newline ("expected prog array map for tail call"), so the summary
  // line that follows is glued to them: split it off first.
  const lines = log.replace(/([^\n])(processed \d+ insns \(limit)/g, '$1\n$2').split('\n');
  let processed: number | null = null;
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const m = PROCESSED.exec(lines[i]!);
    if (m) { processed = Number(m[1]); end = i; break; }
  }
  let lastInsn = -1;
  let lastInsnLine = -1;
  for (let i = 0; i < end; i++) {
    const m = INSN_LINE.exec(lines[i]!);
    if (m) { lastInsn = Number(m[1]); lastInsnLine = i; }
  }
  // The error is the first line after the last instruction line that is not a state dump; when the
  // pass never started, the first such line of the whole log.
  let message = '';
  for (let i = lastInsnLine + 1; i < end; i++) {
    if (!isNoise(lines[i]!)) { message = lines[i]!.trim(); break; }
  }
  if (message === '' && lastInsnLine >= 0) {
    // Errors raised after the pass (e.g. the combined stack size) come after the "processed" line.
    for (let i = end + 1; i < lines.length; i++) if (!isNoise(lines[i]!)) { message = lines[i]!.trim(); break; }
  }
  const slots = Math.floor(bytes.length / 8);
  for (const [re, at] of NAMED) {
    const m = re.exec(message);
    if (m) return { message, errorInsn: at(m, slots, bytes), insnsProcessed: processed };
  }
  const afterPass = /^combined stack size of \d+ calls is/.test(message);
  const errorInsn = afterPass ? null : lastInsnLine >= 0 ? lastInsn : prePassInsn(message, bytes);
  return { message, errorInsn, insnsProcessed: processed };
}
