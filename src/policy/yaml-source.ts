// A parsed policy document that keeps its source positions, so every diagnostic can point at the exact
// YAML node (a value, or the key that introduces it).
//
// Linear in the size of the document: the yaml library's own duplicate-key check (`uniqueKeys`) compares
// each new key with every earlier key of its mapping (quadratic: a 5 MB policy took minutes), so it is off
// and duplicates are found here with one Set per mapping; and a lookup by path indexes each mapping's keys
// once instead of scanning them for every diagnostic.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
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

/**
 * The fast path for a well-formed policy: its data from js-yaml (the core schema, as the yaml library's YAML 1.2
 * default reads it: no timestamps, no `<<` merges), which is several times faster than building the yaml
 * library's position-keeping document (440 ms against 65 ms for a 150 kB policy, cold). That document is built
 * only when something asks for a position, i.e. when there is a diagnostic to place. Anything js-yaml refuses
 * (a syntax error, a duplicate key, several documents) returns undefined: the full path reports it.
 */
export function parseWellFormedYaml(text: string): { data: unknown; source: YamlSource } | undefined {
  let data: unknown;
  try {
    // An empty file is undefined to js-yaml and null to the yaml library.
    data = loadYaml(text, { schema: CORE_SCHEMA }) ?? null;
  } catch {
    return undefined;
  }
  let full: YamlSource | undefined;
  const parsed = (): YamlSource => (full ??= parseYamlSource(text).source);
  const source: YamlSource = {
    text,
    get doc() {
      return parsed().doc;
    },
    get lineCounter() {
      return parsed().lineCounter;
    },
    locate: (path, target) => parsed().locate(path, target),
  };
  return { data, source };
}

export function parseYamlSource(text: string): { source: YamlSource; errors: Omit<Diagnostic, 'file'>[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const index = new KeyIndex();
  const source: YamlSource = { text, doc, lineCounter, locate: (path, target = 'value') => locateNode(source, index, path, target) };
  const errors: Omit<Diagnostic, 'file'>[] = [];
  let syntaxReported = false;
  for (const e of doc.errors) {
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
  errors.push(...findDuplicateKeys(doc.contents as Node | null).map((dup) => duplicateKeyDiagnostic(lineCounter, dup)));
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

/** Scalar keys are equal when their values are (as the yaml library's `uniqueKeys` compares them). */
function keyIdentity(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const v = key.value;
  return `${v === null ? 'null' : typeof v}:${String(v)}`;
}

interface DuplicateKey {
  key: Pair['key'] & { range?: [number, number, number] | null };
  name: string;
  first: Pair['key'] & { range?: [number, number, number] | null };
  path: (string | number)[];
}

/** Every key that repeats an earlier key of its mapping, in one pass over the document (aliases are not followed). */
export function findDuplicateKeys(root: Node | null): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const path: (string | number)[] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Map<string, Pair>();
      for (const pair of node.items as Pair[]) {
        const id = keyIdentity(pair.key);
        const name = isScalar(pair.key) ? String(pair.key.value) : '';
        if (id !== undefined) {
          const earlier = seen.get(id);
          if (earlier) out.push({ key: pair.key as DuplicateKey['key'], name, first: earlier.key as DuplicateKey['first'], path: [...path, name] });
          else seen.set(id, pair);
        }
        path.push(name);
        walk(pair.value);
        path.pop();
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        path.push(i);
        walk(item);
        path.pop();
      });
    }
  };
  walk(root);
  return out;
}

function duplicateKeyDiagnostic(lineCounter: LineCounter, dup: DuplicateKey): Omit<Diagnostic, 'file'> {
  const pos = lineCounter.linePos(dup.key.range?.[0] ?? 0);
  const first = dup.first.range ? lineCounter.linePos(dup.first.range[0]) : undefined;
  const where = first ? `; it is already defined at line ${first.line}, col ${first.col}` : '';
  return {
    severity: 'error',
    code: 'duplicate-key',
    message: `duplicate key \`${dup.name}\`${where}`,
    hint: 'YAML keeps only one of them; merge the two entries or rename one',
    line: pos.line,
    col: pos.col,
    endLine: pos.line,
    endCol: pos.col + Math.max(1, dup.name.length),
    path: toJsonPointer(dup.path),
  };
}

/** Per mapping, its pairs by key text (the first of duplicates, as a scan would find), built on first use. */
class KeyIndex {
  private readonly maps = new WeakMap<YAMLMap, Map<string, Pair>>();

  pair(map: YAMLMap, key: string): Pair | undefined {
    let byKey = this.maps.get(map);
    if (!byKey) {
      byKey = new Map();
      for (const p of map.items as Pair[]) {
        if (!isScalar(p.key)) continue;
        const k = String(p.key.value);
        if (!byKey.has(k)) byKey.set(k, p);
      }
      this.maps.set(map, byKey);
    }
    return byKey.get(key);
  }
}

interface Found {
  node: Node | null | undefined;
  pair?: Pair;
  /** A list item (no key of its own). */
  item?: Node;
  complete: boolean;
}

function findPath(doc: Document, index: KeyIndex, path: readonly (string | number)[]): Found {
  let node: Node | null | undefined = doc.contents as Node | null;
  let found: Found = { node, complete: true };
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc) as Node | undefined;
    if (isMap(node)) {
      const pair = index.pair(node, String(seg));
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

function locateNode(source: YamlSource, index: KeyIndex, path: readonly (string | number)[], target: Target): Position {
  const found = findPath(source.doc, index, path);
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
