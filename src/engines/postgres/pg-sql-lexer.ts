// A small streaming SQL lexer for the script `pg_restore --file=-` prints: enough to cut it into statements
// and to tell keywords from quoted names, so that the roles a restore names can be read exactly. Function
// bodies, comments and string literals are skipped as whole tokens (their text is dropped), so a body that
// happens to contain `ALTER … OWNER TO x;` is never mistaken for a statement. Fed line by line (the script
// can be large); only the current statement's tokens are held.

export interface SqlToken {
  /** word: an unquoted keyword or name (ASCII folded to lower case); ident: a "quoted" name (unescaped); string: any literal (text dropped). */
  kind: 'word' | 'ident' | 'string' | 'symbol';
  text: string;
}

type Mode = { in: 'code' } | { in: 'string'; escapes: boolean } | { in: 'ident'; text: string } | { in: 'dollar'; tag: string } | { in: 'comment'; depth: number };

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_REST = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/;

/** Unquoted names fold to lower case the way the server folds them (ASCII letters only). */
function foldWord(word: string): string {
  return word.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

export class SqlStatementSplitter {
  private mode: Mode = { in: 'code' };
  private tokens: SqlToken[] = [];
  private depth = 0;

  constructor(private readonly onStatement: (tokens: SqlToken[]) => void) {}

  /** One line of the script, without its newline. */
  pushLine(line: string): void {
    // psql meta-commands (\restrict, \connect …) are whole lines outside any statement.
    if (this.mode.in === 'code' && this.tokens.length === 0 && line.startsWith('\\')) return;
    let i = 0;
    while (i < line.length) i = this.step(line, i);
    if (this.mode.in === 'ident') this.mode.text += '\n';
  }

  /** The end of the script: a last statement without its semicolon still counts. */
  end(): void {
    this.finishStatement();
  }

  private step(line: string, i: number): number {
    const mode = this.mode;
    switch (mode.in) {
      case 'string':
        return this.stepString(line, i, mode.escapes);
      case 'ident': {
        const close = line.indexOf('"', i);
        if (close < 0) {
          mode.text += line.slice(i);
          return line.length;
        }
        if (line[close + 1] === '"') {
          mode.text += `${line.slice(i, close)}"`;
          return close + 2;
        }
        this.emit({ kind: 'ident', text: mode.text + line.slice(i, close) });
        this.mode = { in: 'code' };
        return close + 1;
      }
      case 'dollar': {
        const close = line.indexOf(mode.tag, i);
        if (close < 0) return line.length;
        this.emit({ kind: 'string', text: '' });
        this.mode = { in: 'code' };
        return close + mode.tag.length;
      }
      case 'comment':
        return this.stepComment(line, i, mode);
      case 'code':
        return this.stepCode(line, i);
    }
  }

  private stepCode(line: string, i: number): number {
    const char = line[i]!;
    if (/\s/.test(char)) return i + 1;
    if (char === '-' && line[i + 1] === '-') return line.length;
    if (char === '/' && line[i + 1] === '*') {
      this.mode = { in: 'comment', depth: 1 };
      return i + 2;
    }
    if (char === "'") {
      this.mode = { in: 'string', escapes: false };
      return i + 1;
    }
    if (char === '"') {
      this.mode = { in: 'ident', text: '' };
      return i + 1;
    }
    if (char === '$') {
      const tag = DOLLAR_TAG.exec(line.slice(i, i + 200));
      if (tag) {
        this.mode = { in: 'dollar', tag: tag[0] };
        return i + tag[0].length;
      }
    }
    if (WORD_START.test(char)) {
      let end = i + 1;
      while (end < line.length && WORD_REST.test(line[end]!)) end += 1;
      const word = line.slice(i, end);
      // E'…' is a string with backslash escapes, not the word "e" followed by a string.
      if ((word === 'E' || word === 'e') && line[end] === "'") {
        this.mode = { in: 'string', escapes: true };
        return end + 1;
      }
      this.emit({ kind: 'word', text: foldWord(word) });
      return end;
    }
    if (char === ';' && this.depth === 0) {
      this.finishStatement();
      return i + 1;
    }
    if (char === '(') this.depth += 1;
    if (char === ')') this.depth = Math.max(0, this.depth - 1);
    this.emit({ kind: 'symbol', text: char });
    return i + 1;
  }

  private stepString(line: string, i: number, escapes: boolean): number {
    for (let j = i; j < line.length; j += 1) {
      const char = line[j];
      if (escapes && char === '\\') {
        j += 1;
        continue;
      }
      if (char !== "'") continue;
      if (line[j + 1] === "'") {
        j += 1;
        continue;
      }
      this.emit({ kind: 'string', text: '' });
      this.mode = { in: 'code' };
      return j + 1;
    }
    return line.length;
  }

  private stepComment(line: string, i: number, mode: { in: 'comment'; depth: number }): number {
    for (let j = i; j < line.length - 1; j += 1) {
      const pair = line.slice(j, j + 2);
      if (pair === '/*') {
        mode.depth += 1;
        j += 1;
      } else if (pair === '*/') {
        mode.depth -= 1;
        if (mode.depth === 0) {
          this.mode = { in: 'code' };
          return j + 2;
        }
        j += 1;
      }
    }
    return line.length;
  }

  private emit(token: SqlToken): void {
    this.tokens.push(token);
  }

  private finishStatement(): void {
    const tokens = this.tokens;
    this.tokens = [];
    this.depth = 0;
    if (tokens.length > 0) this.onStatement(tokens);
  }
}
