/**
 * The text of the "Show Verifier Log" document: for every program, a header naming it, the
 * kernel-style log of the embedded verifier, and its verdict. Lines of the log that name an
 * instruction (`12: (bf) r1 = r2`) get the source line appended as `; file:LINE`, so an editor can
 * link them back to the source.
 */
import { verifierLogOf, type Analysis } from './analysis';

export function verifierLogText(a: Analysis, fileName = 'input.s'): string {
  const out: string[] = [];
  if (!a.module) out.push('; the file could not be assembled');
  for (const d of a.diagnostics) {
    if (d.code.startsWith('ASM') && d.severity === 'error') out.push(`; ${fileName}:${d.range.line}:${d.range.column}: error: ${d.message}`);
  }
  for (const pa of a.programs) {
    const p = pa.program;
    out.push(`; program ${p.name} (section ${p.section}, type ${p.progType}, ${p.insns.length} insns)`);
    const r = pa.result;
    if (!r) {
      out.push(pa.stopped ? '; not verified: the verifier ran out of its time budget (run `ebpf verify` for the full verdict)' : '; not verified (the verifier is off or the file has errors)', '');
      continue;
    }
    for (const line of (verifierLogOf(a, pa) || r.log).split('\n')) {
      const m = /^(\d+): /.exec(line);
      const src = m ? p.lines[Number(m[1])] : undefined;
      out.push(src ? `${line}  ; ${fileName}:${src.line}` : line);
    }
    if (r.accepted) out.push(`; verified: processed ${r.insnsProcessed} insns`);
    else out.push(`; rejected at insn ${r.error?.insn ?? '?'}: ${r.error?.message ?? ''}`);
    out.push('');
  }
  return out.join('\n');
}
