// Turns ajv errors into plain-English diagnostics that name the thing at fault ("files source `a`"),
// point at the right YAML node and say what to write instead.
import type { ErrorObject } from 'ajv/dist/2020.js';
import { toJsonPointer, fromJsonPointer, type Diagnostic } from './diagnostic.js';
import { schemaDef, unionBranches } from './schema.js';
import { closest, didYouMean } from './suggest.js';
import type { Locate, Target } from './yaml-source.js';

type Json = unknown;
type SchemaNode = Record<string, unknown>;

interface Finding {
  path: (string | number)[];
  target: Target;
  code: string;
  message: string;
  hint?: string;
}

const PATTERNS: Record<string, { what: string; hint: string }> = {
  '^([0-9]+(s|m|h|d|w))+$': {
    what: 'a duration',
    hint: 'write a number and a unit (s, m, h, d, w), e.g. 90s, 5m, 1h30m, 7d',
  },
  '^(every-backup|hourly|daily|weekly|monthly|quarterly|yearly|never|([0-9]+(s|m|h|d|w))+)$': {
    what: 'a cadence',
    hint: 'use every-backup, hourly, daily, weekly, monthly, quarterly, yearly, never, or a duration such as 14d',
  },
  '^[a-z0-9][a-z0-9_-]{0,62}$': {
    what: 'a valid name',
    hint: "use lower-case letters, digits, '-' and '_', starting with a letter or digit (at most 63 characters)",
  },
  '^[a-z0-9][a-z0-9-]{0,62}$': {
    what: 'a valid system name',
    hint: "use lower-case letters, digits and '-', starting with a letter or digit (at most 63 characters)",
  },
  '^/': { what: 'an absolute path', hint: 'write a path that starts with /' },
  '^(age1[0-9a-z]{58}|ssh-(ed25519|rsa) .+)$': {
    what: 'an age recipient',
    hint: 'use an age public key (age1…, as printed by `age-keygen -y`) or an SSH public key (ssh-ed25519 … / ssh-rsa …)',
  },
};

const UNION_KIND: Record<string, string> = { source: 'source', storage: 'storage', scheduler: 'scheduler' };

