/**
 * Finds the comments of a document. The assembler's lexer drops comments, but folding (block
 * comments), semantic tokens and formatting (aligned trailing comments) need to know where they are.
 * The scan follows the lexer's rules: `#` and `//` run to the end of the line, `/* *\/` may span
 * lines, and nothing inside a string literal starts a comment. It never throws and is linear.
 */

export interface Comment {
  line: number;
  column: number;
  endLine: number;
  /** Exclusive end column on endLine. */
  endColumn: number;
  block: boolean;
  text: string;
}

export function scanComments(text: string): Comment[] {
  const out: Comment[] = [];
  const n = text.length;
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) { i++; line++; lineStart = i; continue; }
    if (c === 34) {
      // A string runs to its closing quote or the end of the line.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 10) break;
        if (d === 92) { i += 2; continue; }
        i++;
        if (d === 34) break;
      }
      continue;
    }
    if (c === 35 || (c === 47 && text.charCodeAt(i + 1) === 47)) {
      let end = text.indexOf('\n', i);
      if (end < 0) end = n;
      const column = i - lineStart + 1;
      out.push({ line, column, endLine: line, endColumn: column + (end - i), block: false, text: text.slice(i, end) });
      i = end;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const startLine = line;
      const column = i - lineStart + 1;
      let end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let k = i; k < stop; k++) {
        if (text.charCodeAt(k) === 10) { line++; lineStart = k + 1; }
      }
      out.push({ line: startLine, column, endLine: line, endColumn: stop - lineStart + 1, block: true, text: text.slice(i, stop) });
      i = stop;
      end = stop;
      continue;
    }
    i++;
  }
  return out;
}
