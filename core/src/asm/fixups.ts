/**
 * What the assembler settles once every label of the file is known: the symbolic operands of
 * instructions (jump targets, calls, 64-bit loads of a symbol), symbol values in data (`.quad f`)
 * and `.size` expressions. Each is patched in place when it resolves to a number, and otherwise
 * becomes a relocation of the kind and form llvm-mc writes.
 */
import type { Token } from './lexer';
import { MSG } from './messages';
import type { Fixup } from './operands';
import type { ObjectBuilder, SecState } from './objectBuilder';
import { addendOf, evalAbsolute, fitsBytes } from './expressions';
import type { DirectiveContext } from './directiveContext';
import { R_BPF_64_32, R_BPF_64_64, R_BPF_64_ABS32, R_BPF_64_ABS64, SHF_MERGE } from '../elf/types';

/** Reports a problem found after the statement loop, when the per-statement limit no longer applies. */
export type Post = (m: { code: string }, severity: 'error' | 'warning', tok: Token, message: string) => void;

/** An instruction operand waiting for its symbol: the instruction is at `offset` of `sec`. */
export interface PendingFixup { fixup: Fixup; sec: SecState; offset: number }

/** Resolve jumps, calls and 64-bit loads against labels, or turn them into relocations as llvm-mc does. */
export function resolveFixups(ob: ObjectBuilder, fixups: PendingFixup[], post: Post, firstExit?: Map<string, number>): void {
  for (const { fixup, sec, offset } of fixups) {
    let sym = ob.target(fixup.symbol);
    // The bpf_conformance assembler lets a jump name `exit` without defining it: the label then
    // stands for the first `exit` instruction of the program (here: of the section). A label the
    // file defines itself wins.
    const implicit = firstExit?.get(sec.name);
    if (!sym.defined && sym.name === 'exit' && implicit !== undefined && fixup.kind !== 'ld64') {
      sym = { ...sym, defined: true, section: sec.name, value: implicit, bind: 'local' };
    }
    const t = fixup.tok;
    switch (fixup.kind) {
      case 'jump16': case 'jump32': {
        if (!sym.defined && /^\.L\d+\$num\d+$/.test(sym.name)) { post(MSG.undefinedNumericLabel, 'error', t, MSG.undefinedNumericLabel.text()); break; }
        if (!sym.defined) { post(MSG.undefinedLabel, 'error', t, MSG.undefinedLabel.text(sym.name)); break; }
        if (sym.section !== sec.name) { post(MSG.jumpOtherSection, 'error', t, MSG.jumpOtherSection.text(sym.name)); break; }
        const delta = (sym.value - offset - 8) / 8;
        const bits = fixup.kind === 'jump16' ? 16 : 32;
        if (!Number.isInteger(delta) || delta < -(2 ** (bits - 1)) || delta >= 2 ** (bits - 1)) {
          post(MSG.jumpOutOfRange, 'error', t, MSG.jumpOutOfRange.text(sym.name, bits));
          break;
        }
        if (sym.bind !== 'local') {
          // Only a warning: the jump is resolved as the author meant it.
          post(MSG.jumpGlobal, 'warning', t, MSG.jumpGlobal.text(sym.name));
        }
        if (bits === 16) ob.patch(sec, offset + 2, BigInt(delta), 2);
        else ob.patch(sec, offset + 4, BigInt(delta), 4);
        break;
      }
      case 'call': {
        if (sym.defined && sym.bind === 'local' && sym.section === sec.name) {
          ob.patch(sec, offset + 4, BigInt((sym.value - offset - 8) / 8), 4);
        } else if (sym.defined && sym.bind === 'local' && sym.section !== undefined) {
          ob.relocate(sec, offset, R_BPF_64_32, ob.sections.get(sym.section!)!);
          ob.patch(sec, offset + 4, BigInt(sym.value / 8 - 1), 4);
        } else {
          ob.relocate(sec, offset, R_BPF_64_32, sym);
          ob.patch(sec, offset + 4, -1n, 4);
        }
        break;
      }
      case 'ld64': {
        let value = BigInt(fixup.addend);
        if (sym.defined && sym.bind === 'local' && sym.section !== undefined) {
          const target = ob.sections.get(sym.section!)!;
          if ((target.flags & SHF_MERGE) !== 0 && fixup.addend !== 0) {
            ob.relocate(sec, offset, R_BPF_64_64, sym);
          } else {
            ob.relocate(sec, offset, R_BPF_64_64, target);
            value += BigInt(sym.value);
          }
        } else {
          ob.relocate(sec, offset, R_BPF_64_64, sym);
        }
        ob.patch(sec, offset + 4, value, 4);
        // llvm-mc keeps the addend in the first slot only (as 32 bits); the second imm stays zero.
        ob.patch(sec, offset + 12, 0n, 4);
        break;
      }
    }
  }
}

/** Symbol values in `.quad`/`.long` data become absolute relocations with the addend in place. */
export function resolveData(ob: ObjectBuilder, ctx: DirectiveContext, post: Post): void {
  for (const d of ctx.data) {
    // A difference of labels of one section (`.long .Lend - .Lstart`) is a plain number.
    const absolute = evalAbsolute(ob, d.expr, d.sec.name, d.offset);
    if (absolute !== undefined) {
      if (!fitsBytes(absolute, d.size)) post(MSG.literalOutOfRange, 'error', d.expr.tok, MSG.literalOutOfRange.text());
      else ob.patch(d.sec, d.offset, absolute, d.size);
      continue;
    }
    const syms = d.expr.terms.filter((t) => t.sym !== undefined);
    const addend = addendOf(d.expr);
    const only = syms[0];
    if (syms.length !== 1 || only!.sign !== 1 || only!.sym === '.' || (d.size !== 4 && d.size !== 8)) {
      post(MSG.exprNotAbsolute, 'error', d.expr.tok, MSG.exprNotAbsolute.text());
      continue;
    }
    const sym = ob.target(only!.sym!);
    const type = d.size === 8 ? R_BPF_64_ABS64 : R_BPF_64_ABS32;
    if (sym.defined && sym.bind === 'local' && sym.section !== undefined) {
      ob.relocate(d.sec, d.offset, type, ob.sections.get(sym.section!)!);
      ob.patch(d.sec, d.offset, addend + BigInt(sym.value), d.size);
    } else {
      ob.relocate(d.sec, d.offset, type, sym);
      ob.patch(d.sec, d.offset, addend, d.size);
    }
  }
}

/** `.size NAME, EXPR`: the expression must reduce to a number (symbols of one section cancel out). */
export function resolveSizes(ob: ObjectBuilder, ctx: DirectiveContext, post: Post): void {
  for (const z of ctx.sizes) {
    if (!z.sym.defined) { post(MSG.sizeUnknown, 'error', z.tok, MSG.sizeUnknown.text(z.sym.name)); continue; }
    const v = evalAbsolute(ob, z.expr, z.sec.name, z.dot);
    if (v === undefined) { post(MSG.exprNotAbsolute, 'error', z.expr.tok, MSG.exprNotAbsolute.text()); continue; }
    z.sym.size = Number(v);
  }
}
