/** The instruction set: fields, the table, the semantic instruction and the codec. */
export * from './opcode';
export * from './insn';
export * from './table';
export * from './template';
export * from './codec';
