/** The custom requests of protocol.ts: the verifier log, assembling a document, disassembling an object file. */
import { readFileSync } from 'fs';
import { verifierLogText } from '../../core/src/lang';
import { writeElf } from '../../core/src/elf/writer';
import { disassemble } from '../../core/src/asm/disassembler';
import { fileNameOf } from './documents';
import type { ServerContext } from './context';
import {
  AssembleRequest, DisassembleRequest, VerifierLogRequest,
  type AssembleResult, type DisassembleParams, type DisassembleResult, type DocParams, type VerifierLogResult,
} from './protocol';

export function registerCustomRequests(ctx: ServerContext): void {
  const c = ctx.connection;
  c.onRequest(VerifierLogRequest, (p: DocParams): VerifierLogResult => ctx.guard('verifierLog', { text: '' }, () => {
    const a = ctx.workspace.analysis(p?.uri);
    if (!a) return { text: `; ${String(p?.uri)} is not open` };
    return { text: verifierLogText(a, fileNameOf(p.uri)) };
  }));
  c.onRequest(AssembleRequest, (p: DocParams): AssembleResult => ctx.guard<AssembleResult>('assemble', { ok: false, errors: ['internal error'] }, () => {
    const a = ctx.workspace.analysis(p?.uri);
    if (!a) return { ok: false, errors: [`${String(p?.uri)} is not open`] };
    const name = fileNameOf(p.uri);
    const errors = a.diagnostics.filter((d) => d.severity === 'error' && d.code.startsWith('ASM'))
      .map((d) => `${name}:${d.range.line}:${d.range.column}: error: ${d.message}`);
    if (errors.length || !a.object) return { ok: false, errors: errors.length ? errors : ['the file could not be assembled'] };
    return { ok: true, objectBase64: Buffer.from(writeElf(a.object)).toString('base64'), errors: [] };
  }));
  c.onRequest(DisassembleRequest, (p: DisassembleParams): DisassembleResult => ctx.guard('disassemble', { text: '' }, () => {
    let bytes: Uint8Array;
    try { bytes = readFileSync(String(p?.path)); } catch (e) { return { text: `# cannot read ${String(p?.path)}: ${(e as Error).message}` }; }
    const r = disassemble(bytes);
    const notes = r.diagnostics.map((d) => `# ${JSON.stringify(d)}`);
    return { text: [...notes, r.text].join('\n') };
  }));
}
