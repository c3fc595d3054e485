/** The list of `ebpf` subcommands, in the order `ebpf --help` shows them. */
import type { Command } from './command';
import { asmCommand } from './asm';
import { disasmCommand } from './disasm';
import { verifyCommand } from './verify';
import { runCommand } from './run';
import { conformanceCommand } from './conformance';
import { lspCommand } from './lsp';
import { debugAdapterCommand } from './debugAdapter';

export const commands: readonly Command[] = [
  asmCommand, disasmCommand, verifyCommand, runCommand, conformanceCommand, lspCommand, debugAdapterCommand,
];
