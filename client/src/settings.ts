/**
 * Every setting of the extension, declared once. The `contributes.configuration` block of
 * package.json is generated from this list (test/client/settings.test.ts fails when they drift;
 * run it with UPDATE_PACKAGE_JSON=1 to regenerate), and `config.ts` reads the values with these types.
 * This file must not import `vscode`, so tests can load it outside the editor.
 */

interface SettingBase { key: string; description: string }
export type SettingDecl =
  | (SettingBase & { type: 'boolean'; default: boolean })
  | (SettingBase & { type: 'string'; default: string; enum?: string[]; enumDescriptions?: string[] })
  | (SettingBase & { type: 'number'; default: number; minimum?: number; maximum?: number });

export const SETTINGS = [
  {
    key: 'ebpf.files.claimDotS', type: 'boolean', default: true,
    description: 'Open `.s` files as eBPF assembly. Turn this off to leave `.s` files to another assembler extension; `.bpf` and `.ebpf` files are always eBPF.',
  },
  {
    key: 'ebpf.defaultProgramType', type: 'string', default: '',
    description: 'Program type used when neither a `# @prog` annotation nor the section name (libbpf rules) gives one, e.g. `socket_filter` or `xdp`. Empty: socket_filter.',
  },
  {
    key: 'ebpf.verifier.enabled', type: 'boolean', default: true,
    description: 'Run the embedded verifier as you type and show its verdict as diagnostics.',
  },
  {
    key: 'ebpf.verifier.unprivileged', type: 'boolean', default: false,
    description: 'Check with the rules for unprivileged users instead of root (CAP_BPF/CAP_SYS_ADMIN) rules.',
  },
  {
    key: 'ebpf.verifier.maxInstructions', type: 'number', default: 1000000, minimum: 1000, maximum: 1000000,
    description: 'Processed-instruction limit of the embedded verifier (the kernel uses 1,000,000).',
  },
  {
    key: 'ebpf.diagnostics.debounceMs', type: 'number', default: 150, minimum: 0, maximum: 2000,
    description: 'The longest an edit waits for its diagnostics while you keep typing, in milliseconds. An edit after a pause is checked at once; keystrokes that closely follow a check are checked together, at most this long after it (sooner when the file is quick to check).',
  },
  {
    key: 'ebpf.inlayHints.enabled', type: 'boolean', default: true,
    description: 'Show the register state the verifier computes after each instruction, like the `; R0_w=4` notes of the kernel log.',
  },
  {
    key: 'ebpf.trace.server', type: 'string', default: 'off', enum: ['off', 'messages', 'verbose'],
    description: 'Log the messages between VS Code and the eBPF language server to the output channel.',
  },
] as const satisfies readonly SettingDecl[];

/** The `contributes.configuration.properties` object for package.json. */
export function packageJsonProperties(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const s of SETTINGS as readonly SettingDecl[]) {
    const { key, ...rest } = s;
    out[key] = { ...rest, scope: 'resource' };
  }
  return out;
}
