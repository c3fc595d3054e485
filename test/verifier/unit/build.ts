/**
 * Tiny constructors for semantic instructions, so tests can write programs without an assembler.
 */
import type { Insn, JmpOp, AluOp } from '../../../core/src/isa/insn';
import type { Program } from '../../../core/src/program/model';

const z = { dst: 0, src: 0, off: 0, imm: 0 };
export const movImm = (dst: number, imm: number): Insn => ({ ...z, kind: 'alu', op: 'mov', is64: true, useReg: false, dst, imm });
export const movReg = (dst: number, src: number): Insn => ({ ...z, kind: 'alu', op: 'mov', is64: true, useReg: true, dst, src });
export const aluImm = (op: AluOp, dst: number, imm: number): Insn => ({ ...z, kind: 'alu', op, is64: true, useReg: false, dst, imm });
export const jImm = (op: JmpOp, dst: number, imm: number, off: number): Insn => ({ ...z, kind: 'jcond', op, is64: true, useReg: false, dst, imm, off });
export const call = (imm: number): Insn => ({ ...z, kind: 'call', imm });
export const exit = (): Insn => ({ ...z, kind: 'exit' });
export const load = (size: 1 | 2 | 4 | 8, dst: number, src: number, off: number): Insn => ({ ...z, kind: 'load', size, signed: false, dst, src, off });

export function program(insns: Insn[], progType = 'socket_filter'): Program {
  return {
    name: 'prog', section: 'test', progType, progTypeSource: 'option', insns, lines: [], funcs: [],
    ldImm64Refs: new Map(), externCalls: new Map(), labels: new Map(),
  };
}
