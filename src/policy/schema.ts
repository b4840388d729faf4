// The policy JSON Schema (schema/strata.schema.json), and its validator, compiled by `npm run gen`.
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import validatePolicy from '../generated/policy-validator.js';
import { DISCRIMINATED } from './discriminated-unions.js';

type SchemaNode = Record<string, unknown>;

// The schema sits two directories up from both src/policy/ and dist/policy/.
const SCHEMA_URL = new URL('../../schema/strata.schema.json', import.meta.url);

export { DISCRIMINATED };

let schemaCache: SchemaNode | undefined;

export function policySchema(): SchemaNode {
  schemaCache ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as SchemaNode;
  return schemaCache;
}

export function schemaDef(name: string): SchemaNode | undefined {
  const defs = policySchema().$defs as Record<string, SchemaNode> | undefined;
  return defs?.[name];
}

/** Branch names of a discriminated union, e.g. source → { files: 'source_files', … }. */
export function unionBranches(def: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const branch of (schemaDef(def)?.oneOf as { $ref: string }[] | undefined) ?? []) {
    const name = branch.$ref.replace('#/$defs/', '');
    const props = schemaDef(name)?.properties as Record<string, { const?: string }> | undefined;
    const tag = props?.type?.const;
    if (tag) out.set(tag, name);
  }
  return out;
}

export function policyValidator(): ValidateFunction {
  return validatePolicy as unknown as ValidateFunction;
}
