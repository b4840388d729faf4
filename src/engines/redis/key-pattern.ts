// Key patterns in Redis glob syntax (as SCAN MATCH and KEYS use them: * ? [abc] [^a-z] \x), matched
// against raw key bytes. Patterns and keys are compared byte for byte (UTF-8 patterns, binary keys).

function escapeRegExp(char: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(char) ? `\\${char}` : char;
}

/** A RegExp over latin1 strings (one char per byte) equivalent to the Redis glob `pattern`. */
export function globToRegExp(pattern: string): RegExp {
  const bytes = Buffer.from(pattern, 'utf8').toString('latin1');
  let out = '^';
  for (let i = 0; i < bytes.length; i += 1) {
    const c = bytes[i]!;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '\\' && i + 1 < bytes.length) out += escapeRegExp(bytes[++i]!);
    else if (c === '[') {
      const close = findClassEnd(bytes, i + 1);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = bytes.slice(i + 1, close);
      let negate = false;
      if (body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      let cls = '';
      for (let j = 0; j < body.length; j += 1) {
        const d = body[j]!;
        if (d === '\\' && j + 1 < body.length) cls += escapeRegExp(body[++j]!);
        else if (d === '-' && cls !== '' && j + 1 < body.length) cls += '-';
        else cls += escapeRegExp(d);
      }
      out += cls === '' ? (negate ? '[\\s\\S]' : '(?!)') : `[${negate ? '^' : ''}${cls}]`;
      i = close;
    } else out += escapeRegExp(c);
  }
  return new RegExp(`${out}$`);
}

function findClassEnd(bytes: string, from: number): number {
  for (let i = from; i < bytes.length; i += 1) {
    if (bytes[i] === '\\') i += 1;
    else if (bytes[i] === ']' && i > from) return i;
  }
  return -1;
}

export type KeyPredicate = (key: Buffer) => boolean;

function anyOf(patterns: readonly string[]): (key: string) => boolean {
  const regexps = patterns.map(globToRegExp);
  return (key) => regexps.some((r) => r.test(key));
}

/** Keys selected by include (all when empty) and not excluded; undefined when nothing filters. */
export function createKeyFilter(include: readonly string[] = [], exclude: readonly string[] = []): KeyPredicate | undefined {
  if (include.length === 0 && exclude.length === 0) return undefined;
  const included = include.length > 0 ? anyOf(include) : () => true;
  const excluded = exclude.length > 0 ? anyOf(exclude) : () => false;
  return (key) => {
    const text = key.toString('latin1');
    return included(text) && !excluded(text);
  };
}
