/**
 * The verifier's public entry point: `verifyProgram` checks one program the way the Linux 6.18
 * verifier does (privileged rules by default) and returns the verdict, the kernel-worded error at the
 * instruction the kernel blames, a kernel-style log, statistics and, on request, the register and
 * stack state at every instruction for the editor.
 */
import type { MapDef, Program } from '../program/model';
import { runVerifier } from './driver';
import type { VerifyOptions, VerifyResult } from './types';

export type { VerifyOptions, VerifyResult, InsnStates, StateView, VerifyError } from './types';

export function verifyProgram(prog: Program, maps: MapDef[], opts: VerifyOptions = {}): VerifyResult {
  return runVerifier(prog, maps, opts);
}
