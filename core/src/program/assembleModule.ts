/**
 * Text to program model in one call: the assembler followed by the program builder, with the
 * diagnostics of both. The language server, `ebpf verify` and `ebpf run` start here for `.s` files.
 */
import type { Diagnostic } from '../diagnostics';
import type { ObjectFile } from '../elf/types';
import { assemble, type AssembleOptions } from '../asm/assembler';
import type { Token } from '../asm/lexer';
import { buildModule } from './build';
import type { Module } from './model';

export interface AssembledModule {
  module: Module;
  object: ObjectFile;
  diagnostics: Diagnostic[];
  /** The source's tokens, when `options.keepTokens` asked for them (see `AsmResult.tokens`). */
  tokens?: Token[];
}

export function assembleModule(text: string, fileName: string, defaultProgType?: string, options: AssembleOptions = {}): AssembledModule {
  const asm = assemble(text, options);
  const built = buildModule(asm.object, {
    fileName,
    lines: asm.lines,
    labels: asm.labels,
    annotations: { maps: asm.annotations.maps, progTypeBySection: asm.progTypeBySection },
    ...(defaultProgType !== undefined ? { defaultProgType } : {}),
  });
  const diagnostics = [...asm.diagnostics, ...built.diagnostics];
  diagnostics.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  return { module: built.module, object: asm.object, diagnostics, ...(asm.tokens ? { tokens: asm.tokens } : {}) };
}
