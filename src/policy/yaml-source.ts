// A parsed policy document that keeps its source positions, so every diagnostic can point at the exact
// YAML node (a value, or the key that introduces it).
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import { toJsonPointer, type Diagnostic } from './diagnostic.js';

export interface Position {
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

/** `key`: the key that introduces the node (or the item itself in a list); `value`: the node. */
export type Target = 'key' | 'value';

export type Locate = (path: readonly (string | number)[], target?: Target) => Position;

export interface YamlSource {
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  locate: Locate;
}

export function parseYamlSource(text: string): { source: YamlSource; errors: Omit<Diagnostic, 'file'>[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const source: YamlSource = { text, doc, lineCounter, locate: (path, target = 'value') => locateNode(source, path, target) };
  const errors: Omit<Diagnostic, 'file'>[] = [];
  let syntaxReported = false;
  for (const e of doc.errors) {
    if (e.code === 'DUPLICATE_KEY') {
      errors.push(duplicateKeyDiagnostic(source, e.pos[0]));
      continue;
    }
    // After the first syntax error the parser's recovery produces follow-on noise; report the cause only.
    if (syntaxReported) continue;
    syntaxReported = true;
    const start = lineCounter.linePos(e.pos[0]);
    const end = lineCounter.linePos(Math.max(e.pos[1], e.pos[0] + 1));
    const d: Omit<Diagnostic, 'file'> = {
      severity: 'error',
      code: 'yaml-syntax',
      message: yamlMessage(e.code, e.message),
      hint: yamlHint(e.code),
      line: start.line,
      col: start.col,
    };
    if (end.line === start.line) {
      d.endLine = end.line;
      d.endCol = end.col;
    }
    errors.push(d);
  }
  return { source, errors };
}

function yamlMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'YAML syntax error: the file holds more than one YAML document (`---`)';
  const firstLine = message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
  return `YAML syntax error: ${lowerFirst(firstLine)}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function yamlHint(code: string): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'indent with spaces; YAML does not allow tabs';
    case 'MULTIPLE_DOCS':
      return 'put one policy per file; remove the `---` separator and move the second document to its own file';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
    case 'UNEXPECTED_TOKEN':
      return 'check the indentation and the closing brackets/quotes around this line';
    default:
      return 'fix the YAML syntax at this position';
  }
}

function duplicateKeyDiagnostic(source: YamlSource, offset: number): Omit<Diagnostic, 'file'> {
  const pos = source.lineCounter.linePos(offset);
  let key = '';
  let first: { line: number; col: number } | undefined;
  let path: (string | number)[] = [];
  visit(source.doc, {
    Map(_k, map, ancestry) {
      const items = map.items as Pair[];
      const dup = items.find((p) => isScalar(p.key) && p.key.range?.[0] === offset);
      if (!dup || !isScalar(dup.key)) return undefined;
      key = String(dup.key.value);
      const earlier = items.find((p) => p !== dup && isScalar(p.key) && String(p.key.value) === key);
      if (earlier && isScalar(earlier.key) && earlier.key.range) first = source.lineCounter.linePos(earlier.key.range[0]);
      path = [...pathOf(ancestry), key];
      return visit.BREAK;
    },
  });
  const where = first ? `; it is already defined at line ${first.line}, col ${first.col}` : '';
  return {
    severity: 'error',
    code: 'duplicate-key',
    message: `duplicate key \`${key}\`${where}`,
    hint: 'YAML keeps only one of them; merge the two entries or rename one',
    line: pos.line,
    col: pos.col,
    endLine: pos.line,
    endCol: pos.col + Math.max(1, key.length),
    path: toJsonPointer(path),
  };
}

/** JSON path of the node whose ancestry `visit` reports. */
function pathOf(ancestry: readonly unknown[]): (string | number)[] {
  const out: (string | number)[] = [];
  for (let i = 0; i < ancestry.length; i++) {
    const a = ancestry[i];
    const next = ancestry[i + 1];
    if (isPair(a) && isScalar(a.key)) out.push(String(a.key.value));
    else if (isSeq(a) && next !== undefined) out.push(a.items.indexOf(next as Node));
  }
  return out;
}

interface Found {
  node: Node | null | undefined;
  pair?: Pair;
  /** A list item (no key of its own). */
  item?: Node;
  complete: boolean;
}

function findPath(doc: Document, path: readonly (string | number)[]): Found {
  let node: Node | null | undefined = doc.contents as Node | null;
  let found: Found = { node, complete: true };
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc) as Node | undefined;
    if (isMap(node)) {
      const pair = (node.items as Pair[]).find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { ...found, complete: false };
      node = pair.value as Node | null;
      found = { node, pair, complete: true };
    } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (item === undefined) return { ...found, complete: false };
      node = item;
      found = { node, item, complete: true };
    } else {
      return { ...found, complete: false };
    }
  }
  return found;
}

function locateNode(source: YamlSource, path: readonly (string | number)[], target: Target): Position {
  const found = findPath(source.doc, path);
  const lc = source.lineCounter;
  let range: [number, number] | undefined;
  if (target === 'key' && found.complete && found.pair && isScalar(found.pair.key) && found.pair.key.range) {
    range = [found.pair.key.range[0], found.pair.key.range[1]];
  } else if (target === 'key' && found.complete && path.length === 0) {
    // The document itself: point at its first key.
    const first = isMap(found.node) ? (found.node.items[0] as Pair | undefined) : undefined;
    const r = first && isScalar(first.key) ? first.key.range : undefined;
    range = r ? [r[0], r[1]] : undefined;
  } else {
    const n = found.node;
    if (n && n.range) range = [n.range[0], n.range[1]];
    else if (found.pair && isScalar(found.pair.key) && found.pair.key.range) range = [found.pair.key.range[0], found.pair.key.range[1]];
  }
  if (!range) return { line: 1, col: 1 };
  const start = lc.linePos(range[0]);
  let end = lc.linePos(Math.max(range[0], range[1]));
  if (end.line !== start.line) {
    // A block spanning lines: underline its first line only.
    const lineEnd = source.text.indexOf('\n', range[0]);
    end = lc.linePos(lineEnd < 0 ? source.text.length : lineEnd);
    end = { line: start.line, col: Math.max(end.col, start.col + 1) };
  }
  if (end.col <= start.col) end = { line: start.line, col: start.col + 1 };
  return { line: start.line, col: start.col, endLine: end.line, endCol: end.col };
}
