/**
 * Call-frame information. llc and clang put `.cfi_startproc` / `.cfi_endproc` around every
 * function; llvm-mc turns each pair into an FDE of an `.eh_frame` section written at the end of the
 * file. The other `.cfi_*` directives describe register saves, which BPF code never has, so they
 * are accepted and have no effect.
 */
import { R_BPF_64_ABS64, SHF_ALLOC, SHT_PROGBITS } from '../elf/types';
import type { ObjectBuilder } from './objectBuilder';
import type { CfiRange, DirectiveHandler } from './directiveContext';

export const CFI_DIRECTIVES: Record<string, DirectiveHandler> = {
  '.cfi_startproc': (a) => {
    a.ctx.cfiOpen = { sec: a.ob.cur, start: a.ob.cur.size };
    return true;
  },
  '.cfi_endproc': (a) => {
    const open = a.ctx.cfiOpen;
    if (open) a.ctx.cfi.push({ ...open, end: open.sec.size });
    a.ctx.cfiOpen = undefined;
    return true;
  },
};

/**
 * The `.eh_frame` section llvm-mc writes for `.cfi_startproc`/`.cfi_endproc` pairs: one CIE (code
 * alignment 8, data alignment -4, return address register 11, 8-byte absolute addresses, no
 * initial instructions) padded to 4 bytes, then one FDE per function whose start is an absolute
 * relocation against the function's section, each padded so it ends on 8 bytes. The section is
 * created last, as llvm-mc does at the end of the file.
 */
export function emitEhFrame(ob: ObjectBuilder, ranges: CfiRange[]): void {
  const saved = ob.cur;
  const eh = ob.section('.eh_frame', SHT_PROGBITS, SHF_ALLOC, 8, 0);
  ob.cur = eh;
  ob.emitBytes([0x10, 0, 0, 0, 0, 0, 0, 0, 1, 0x7a, 0x52, 0, 8, 0x7c, 0x0b, 1, 0x0c, 0, 0, 0]);
  for (const r of ranges) {
    const start = eh.size;
    const total = Math.ceil((start + 25) / 8) * 8 - start;
    ob.emitInt(BigInt(total - 4), 4);
    ob.emitInt(BigInt(start + 4), 4);
    ob.relocate(eh, eh.size, R_BPF_64_ABS64, r.sec);
    ob.emitInt(BigInt(r.start), 8);
    ob.emitInt(BigInt(r.end - r.start), 8);
    ob.emitBytes(new Uint8Array(total - 24));
  }
  ob.cur = saved;
}
