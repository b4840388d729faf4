// A resolved policy with one postgres source and local tiers, plus the sample data the tests dump.
import type { PostgresSource } from '../../../../src/generated/policy.js';
import { singleSourceFixture, type SingleSourceFixture, type SingleSourceOptions } from '../../../helpers/single-source-fixture.js';
import type { PostgresServer } from '../../../helpers/postgres-server.js';

export interface PgPolicyOptions {
  storageRoot: string;
  source: Omit<PostgresSource, 'type'>;
  include?: string[];
  exclude?: string[];
  compression?: 'zstd' | 'gzip' | 'none';
  recipients?: string[];
}

export type PgFixture = SingleSourceFixture;

export function pgSingleSource(options: PgPolicyOptions): SingleSourceOptions {
  return { ...options, sourceName: 'db', source: { type: 'postgres', ...options.source } };
}

export function pgFixture(options: PgPolicyOptions): PgFixture {
  return singleSourceFixture(pgSingleSource(options));
}

export const identity = (value: string): string => value;

/** A password-protected (scram) owner role and a database with a few schemas, odd names and types. */
export async function seedShop(server: PostgresServer, database: string, owner: string, ordersRows = 2000): Promise<void> {
  await server.psql(`CREATE DATABASE "${database}" OWNER "${owner}";`);
  await server.psql(
    `SET ROLE "${owner}";
     CREATE SCHEMA audit;
     CREATE SCHEMA "Odd Schema";
     CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL, meta jsonb);
     CREATE TABLE public.orders (id bigserial PRIMARY KEY, customer int REFERENCES public.customers(id), total numeric(12,2), note text, blob bytea, at timestamptz);
     CREATE TABLE audit.log (id bigserial PRIMARY KEY, msg text);
     CREATE TABLE "Odd Schema"."Line Items" (id int, "qty.x" int);
     CREATE VIEW public.big_orders AS SELECT * FROM public.orders WHERE total > 500;
     INSERT INTO public.customers SELECT g, 'customer ' || g, jsonb_build_object('tier', g % 3, 'quote', 'it''s "odd"') FROM generate_series(1, 50) g;
     INSERT INTO public.orders (customer, total, note, blob, at)
       SELECT 1 + g % 50, (g * 7 % 1000)::numeric / 1.5, CASE WHEN g % 10 = 0 THEN NULL ELSE E'line\\n' || g END, decode(md5(g::text), 'hex'), '2026-01-01'::timestamptz + g * interval '1 minute'
       FROM generate_series(1, ${ordersRows}) g;
     INSERT INTO audit.log (msg) SELECT 'event ' || g FROM generate_series(1, 120) g;
     INSERT INTO "Odd Schema"."Line Items" SELECT g, g * 2 FROM generate_series(1, 7) g;`,
    database,
  );
}

export async function createOwner(server: PostgresServer, role: string, password: string): Promise<void> {
  await server.psql(`SET password_encryption = 'scram-sha-256'; CREATE ROLE "${role}" LOGIN CREATEDB PASSWORD '${password}';`);
}