export function schemaDiagnostics(errors: ErrorObject[], data: Json, file: string, locate: Locate): Diagnostic[] {
  const findings: Finding[] = [];
  const pathsWithErrors = new Set(errors.filter((e) => !['oneOf', 'anyOf', 'if'].includes(e.keyword)).map((e) => e.instancePath));
  // A misspelt required key shows up twice (unknown `pathz`, missing `paths`); the first says it all.
  const misspelt = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const allowed = Object.keys(((e.parentSchema as SchemaNode | undefined)?.properties as SchemaNode | undefined) ?? {});
    const meant = closest(String((e.params as Record<string, unknown>).additionalProperty), allowed);
    if (meant) misspelt.add(`${e.instancePath}|${meant}`);
  }
  const missing = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    if ((e.keyword === 'oneOf' || e.keyword === 'anyOf') && pathsWithErrors.has(e.instancePath)) continue;
    if (e.keyword === 'required') {
      if (misspelt.has(`${e.instancePath}|${String((e.params as Record<string, unknown>).missingProperty)}`)) continue;
      // Several missing properties of one mapping make one diagnostic, at one place.
      const group = missing.get(e.instancePath);
      if (group) {
        group.push(e);
        continue;
      }
      missing.set(e.instancePath, [e]);
    }
    const f = e.keyword === 'required' ? undefined : describeError(e, data);
    if (f) findings.push(f);
  }
  for (const group of missing.values()) {
    const f = group.length === 1 ? describeError(group[0] as ErrorObject, data) : describeMissing(group, data);
    if (f) findings.push(f);
  }
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const f of findings) {
    const key = `${toJsonPointer(f.path)}|${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pos = locate(f.path, f.target);
    out.push({ severity: 'error', code: f.code, message: f.message, hint: f.hint, file, ...pos, path: toJsonPointer(f.path) });
  }
  return out;
}

function describeError(e: ErrorObject, data: Json): Finding | undefined {
  const path = fromJsonPointer(e.instancePath).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const value = valueAt(data, path);
  const params = e.params as Record<string, unknown>;
  const parent = e.parentSchema as SchemaNode | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(params.additionalProperty);
      const allowed = Object.keys((parent?.properties as SchemaNode | undefined) ?? {});
      return {
        path: [...path, prop],
        target: 'key',
        code: 'unknown-property',
        message: `unknown property \`${prop}\` in ${ownerName(path, data)}${didYouMean(prop, allowed)}`,
        hint: allowed.length ? `allowed properties here: ${allowed.join(', ')}` : 'remove it',
      };
    }
    case 'required': {
      const prop = String(params.missingProperty);
      const propSchema = resolveRef((parent?.properties as Record<string, SchemaNode> | undefined)?.[prop]);
      return {
        path,
        target: 'key',
        code: 'missing-property',
        message: `${ownerName(path, data)} is missing required property \`${prop}\``,
        hint: propertyHint(`add \`${prop}\``, propSchema, prop),
      };
    }
    case 'discriminator': {
      const kind = unionKindAt(path);
      const branches = [...unionBranches(kind)].map(([tag]) => tag);
      if (params.error === 'mapping') {
        const tag = String(params.tagValue);
        return {
          path: [...path, 'type'],
          target: 'value',
          code: 'unknown-type',
          message: `unknown ${kind} type "${tag}"${path.length > 1 ? ` in ${ownerName(path, data, false)}` : ''}${didYouMean(tag, branches)}`,
          hint: `use one of ${branches.join(', ')}`,
        };
      }
      return {
        path: valueAt(data, [...path, 'type']) === undefined ? path : [...path, 'type'],
        target: valueAt(data, [...path, 'type']) === undefined ? 'key' : 'value',
        code: 'missing-property',
        message: `${ownerName(path, data, false)} needs a \`type\` (one of ${branches.join(', ')})`,
        hint: `add \`type: ${branches[0]}\` or another of ${branches.join(', ')}`,
      };
    }
    case 'type': {
      const expected = String(params.type);
      return {
        path,
        target: 'value',
        code: 'wrong-type',
        message:
          path.length === 0
            ? `the policy must be a mapping of keys to values, not ${describeValue(value)}`
            : `${leafName(path, data)} must be ${typeName(expected)}, not ${describeValue(value)}`,
        hint:
          path.length === 0
            ? 'write the policy as `key: value` lines, starting with `version: 1` and `system: <name>`'
            : propertyHint('write', resolveRef(e.parentSchema as SchemaNode), lastKey(path)),
      };
    }
    case 'pattern': {
      if (typeof value !== 'string') return undefined; // the inner half of a propertyNames error
      const known = PATTERNS[String(params.pattern)];
      return {
        path,
        target: 'value',
        code: known?.what === 'a duration' ? 'invalid-duration' : 'invalid-value',
        message: `${leafName(path, data)} is not ${known?.what ?? 'in the expected format'}: "${value}"`,
        hint: known?.hint ?? propertyHint('write', resolveRef(parent), lastKey(path)),
      };
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      const p = PATTERNS['^[a-z0-9][a-z0-9_-]{0,62}$']!;
      const container = String(lastKey(path) ?? '');
      const singular = { categories: 'category', sources: 'source', tiers: 'tier' }[container] ?? 'key';
      return {
        path: [...path, name],
        target: 'key',
        code: 'invalid-name',
        message: `${singular} name "${name}" is not valid`,
        hint: p.hint,
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return {
        path,
        target: 'value',
        code: 'invalid-value',
        message: `${leafName(path, data)} must be one of ${allowed.join(', ')}, not ${describeValue(value)}${typeof value === 'string' ? didYouMean(value, allowed) : ''}`,
        hint: `use one of ${allowed.join(', ')}`,
      };
    }
    case 'const': {
      const allowed = params.allowedValue;
      return {
        path,
        target: 'value',
        code: 'invalid-value',
        message: `${leafName(path, data)} must be ${JSON.stringify(allowed)}, not ${describeValue(value)}`,
        hint: path.length === 1 && path[0] === 'version' ? 'only policy format version 1 exists: write `version: 1`' : `write ${JSON.stringify(allowed)}`,
      };
    }
    case 'minItems': {
      const n = Number(params.limit);
      return {
        path,
        target: 'value',
        code: 'too-few-items',
        message: `${leafName(path, data)} must list at least ${n} item${n === 1 ? '' : 's'}`,
        hint: propertyHint(`add ${n === 1 ? 'an item' : 'items'}`, resolveRef(parent), lastKey(path)),
      };
    }
    case 'minProperties': {
      const key = lastKey(path);
      if (key === 'keep') {
        return {
          path,
          target: 'key',
          code: 'keep-nothing',
          message: `${leafName(path, data)} sets no retention counts, so it keeps nothing`,
          hint: 'set at least one of last, hourly, daily, weekly, monthly, yearly (e.g. `keep: { daily: 7 }`)',
        };
      }
      const singular = key === 'categories' ? 'category' : key === 'sources' ? 'source' : key === 'tiers' ? 'tier' : 'entry';
      return {
        path,
        target: 'key',
        code: 'too-few-items',
        message: `\`${String(key)}\` must define at least one ${singular}`,
        hint: propertyHint(`add a ${singular}`, resolveRef(parent), key),
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' };
      return {
        path,
        target: 'value',
        code: 'out-of-range',
        message: `${leafName(path, data)} must be ${words[e.keyword]} ${String(params.limit)}, not ${describeValue(value)}`,
        hint: propertyHint('write', resolveRef(parent), lastKey(path)),
      };
    }
    case 'minLength':
      return { path, target: 'value', code: 'invalid-value', message: `${leafName(path, data)} must not be empty`, hint: propertyHint('write', resolveRef(parent), lastKey(path)) };
    case 'oneOf':
    case 'anyOf':
      return { path, target: 'value', code: 'invalid-value', message: `${ownerName(path, data)} does not match any allowed form`, hint: propertyHint('write', resolveRef(parent), lastKey(path)) };
    default:
      return {
        path,
        target: 'value',
        code: 'schema',
        message: `${leafName(path, data)} is not valid (${e.keyword})`,
        hint: propertyHint('write', resolveRef(parent), lastKey(path)),
      };
  }
}

