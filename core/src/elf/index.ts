/**
 * The ELF package: the object model shared with the assembler, `readElf` (bytes to model, never
 * throws, problems come back as diagnostics) and `writeElf` (model to bytes, laid out as llvm-mc
 * lays out `-filetype=obj` output).
 */
export * from './types';
export { readElf } from './reader';
export type { ElfReadResult, ElfMapSymbol } from './reader';
export { writeElf } from './writer';
export { mapsFromObject, withObjectMaps } from './maps';
export { readBtf, type Btf } from './btf';
