/** The language services: pure functions over a document's text or analysis and a position. */
export * from './types';
export * from './syntax';
export * from './analysis';
export * from './hover';
export * from './inlayHints';
export * from './completion';
export * from './navigation';
export * from './folding';
export * from './semanticTokens';
export * from './format';
export * from './codeLens';
export * from './codeActions';
export * from './verifierLog';
export { VerifyCache, verificationKey, type CachedVerification } from './verifyCache';
export * from './stateWords';
export { LINT } from './messages';
export { reachableSlots } from './lint';