function describeMissing(group: ErrorObject[], data: Json): Finding {
  const first = group[0] as ErrorObject;
  const path = fromJsonPointer(first.instancePath).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const props = group.map((e) => String((e.params as Record<string, unknown>).missingProperty));
  const list = props.map((p) => `\`${p}\``).join(', ');
  return {
    path,
    target: 'key',
    code: 'missing-property',
    message: `${ownerName(path, data)} is missing required properties ${list}`,
    hint: `add ${props.map((p) => exampleOf(first, p)).join(', ')}`,
  };
}

/** "`rto` (e.g. `rto: 4h`)" from the property's schema. */
function exampleOf(e: ErrorObject, prop: string): string {
  const schema = resolveRef(((e.parentSchema as SchemaNode | undefined)?.properties as Record<string, SchemaNode> | undefined)?.[prop]);
  const example = (schema?.examples as unknown[] | undefined)?.[0];
  return example === undefined ? `\`${prop}\`` : `\`${prop}\` (e.g. \`${prop}: ${flowYaml(example)}\`)`;
}

function valueAt(data: Json, path: (string | number)[]): Json {
  let v: Json = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, Json>)[seg as string];
  }
  return v;
}

function lastKey(path: (string | number)[]): string | number | undefined {
  return path[path.length - 1];
}

/** Which discriminated union lives at this path. */
function unionKindAt(path: (string | number)[]): string {
  if (path[0] === 'sources') return 'source';
  if (path[0] === 'scheduler') return 'scheduler';
  return 'storage';
}

function typeTag(data: Json, path: (string | number)[], kind: string): string | undefined {
  const t = valueAt(data, [...path, 'type']);
  return typeof t === 'string' && unionBranches(kind).has(t) ? t : undefined;
}

