/**
 * Code lenses over each program: its verdict (opening the verifier log), Run and Debug. The commands
 * are the extension's; the server adds the document's URI as their first argument.
 */
import type { Analysis } from './analysis';
import type { CodeLens } from './types';

export function codeLenses(a: Analysis): CodeLens[] {
  const out: CodeLens[] = [];
  for (const pa of a.programs) {
    const p = pa.program;
    const sec = a.syntax.sections.find((s) => s.name === p.section && s.nameRange);
    const entry = a.syntax.defs.get(p.name);
    const first = p.lines.find((r) => r !== undefined);
    const at = sec ? { line: sec.line, column: 1, endLine: sec.line, endColumn: 1 } : entry ? entry.range : first;
    if (!at) continue;
    const range = { line: at.line, column: 1, endLine: at.line, endColumn: 1 };
    const r = pa.result;
    const verdict = !r ? 'Verify' : r.accepted ? `✓ verified: ${r.insnsProcessed} insns processed` : `✗ rejected at insn ${r.error?.insn ?? '?'}`;
    out.push({ range, title: `${verdict} (${p.progType})`, command: 'ebpf.showVerifierLog', args: [] });
    out.push({ range, title: 'Run', command: 'ebpf.runProgram', args: [] });
    out.push({ range, title: 'Debug', command: 'ebpf.debugProgram', args: [p.section] });
  }
  return out;
}
