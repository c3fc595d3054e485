/**
 * The catalog of the language services' own diagnostics: lint warnings the editor shows beside the
 * assembler's and the verifier's. Codes are stable (LNT1xx), so tests and quick fixes match on them.
 */
export const LINT = {
  unreachable: { code: 'LNT101', text: (n: number) => (n === 1 ? 'unreachable instruction' : `${n} unreachable instructions`) },
  unusedLabel: { code: 'LNT102', text: (name: string) => `label '${name}' is never used` },
  budget: {
    code: 'LNT103',
    text: (ms: number) => `not verified as you type: the verifier needed more than ${ms} ms (run 'ebpf verify' or Show Verifier Log for the full verdict)`,
  },
} as const;