/** "files source `uploads`", "copy 1 (tier `hot`) of category `critical`", … */
export function ownerName(path: (string | number)[], data: Json, withType = true): string {
  const [a, b, c, d] = path;
  const tagged = (kind: string, p: (string | number)[], rest: string): string => {
    const tag = withType ? typeTag(data, p, UNION_KIND[kind] ?? kind) : undefined;
    return `${tag ? `${tag} ` : ''}${kind}${rest}`;
  };
  if (path.length === 0) return 'the policy';
  if (a === 'sources') {
    if (path.length === 1) return '`sources`';
    const src = tagged('source', [a, b as string], ` \`${String(b)}\``);
    if (path.length === 2) return src;
    return `\`${path.slice(2).join('.')}\` of ${src}`;
  }
  if (a === 'tiers') {
    if (path.length === 1) return '`tiers`';
    const tier = `tier \`${String(b)}\``;
    if (path.length === 2) return tier;
    if (c === 'storage' && path.length === 3) return tagged('storage', [a, b as string, 'storage'], ` of ${tier}`);
    return `\`${path.slice(2).join('.')}\` of ${tier}`;
  }
  if (a === 'scheduler') return path.length === 1 ? tagged('scheduler', ['scheduler'], '') : `\`${path.slice(1).join('.')}\` of the scheduler`;
  if (a === 'categories') {
    if (path.length === 1) return '`categories`';
    const cat = `category \`${String(b)}\``;
    if (path.length === 2) return cat;
    if (c === 'copies' && typeof d === 'number') {
      const tier = valueAt(data, [a, b as string, 'copies', d, 'tier']);
      const copy = `copy ${d + 1}${typeof tier === 'string' ? ` (tier \`${tier}\`)` : ''} of ${cat}`;
      if (path.length === 4) return copy;
      return `\`${path.slice(4).join('.')}\` of ${copy}`;
    }
    if (c === 'data' && typeof d === 'number') {
      const src = valueAt(data, [a, b as string, 'data', d, 'source']);
      const entry = `data entry ${d + 1}${typeof src === 'string' ? ` (source \`${src}\`)` : ''} of ${cat}`;
      if (path.length === 4) return entry;
      return `\`${path.slice(4).join('.')}\` of ${entry}`;
    }
    return `\`${path.slice(2).join('.')}\` of ${cat}`;
  }
  return `\`${path.join('.')}\``;
}

/** Name of a value: "`rpo` of category `critical`", "item 2 of `paths` of files source `a`". */
function leafName(path: (string | number)[], data: Json): string {
  if (path.length === 0) return 'the policy';
  const last = path[path.length - 1] as string | number;
  const parentPath = path.slice(0, -1);
  if (typeof last === 'number') return `item ${last + 1} of ${leafName(parentPath, data)}`;
  // Container-like owners already read well ("copy 1 of category `c`").
  if (parentPath.length === 0) return `\`${last}\``;
  const owner = ownerName(parentPath, data);
  if (owner.startsWith('`')) return `\`${owner.slice(1, owner.indexOf('`', 1))}.${last}\`${owner.slice(owner.indexOf('`', 1) + 1)}`;
  return `\`${last}\` of ${owner}`;
}

function typeName(t: string): string {
  switch (t) {
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'object':
      return 'a mapping (key: value pairs)';
    case 'array':
      return 'a list';
    default:
      return t;
  }
}

function describeValue(v: Json): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v.length > 40 ? v.slice(0, 37) + '…' : v}"`;
  if (typeof v === 'number') return String(v);
  return String(v);
}

function resolveRef(schema: SchemaNode | undefined): SchemaNode | undefined {
  if (!schema) return undefined;
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
    const target = schemaDef(ref.slice('#/$defs/'.length));
    // Local description/examples win over the referenced definition's.
    return { ...target, ...schema };
  }
  return schema;
}

/** "add `paths`, e.g. `paths: [/srv/uploads, /etc/app]` (paths to archive …)". */
function propertyHint(verb: string, schema: SchemaNode | undefined, key: string | number | undefined): string | undefined {
  if (!schema) return undefined;
  const description = typeof schema.description === 'string' ? lowerFirst(schema.description.replace(/\.$/, '')) : undefined;
  const examples = schema.examples as unknown[] | undefined;
  const example = examples?.[0];
  const sample = example === undefined ? undefined : typeof key === 'string' ? `\`${key}: ${flowYaml(example)}\`` : `\`${flowYaml(example)}\``;
  if (verb === 'write') {
    if (sample && description) return `${description}; e.g. ${sample}`;
    return sample ? `e.g. ${sample}` : description;
  }
  const parts = [verb + (sample ? `, e.g. ${sample}` : '')];
  if (description) parts.push(`(${description})`);
  return parts.join(' ');
}

function lowerFirst(s: string): string {
  // Keep acronyms and proper names ("S3 storage class", "IANA time zone") as written.
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

/** An example value as YAML flow text: `[/srv/uploads, /etc/app]`, `{ daily: 7 }`. */
export function flowYaml(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flowYaml).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${flowYaml(x)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  if (typeof v === 'string') return /^[A-Za-z0-9_./@+-][A-Za-z0-9_./@+ -]*$/.test(v) && !/^(true|false|null|yes|no|~|[0-9.]+)$/i.test(v) && !v.endsWith(' ') ? v : JSON.stringify(v);
  return String(v);
}
