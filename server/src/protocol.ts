/**
 * Custom requests and notifications between the extension and the language server, each declared
 * once with its parameter and result types. Plain data only: no editor or protocol library types, so
 * both sides (and other editors' plugins) can use it.
 */

export interface DocParams { uri: string }

/** The kernel-style verifier log of every program in a document. */
export const VerifierLogRequest = 'ebpf/verifierLog' as const;
export interface VerifierLogResult { text: string }

/** Assembles a document; the object bytes come back base64-encoded. */
export const AssembleRequest = 'ebpf/assemble' as const;
export interface AssembleResult { ok: boolean; objectBase64?: string; errors: string[] }

/** Disassembles an object file given by path. */
export const DisassembleRequest = 'ebpf/disassemble' as const;
export interface DisassembleParams { path: string }
export interface DisassembleResult { text: string }

/** Sent by the server after each analysis, for the status bar. */
export const StatusNotification = 'ebpf/status' as const;
export interface ProgramStatus { name: string; section: string; progType: string; accepted: boolean | undefined; insnsProcessed: number; error?: string }
export interface StatusParams { uri: string; assembled: boolean; programs: ProgramStatus[] }
