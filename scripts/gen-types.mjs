#!/usr/bin/env node
// Generates, from schema/strata.schema.json, src/generated/policy.ts (the TypeScript types) and
// src/generated/policy-validator.ts (ajv's standalone validator); `--check` fails when either committed file is
// stale. Runs under tsx (see package.json) to share the validator's compile options with src/.
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';
import { generateValidatorSource } from '../src/policy/policy-validator-source.ts';

const schemaPath = new URL('../schema/strata.schema.json', import.meta.url);
const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
const banner = '/* eslint-disable */\n// GENERATED from schema/strata.schema.json by `npm run gen`. Do not edit by hand.\n';
const outputs = [
  {
    path: new URL('../src/generated/policy.ts', import.meta.url),
    name: 'src/generated/policy.ts',
    body: await compile(schema, 'StrataPolicy', {
      bannerComment: banner,
      additionalProperties: false,
      unreachableDefinitions: false,
      style: { singleQuote: true, printWidth: 110 },
    }),
  },
  {
    path: new URL('../src/generated/policy-validator.ts', import.meta.url),
    name: 'src/generated/policy-validator.ts',
    body: `${banner}// @ts-nocheck\n${generateValidatorSource(schema)}`,
  },
];
if (process.argv.includes('--check')) {
  const stale = [];
  for (const out of outputs) {
    const current = await readFile(out.path, 'utf8').catch(() => '');
    if (current !== out.body) stale.push(out.name);
  }
  if (stale.length > 0) {
    console.error(`${stale.join(' and ')} ${stale.length > 1 ? 'are' : 'is'} stale: run \`npm run gen\` and commit the result.`);
    process.exit(1);
  }
  console.log('generated types and validator are up to date');
} else {
  for (const out of outputs) {
    await writeFile(out.path, out.body);
    console.log(`wrote ${out.name}`);
  }
}
