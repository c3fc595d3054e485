/**
 * The format rules of bpf_trace_printk and bpf_snprintf as the kernel checks them (bpf_bprintf_prepare):
 * conversions %d %i %u %x %X %c %s %p (with the kernel's pointer modifiers) and %%, optional `l`/`ll`,
 * flags among "0+- " and a decimal width, no precision. A format the kernel would refuse gives an
 * error message instead of text; the helper then returns -EINVAL.
 */

export interface PrintfArg {
  lo: number;
  hi: number;
}

/** Reads a NUL-terminated string argument for %s (the caller resolves the pointer). */
export type StringReader = (arg: PrintfArg) => string | undefined;

export function formatPrintf(fmt: string, args: PrintfArg[], readStr: StringReader): { text: string } | { error: string } {
  let out = '';
  let next = 0;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      const code = c.charCodeAt(0);
      if (code >= 0x80 || (code < 0x20 && c !== '\n' && c !== '\t' && c !== '\r')) {
        if (!(c === ' ' || /[\x20-\x7e]/.test(c))) return { error: `non-printable character 0x${code.toString(16)} in the format` };
      }
      out += c;
      continue;
    }
    i++;
    if (i >= fmt.length) return { error: 'format ends after %' };
    if (fmt[i] === '%') { out += '%'; continue; }
    let flags = '';
    while (i < fmt.length && '0+- '.includes(fmt[i]!)) flags += fmt[i++];
    let width = 0;
    if (fmt[i]! >= '1' && fmt[i]! <= '9') {
      while (fmt[i]! >= '0' && fmt[i]! <= '9') width = width * 10 + Number(fmt[i++]);
    }
    if (next >= args.length) return { error: 'more conversions than arguments' };
    const arg = args[next++]!;
    let conv = fmt[i];
    let body: string;
    if (conv === 'p') {
      const mod = fmt[i + 1];
      if (mod === 'K' || mod === 'x' || mod === 'B') i++;
      else if ((mod === 'i' || mod === 'I') && (fmt[i + 2] === '4' || fmt[i + 2] === '6')) {
        return { error: 'the %pI4/%pI6 conversions are not emulated' };
      } else if ((mod === 'k' || mod === 'u') && fmt[i + 2] === 's') {
        const s = readStr(arg);
        if (s === undefined) return { error: 'invalid string pointer' };
        i += 2;
        out += pad(s, width, flags);
        continue;
      }
      body = '0x' + hex(arg, false);
      if (mod === 'K') body = '0x0000000000000000';
      out += pad(body, width, flags);
      continue;
    }
    if (conv === 's') {
      const s = readStr(arg);
      if (s === undefined) return { error: 'invalid string pointer' };
      out += pad(s, width, flags);
      continue;
    }
    if (conv === 'c') { out += pad(String.fromCharCode(arg.lo & 0xff), width, flags); continue; }
    let longness = 0;
    while (conv === 'l' && longness < 2) { longness++; i++; conv = fmt[i]; }
    const wide = longness > 0;
    switch (conv) {
      case 'd': case 'i': {
        const v = wide ? BigInt.asIntN(64, (BigInt(arg.hi >>> 0) << 32n) | BigInt(arg.lo >>> 0)) : BigInt(arg.lo | 0);
        let s = (v < 0n ? -v : v).toString();
        const sign = v < 0n ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
        if (flags.includes('0') && !flags.includes('-')) s = s.padStart(width - sign.length, '0');
        out += pad(sign + s, width, flags);
        break;
      }
      case 'u': {
        const v = wide ? (BigInt(arg.hi >>> 0) << 32n) | BigInt(arg.lo >>> 0) : BigInt(arg.lo >>> 0);
        out += numPad(v.toString(), width, flags);
        break;
      }
      case 'x': case 'X': {
        const s = wide ? hex(arg, false) : (arg.lo >>> 0).toString(16);
        out += numPad(conv === 'X' ? s.toUpperCase() : s, width, flags);
        break;
      }
      default:
        return { error: `invalid conversion %${conv ?? ''}` };
    }
  }
  return { text: out };
}

function hex(a: PrintfArg, _upper: boolean): string {
  return a.hi === 0 ? (a.lo >>> 0).toString(16) : (a.hi >>> 0).toString(16) + (a.lo >>> 0).toString(16).padStart(8, '0');
}

function numPad(s: string, width: number, flags: string): string {
  if (flags.includes('0') && !flags.includes('-')) return s.padStart(width, '0');
  return pad(s, width, flags);
}

function pad(s: string, width: number, flags: string): string {
  return flags.includes('-') ? s.padEnd(width) : s.padStart(width);
}

/** Number of conversions that take an argument, or an error for a malformed format. */
export function countConversions(fmt: string): number {
  let n = 0;
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] !== '%') continue;
    if (fmt[i + 1] === '%') { i++; continue; }
    n++;
  }
  return n;
}
