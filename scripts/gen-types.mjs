#!/usr/bin/env node
// Generates src/generated/policy.ts from the schema; `--check` fails when the committed file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

const schemaPath = new URL('../schema/strata.schema.json', import.meta.url);
const outPath = new URL('../src/generated/policy.ts', import.meta.url);
const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
const banner = '/* eslint-disable */\n// GENERATED from schema/strata.schema.json by `npm run gen`. Do not edit by hand.\n';
const body = await compile(schema, 'StrataPolicy', {
  bannerComment: banner,
  additionalProperties: false,
  unreachableDefinitions: false,
  style: { singleQuote: true, printWidth: 110 },
});
if (process.argv.includes('--check')) {
  const current = await readFile(outPath, 'utf8').catch(() => '');
  if (current !== body) {
    console.error('src/generated/policy.ts is stale: run `npm run gen` and commit the result.');
    process.exit(1);
  }
  console.log('generated types are up to date');
} else {
  await writeFile(outPath, body);
  console.log('wrote src/generated/policy.ts');
}
