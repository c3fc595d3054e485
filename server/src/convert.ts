/**
 * Conversion between the language services' plain data (1-based lines and columns, exclusive end
 * column) and LSP types (0-based lines and UTF-16 characters). Only the server knows LSP; this is the
 * one place where the two meet.
 */
import * as lsp from 'vscode-languageserver/node';
import type { Diagnostic as CoreDiagnostic, SourceRange } from '../../core/src/diagnostics';
import type { Position as CorePosition, TextEdit as CoreEdit } from '../../core/src/lang/types';

export function toPosition(line: number, column: number): lsp.Position {
  return { line: Math.max(0, line - 1), character: Math.max(0, column - 1) };
}

export function toRange(r: SourceRange): lsp.Range {
  return { start: toPosition(r.line, r.column), end: toPosition(r.endLine, r.endColumn) };
}

export function fromPosition(p: lsp.Position): CorePosition {
  return { line: p.line + 1, column: p.character + 1 };
}

export function toEdit(e: CoreEdit): lsp.TextEdit {
  return { range: toRange(e.range), newText: e.newText };
}

const SEVERITY: Record<CoreDiagnostic['severity'], lsp.DiagnosticSeverity> = {
  error: lsp.DiagnosticSeverity.Error,
  warning: lsp.DiagnosticSeverity.Warning,
  info: lsp.DiagnosticSeverity.Information,
};

export function toDiagnostic(d: CoreDiagnostic, uri: string): lsp.Diagnostic {
  const out: lsp.Diagnostic = {
    range: toRange(d.range),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: d.code.startsWith('VER') ? 'ebpf verifier' : 'ebpf',
    message: d.message,
  };
  if (d.code === 'LNT101') out.tags = [lsp.DiagnosticTag.Unnecessary];
  // What the quick fixes need to find the program and instruction again.
  if (d.insn !== undefined) out.data = { insn: d.insn, program: d.program };
  if (d.related?.length) {
    out.relatedInformation = d.related.map((r) => ({ message: r.message, location: { uri, range: toRange(r.range) } }));
  }
  return out;
}

/** The core diagnostic an LSP diagnostic from this server came from (for code actions). */
export function fromDiagnostic(d: lsp.Diagnostic): CoreDiagnostic {
  const data = (d.data ?? {}) as { insn?: number; program?: string };
  const out: CoreDiagnostic = {
    code: String(d.code ?? ''),
    severity: d.severity === lsp.DiagnosticSeverity.Warning ? 'warning' : d.severity === lsp.DiagnosticSeverity.Information ? 'info' : 'error',
    message: typeof d.message === 'string' ? d.message : d.message.value,
    range: { line: d.range.start.line + 1, column: d.range.start.character + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1 },
  };
  if (typeof data.insn === 'number') out.insn = data.insn;
  if (typeof data.program === 'string') out.program = data.program;
  return out;
}
