/** The embedded verifier the server runs after each edit (the kernel-style one of core/src/verifier). */
import type { VerifyFn } from '../../core/src/lang';
import { verifyProgram } from '../../core/src/verifier';

export function defaultVerifier(): VerifyFn | undefined {
  return verifyProgram;
}
