/**
 * The level-1 verifier log against the running kernel's, on every program of the verifier corpus.
 * Level 1 is what libbpf asks for when a load fails, so it is the log people usually see: the kernel
 * keeps only the path that failed (each finished path is cut from the log when the next queued one
 * starts) and, for an accepted program, only the statistics line. Map addresses, which the kernel
 * prints as kernel pointers, are the only thing normalised. Needs root and llvm-mc-22 (the kernel's
 * copy of each program is llvm-mc's, as when the corpus was recorded).
 */
import * as assert from 'assert';
import { readFileSync } from 'fs';
import { join } from 'path';
import { runCli } from '../../../core/src/cli/main';
import { kernelBatch, kernelUnavailable } from '../../kernel/kernel';
import { hasTool } from '../../helpers/tools';
import { corpusFiles, prepare } from './record';

const DIR = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'verifier');
/** The kernel's ENOSPC: the log did not fit; such programs are left out. */
const ENOSPC = 28;

/** `r1 = <map>` prints a kernel address in the kernel's log and `map[id:N]` in ours. */
function normalised(log: string): string {
  return log.replace(/= (0xffff[0-9a-f]{12}|map\[id:\d+\]) +;/g, '= MAP ;').replace(/ +;/g, ' ;').trim();
}

async function ourLog(file: string): Promise<string> {
  let out = '';
  await runCli(['verify', file, '--log-level', '1'], { out: (t) => { out += t; }, err: () => undefined, readStdin: async () => '' });
  // The log ends with the statistics line; what follows is the CLI's own summary.
  const stats = out.indexOf('processed ');
  return out.slice(0, out.indexOf('\n', stats) + 1);
}

describe('verifier log at level 1 against the kernel', function () {
  this.timeout(600_000);

  it('prints the same log as the kernel for at least 93 % of the corpus', async function () {
    const why = kernelUnavailable() ?? (hasTool('llvm-mc-22') ? undefined : 'needs llvm-mc-22 (Debian package llvm-22)');
    if (why) { (this.test!.parent as any).skipReason = why; this.skip(); }
    const prepared = corpusFiles(DIR).map((f) => prepare(f, readFileSync(join(DIR, f), 'utf8'))).flatMap((p) => ('error' in p ? [] : [p]));
    const results = kernelBatch(prepared.map((p) => ({ ...p.request, logLevel: 1 })));
    let same = 0, compared = 0;
    const differing: string[] = [];
    for (let i = 0; i < prepared.length; i++) {
      const k = results[i]!;
      if (k.errno === ENOSPC) continue;
      compared++;
      const theirs = normalised(k.log).split('\n'), ours = normalised(await ourLog(join(DIR, prepared[i]!.entry.file))).split('\n');
      let at = 0;
      while (at < theirs.length && theirs[at] === ours[at]) at++;
      if (at === theirs.length && at === ours.length) same++;
      else differing.push(`${prepared[i]!.entry.file}, line ${at + 1}:\n  kernel: ${theirs[at] ?? '<end>'}\n  ours:   ${ours[at] ?? '<end>'}`);
    }
    const share = (100 * same) / Math.max(compared, 1);
    console.log(`      level-1 logs equal to the kernel's: ${same}/${compared} (${share.toFixed(1)} %)`);
    assert.ok(compared > 400, `only ${compared} programs compared`);
    assert.ok(share >= 93, `${share.toFixed(1)} % equal; first differences:\n${differing.slice(0, 8).join('\n')}`);
  });
});
