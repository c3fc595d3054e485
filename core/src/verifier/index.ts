/**
 * The verifier's public entry point: `verifyProgram` checks one program the way the Linux 6.18
 * verifier does (privileged rules by default) and returns the verdict, the kernel-worded error at the
 * instruction the kernel blames, a kernel-style log, statistics and, on request, the register and
 * stack state at every instruction for the editor.
 */
import type { MapDef, Program } from '../program/model';
import { runVerifier } from './driver';
import { retryWidened, chooseCallbackResult } from './callbacks';
import type { VerifyOptions, VerifyResult } from './types';

export type { VerifyOptions, VerifyResult, InsnStates, StateView, VerifyError } from './types';

export function verifyProgram(prog: Program, maps: MapDef[], opts: VerifyOptions = {}): VerifyResult {
  const first = runVerifier(prog, maps, opts, 'precise');
  if (!retryWidened(prog, first)) return first;
  // Our precision is per checkpoint, coarser than the kernel's, and may keep a callback's counter exact
  // where the kernel widens it; a walk that lets only needs inside callbacks keep scalars is also sound.
  return chooseCallbackResult(first, runVerifier(prog, maps, opts, 'inCallbacks'));
}
