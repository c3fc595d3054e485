/** The assembler: lexer, both instruction dialects, directives, annotations and the object it builds. */
export * from './lexer';
export * from './messages';
export * from './operands';
export * from './llvmParser';
export * from './mnemonicParser';
export * from './directives';
export * from './annotations';
export * from './objectBuilder';
export * from './assembler';
export * from './printer';
export * from './mnemonicPrinter';
export * from './disassembler';
