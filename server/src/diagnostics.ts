/** Publishes an analysis: the diagnostics of the document and the status notification for the status bar. */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Connection } from 'vscode-languageserver/node';
import type { Analysis } from '../../core/src/lang';
import { toDiagnostic } from './convert';
import { StatusNotification, type StatusParams } from './protocol';

export function publishAnalysis(connection: Connection, doc: TextDocument, a: Analysis): void {
  const params: StatusParams = {
    uri: doc.uri,
    assembled: a.module !== undefined && !a.diagnostics.some((d) => d.code.startsWith('ASM') && d.severity === 'error'),
    programs: a.programs.map((pa) => {
      const r = pa.result;
      const s: StatusParams['programs'][number] = {
        name: pa.program.name, section: pa.program.section, progType: pa.program.progType,
        accepted: r ? r.accepted : undefined, insnsProcessed: r?.insnsProcessed ?? 0,
      };
      if (r?.error) s.error = r.error.message;
      return s;
    }),
  };
  // The status goes first, so a client that has the diagnostics of a version also has its status.
  void connection.sendNotification(StatusNotification, params);
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: a.diagnostics.map((d) => toDiagnostic(d, doc.uri)) });
}
