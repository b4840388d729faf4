// How the policy schema is compiled into its validator: the ajv options and the discriminated unions. Used by
// `npm run gen`, which writes the validator's code to src/generated/policy-validator.ts (ajv's standalone
// code), so no command compiles the schema at start-up (about 150 ms of every command, cold).
import * as ajv2020 from 'ajv/dist/2020.js';
import * as standalone from 'ajv/dist/standalone/index.js';

import { DISCRIMINATED } from './discriminated-unions.js';

type SchemaNode = Record<string, unknown>;
type StandaloneCode = (ajv: ajv2020.Ajv2020, validate: ajv2020.ValidateFunction) => string;

/**
 * The schema as the validator sees it. Added here rather than in the file so the generated TS types stay plain
 * unions: `discriminator` makes ajv validate only the branch named by `type`, and `type: object` closes the
 * hole where a non-object would skip the discriminator altogether.
 */
export function validatorSchema(schema: SchemaNode): SchemaNode {
  const out = structuredClone(schema);
  const defs = out.$defs as Record<string, SchemaNode>;
  for (const name of DISCRIMINATED) {
    const def = defs[name];
    if (def) {
      def.type = 'object';
      def.discriminator = { propertyName: 'type' };
    }
  }
  return out;
}

/** The ES module source of the compiled validator (default export: the validate function). */
export function generateValidatorSource(schema: SchemaNode): string {
  // ajv is CommonJS; its named export sidesteps default-import interop under NodeNext.
  const ajv = new ajv2020.Ajv2020({ allErrors: true, strict: false, discriminator: true, allowUnionTypes: true, verbose: true, code: { source: true, esm: true } });
  const validate = ajv.compile(validatorSchema(schema));
  // A CommonJS module whose `exports.default` is the function; how it surfaces depends on the loader (tsx, node).
  const mod = standalone as unknown as { default: StandaloneCode | { default: StandaloneCode } };
  const standaloneCode = typeof mod.default === 'function' ? mod.default : mod.default.default;
  const code = standaloneCode(ajv, validate);
  // ajv's ESM output still calls require() for its runtime helpers (ucs2length).
  return `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${code}\n`;
}
