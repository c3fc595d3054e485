/**
 * The catalog of assembler diagnostics. Every message the assembler, the annotation parser and the
 * program builder report comes from here with a stable code, so tests and quick fixes can match on
 * the code. Where llvm-mc reports the same problem, the wording is llvm-mc's.
 *
 * Codes: ASM1xx tokens and syntax, ASM2xx operands, ASM3xx labels and symbols, ASM4xx directives,
 * ASM5xx annotations, ASM6xx program model (maps, calls, program types).
 */
import type { Diagnostic, Severity, SourceRange } from '../diagnostics';

export const MSG = {
  // Tokens and statement syntax.
  unterminatedComment: { code: 'ASM101', text: () => 'unterminated comment' },
  unexpectedToken: { code: 'ASM103', text: () => 'unexpected token' },
  unexpectedTokenAtStart: { code: 'ASM104', text: () => 'unexpected token at start of statement' },
  invalidToken: { code: 'ASM105', text: () => 'invalid register/token name' },
  invalidOperand: { code: 'ASM106', text: () => 'invalid operand for instruction' },
  tooFewOperands: { code: 'ASM111', text: () => 'too few operands for instruction' },
  unknownMnemonic: { code: 'ASM107', text: (name: string) => `unknown instruction '${name}'` },
  mixedDialects: {
    code: 'ASM108',
    text: (dialect: string, line: number) =>
      `mixing LLVM and mnemonic syntax in one file is not supported (this file uses the ${dialect} dialect since line ${line})`,
  },
  invalidCharacter: { code: 'ASM109', text: () => 'invalid character in input' },
  tooManyErrors: { code: 'ASM110', text: (n: number) => `too many errors; ${n} more not shown` },
  // Operands.
  immOutOfRange: { code: 'ASM201', text: () => 'immediate out of range, shall fit in 32 bits' },
  offNot16: { code: 'ASM202', text: () => 'operand is not a 16-bit signed integer' },
  targetNot16: { code: 'ASM203', text: () => 'operand is not an identifier or 16-bit signed integer' },
  targetNot32: { code: 'ASM204', text: () => 'operand is not an identifier or 32-bit signed integer' },
  constraint: { code: 'ASM205', text: () => 'additional inst constraint not met' },
  r11: { code: 'ASM206', text: () => 'register r11 is accepted by llvm-mc but rejected by the kernel' },
  unknownRegister: { code: 'ASM207', text: (name: string) => `unknown register '${name}'` },
  unknownHelper: { code: 'ASM209', text: (name: string) => `unknown helper function '${name}'` },
  numberTooLarge: { code: 'ASM208', text: () => 'integer literal does not fit in 64 bits' },
  // Labels and symbols.
  duplicateLabel: { code: 'ASM301', text: (name: string) => `symbol '${name}' is already defined` },
  undefinedLabel: { code: 'ASM302', text: (name: string) => `undefined label '${name}'` },
  undefinedNumericLabel: { code: 'ASM308', text: () => 'directional label undefined' },
  jumpOutOfRange: { code: 'ASM303', text: (name: string, bits: number) => `jump to '${name}' is out of range: the offset does not fit in ${bits} bits` },
  jumpOtherSection: { code: 'ASM304', text: (name: string) => `jump to '${name}' in another section` },
  jumpGlobal: {
    code: 'ASM305',
    text: (name: string) => `jump to global symbol '${name}' resolved within the section (llvm-mc would emit a relocation here)`,
  },
  sizeUnknown: { code: 'ASM306', text: (name: string) => `.size of unknown symbol '${name}'` },
  exprNotAbsolute: { code: 'ASM307', text: () => 'expression is not an absolute value' },
  notRelocatable: { code: 'ASM309', text: () => 'expected relocatable expression' },
  redefinition: { code: 'ASM310', text: (name: string) => `redefinition of '${name}'` },
  // Directives.
  unknownDirective: { code: 'ASM401', text: () => 'unknown directive' },
  expectedString: { code: 'ASM402', text: () => 'expected string' },
  literalOutOfRange: { code: 'ASM403', text: () => 'out of range literal value' },
  expectedIdentifier: { code: 'ASM404', text: () => 'expected identifier' },
  expectedExpression: { code: 'ASM405', text: () => 'expected expression' },
  expectedEnd: { code: 'ASM406', text: () => 'unexpected token in directive' },
  changedFlags: { code: 'ASM407', text: (name: string, flags: number) => `changed section flags for ${name}, expected: 0x${flags.toString(16)}` },
  badAlignment: { code: 'ASM408', text: () => 'invalid alignment value' },
  badSymbolType: { code: 'ASM409', text: (t: string) => `unsupported attribute '${t}' in '.type' directive` },
  sectionStack: { code: 'ASM411', text: () => '.popsection without corresponding .pushsection' },
  reptNegative: { code: 'ASM412', text: () => 'Count is negative' },
  reptCount: { code: 'ASM413', text: () => "unexpected token in '.rept' directive" },
  reptNoEndr: { code: 'ASM414', text: () => "no matching '.endr' in definition" },
  unmatchedEndr: { code: 'ASM415', text: () => "unmatched '.endr' directive" },
  expectedComma: { code: 'ASM417', text: () => 'expected comma' },
  tooManyRepeats: { code: 'ASM416', text: (n: number) => `.rept expands to more than ${n} statements` },
  // Annotations.
  annUnknown: { code: 'ASM501', text: (name: string) => `unknown annotation '@${name}' (expected @map or @prog)` },
  annMapName: { code: 'ASM502', text: () => '@map needs a map name' },
  annUnknownKey: { code: 'ASM503', text: (key: string) => `unknown @map key '${key}' (expected type, key_size, value_size, max_entries, flags, inner)` },
  annMissingKey: { code: 'ASM504', text: (key: string) => `@map is missing ${key}=` },
  annUnknownMapType: { code: 'ASM505', text: (t: string) => `unknown map type '${t}'` },
  annUnknownFlag: { code: 'ASM506', text: (f: string) => `unknown map flag '${f}'` },
  annBadNumber: { code: 'ASM507', text: (key: string, v: string) => `${key} must be a non-negative integer, not '${v}'` },
  annDuplicateMap: { code: 'ASM508', text: (name: string) => `map '${name}' is already declared` },
  annProgType: { code: 'ASM509', text: (t: string) => `unknown program type '${t}'` },
  annMalformed: { code: 'ASM510', text: (w: string) => `expected key=value, not '${w}'` },
  annUnknownInner: { code: 'ASM511', text: (name: string) => `inner map '${name}' is not declared` },
  // Program model.
  unknownMap: { code: 'ASM601', text: (name: string) => `'${name}' is not a map: declare it with '# @map ${name} type=... key_size=... value_size=... max_entries=...'` },
  undefinedFunction: { code: 'ASM602', text: (name: string) => `call to undefined function ${name}` },
  helperByName: { code: 'ASM603', text: (name: string, id: number) => `call ${name} assembled as helper call ${id} (llvm-mc would emit a relocation)` },
  badCallTarget: { code: 'ASM604', text: (what: string) => `call target ${what} is not the start of an instruction in .text` },
  noProgType: { code: 'ASM605', text: (section: string) => `no program type for section '${section}'; using socket_filter (add '# @prog TYPE')` },
  badReloc: { code: 'ASM606', text: (what: string) => `unsupported relocation: ${what}` },
  decodeError: { code: 'ASM607', text: (what: string) => what },
} as const;

export function diag(
  m: { code: string },
  severity: Severity,
  message: string,
  range: SourceRange,
): Diagnostic {
  return { code: m.code, severity, message, range };
}
