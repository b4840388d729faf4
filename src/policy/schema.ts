// The policy JSON Schema (schema/strata.schema.json), compiled once with ajv.
import { readFileSync } from 'node:fs';
import * as ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';

type SchemaNode = Record<string, unknown>;

// The schema sits two directories up from both src/policy/ and dist/policy/.
const SCHEMA_URL = new URL('../../schema/strata.schema.json', import.meta.url);

/** The `type`-discriminated unions: ajv reports errors against the chosen branch only. */
export const DISCRIMINATED = ['source', 'storage', 'scheduler'] as const;

let schemaCache: SchemaNode | undefined;
let validatorCache: ValidateFunction | undefined;

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
  if (validatorCache) return validatorCache;
  // Added here rather than in the file so the generated TS types stay plain unions: `discriminator`
  // makes ajv validate only the branch named by `type`, and `type: object` closes the hole where a
  // non-object would skip the discriminator altogether.
  const schema = structuredClone(policySchema());
  const defs = schema.$defs as Record<string, SchemaNode>;
  for (const name of DISCRIMINATED) {
    const def = defs[name];
    if (def) {
      def.type = 'object';
      def.discriminator = { propertyName: 'type' };
    }
  }
  // ajv is CommonJS; its named export sidesteps default-import interop under NodeNext.
  const Ajv = ajv2020.Ajv2020;
  const ajv = new Ajv({ allErrors: true, strict: false, discriminator: true, allowUnionTypes: true, verbose: true });
  const compiled = ajv.compile(schema);
  validatorCache = compiled;
  return compiled;
}
