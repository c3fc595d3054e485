/**
 * The ELF package: the object model shared with the assembler, `readElf` (bytes to model, never
 * throws, problems come back as diagnostics) and `writeElf` (model to bytes, laid out as llvm-mc
 * lays out `-filetype=obj` output), the BTF reader and writer, func_info from `.BTF.ext`, and map
 * definitions read from and written into objects.
 */
export * from './types';
export { readElf } from './reader';
export type { ElfReadResult, ElfMapSymbol } from './reader';
export { writeElf } from './writer';
export { mapsFromObject, withObjectMaps } from './maps';
export { readBtf, type Btf } from './btf';
export { readBtfExt, encodeBtfExt, programFuncInfo } from './btfExt';
export type { FuncInfoRecord, FuncInfoSection, BtfExtReadResult } from './btfExt';
export { BtfBuilder, BTF_INT, BTF_LINKAGE } from './btfWriter';
export { withBtfMaps } from './mapsWriter';
