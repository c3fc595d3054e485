/**
 * Plain data types of the language services. Every service in this folder is a pure function over a
 * document's text (or its analysis) and a position, and answers with these shapes: no editor or
 * protocol types, so the services run anywhere and the language server converts at its edge.
 * Positions are 1-based lines and columns (UTF-16 code units, as JavaScript strings count them), like
 * the assembler's diagnostics; ranges use `SourceRange` with an exclusive end column.
 */
import type { SourceRange } from '../diagnostics';

export type { SourceRange };

export interface Position { line: number; column: number }

export interface HoverResult {
  /** Markdown. */
  markdown: string;
  range: SourceRange;
}

export type CompletionKind =
  | 'instruction' | 'register' | 'label' | 'function' | 'helper' | 'map' | 'section' | 'field'
  | 'directive' | 'annotation' | 'value' | 'keyword';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  /** Text to insert; with `snippet` set it uses `${1:name}` placeholders. */
  insertText?: string;
  snippet?: boolean;
  /** Sort key; items without one sort by label. */
  sortText?: string;
  filterText?: string;
}

export interface CompletionResult {
  items: CompletionItem[];
  /** The range the items replace (the word being typed). */
  replace: SourceRange;
}

export interface SignatureHelpResult {
  label: string;
  documentation?: string;
  parameters: string[];
  activeParameter: number;
}

export interface TextEdit { range: SourceRange; newText: string }

export type SymbolKind = 'program' | 'function' | 'label' | 'map' | 'section';

export interface DocSymbol {
  name: string;
  kind: SymbolKind;
  detail?: string;
  range: SourceRange;
  selectionRange: SourceRange;
  children: DocSymbol[];
}

export interface FoldingRange { startLine: number; endLine: number; kind?: 'comment' | 'region' }

export interface InlayHint { position: Position; label: string; tooltip?: string }

export interface CodeLens { range: SourceRange; title: string; command: string; args: unknown[] }

export interface CodeAction {
  title: string;
  /** Code of the diagnostic it fixes. */
  diagnosticCode?: string;
  edits: TextEdit[];
  preferred?: boolean;
}
