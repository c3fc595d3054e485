/**
 * The diagnostic type every phase reports with: assembler, ELF reader, verifier and interpreter.
 * Positions are 1-based lines and columns in the source file, as compilers print them; the language
 * server and debug adapter convert at their edge. Each message has a stable code from the catalog of
 * its phase (`ASM…` assembler, `ELF…` object reader, `VER…` verifier, `VM…` interpreter), so tests and
 * quick fixes can match on the code instead of the text.
 */

export type Severity = 'error' | 'warning' | 'info';

export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  /** Exclusive end column. */
  endColumn: number;
}

export interface RelatedInfo {
  message: string;
  range: SourceRange;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: SourceRange;
  /** Instruction slot within its program, for verifier and interpreter diagnostics. */
  insn?: number;
  /** Program (section) the diagnostic belongs to, when it belongs to one. */
  program?: string;
  related?: RelatedInfo[];
}

export function pointRange(line: number, column: number, length = 1): SourceRange {
  return { line, column, endLine: line, endColumn: column + length };
}
