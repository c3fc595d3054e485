/** The interpreter: stepping tier, fast tier, memory regions, maps, helpers and contexts. */
export { Vm, toHex, initMaps, type VmOptions, type VmResult, type RawProgram, type MapsInit } from './vm';
export { VmFault, type FaultKind } from './fault';
export { buildCode, type Code } from './code';
export { Machine, STACK_SIZE, MAX_FRAMES, type MachineEnv } from './machine';
export { interpret, type StopReason, type InterpOptions } from './interp';
export { runFast, compileFast } from './fast';
export { helperName, helperIdByName, emulatedHelperIds } from './helpers';
export { Memory, REGION_TAG, MAP_TAG, FUNC_TAG, type Region } from './memory';
export { VmMap } from './maps';
export { formatPrintf } from './printk';
