/**
 * The server's view of the extension's settings. The client sends them as initializationOptions
 * (flat keys, see client/src/ctx.ts) and later as the `ebpf` section of
 * workspace/didChangeConfiguration (the package.json shape: `verifier.enabled`, `inlayHints.enabled`,
 * ...); both shapes are read here, and anything missing keeps its default.
 */
export interface ServerSettings {
  defaultProgramType: string;
  verifierEnabled: boolean;
  unprivileged: boolean;
  maxInstructions: number;
  inlayHints: boolean;
  /**
   * The longest an edit waits for its analysis while typing continues, in milliseconds. An edit
   * after a pause is analysed at once; edits that closely follow an analysis are gathered into one
   * analysis at the end of a window that this caps (shorter when analyses are quick; documents.ts).
   */
  debounceMs: number;
  /** Wall-clock budget of the verifier per analysis, so a program that loops to the limit cannot stall the server. */
  verifierBudgetMs: number;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  defaultProgramType: '', verifierEnabled: true, unprivileged: false, maxInstructions: 1_000_000, inlayHints: true, debounceMs: 150, verifierBudgetMs: 400,
};

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function pick<T>(v: unknown, type: 'string' | 'boolean' | 'number', fallback: T): T {
  return typeof v === type ? (v as T) : fallback;
}

export function readSettings(raw: unknown, base: ServerSettings = DEFAULT_SETTINGS): ServerSettings {
  if (!isObj(raw)) return base;
  const src: Obj = isObj(raw['ebpf']) ? (raw['ebpf'] as Obj) : raw;
  const verifier = isObj(src['verifier']) ? (src['verifier'] as Obj) : {};
  const hints = isObj(src['inlayHints']) ? (src['inlayHints'] as Obj) : {};
  const diagnostics = isObj(src['diagnostics']) ? (src['diagnostics'] as Obj) : {};
  const max = pick(src['maxInstructions'] ?? verifier['maxInstructions'], 'number', base.maxInstructions);
  return {
    defaultProgramType: pick(src['defaultProgramType'], 'string', base.defaultProgramType),
    verifierEnabled: pick(src['verifierEnabled'] ?? verifier['enabled'], 'boolean', base.verifierEnabled),
    unprivileged: pick(src['unprivileged'] ?? verifier['unprivileged'], 'boolean', base.unprivileged),
    maxInstructions: Math.min(1_000_000, Math.max(1, max)),
    inlayHints: pick(typeof src['inlayHints'] === 'boolean' ? src['inlayHints'] : hints['enabled'], 'boolean', base.inlayHints),
    debounceMs: Math.min(2000, Math.max(0, pick(src['debounceMs'] ?? diagnostics['debounceMs'], 'number', base.debounceMs))),
    verifierBudgetMs: pick(src['verifierBudgetMs'], 'number', base.verifierBudgetMs),
  };
}
