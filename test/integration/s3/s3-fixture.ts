// Shared bits of the S3 integration tests: S3 tiers on the test server, stream helpers.
import { HeadObjectCommand, ListMultipartUploadsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ResolvedTier } from '../../../src/model/policy-model.js';
import { createStorage } from '../../../src/storage/create-storage.js';
import { s3OptionsFromTier, type S3StorageOptions } from '../../../src/storage/s3/s3-options.js';
import { S3Storage } from '../../../src/storage/s3/s3-storage.js';
import type { Storage } from '../../../src/storage/storage.js';
import type { FilesFixture } from '../../helpers/files-policy.js';
import type { S3TestServer } from '../../helpers/s3-server.js';

export const identity = (value: string): string => value;

export function s3Tier(server: S3TestServer, name: string, bucket: string, extra: Partial<ResolvedTier> = {}, endpoint = server.endpoint): ResolvedTier {
  return {
    name,
    storage: { type: 's3', bucket, prefix: `${name}/`, endpoint, force_path_style: true, region: server.region },
    offsite: true,
    ...extra,
  };
}

/** An S3 tier's storage as createStorage builds it, with optional option overrides (small parts for tests). */
export function s3Storage(server: S3TestServer, bucket: string, overrides: Partial<S3StorageOptions> = {}, tier: Partial<ResolvedTier> = {}, endpoint?: string): S3Storage {
  const resolved = s3Tier(server, tier.name ?? 'warm', bucket, tier, endpoint);
  if (Object.keys(overrides).length === 0) return createStorage(resolved, identity) as S3Storage;
  return new S3Storage(s3OptionsFromTier(resolved, identity, overrides), { tagArtifacts: (tier.lifecycle?.transitions?.length ?? 0) > 0 });
}

export function bytesStream(data: Buffer, chunk = 256 * 1024): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) chunks.push(data.subarray(i, i + chunk));
  return Readable.from(chunks);
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function incompleteUploads(server: S3TestServer, bucket: string): Promise<string[]> {
  const out = await server.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (out.Uploads ?? []).map((u) => u.Key ?? '?');
}

export async function versionCount(server: S3TestServer, bucket: string, prefix: string): Promise<number> {
  const out = await server.client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
  return (out.Versions ?? []).length + (out.DeleteMarkers ?? []).length;
}

export async function headObject(server: S3TestServer, bucket: string, key: string) {
  return server.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
}

/** A files backup whose tiers are the given storages (S3 or local), built on the local files fixture. */
export function withStorages(fixture: FilesFixture, tiers: { tier: ResolvedTier; storage: Storage }[]): FilesFixture {
  const storages = new Map<string, Storage>();
  const policyTiers: Record<string, ResolvedTier> = {};
  for (const { tier, storage } of tiers) {
    storages.set(tier.name, storage);
    policyTiers[tier.name] = tier;
  }
  const category = { ...fixture.category, copies: tiers.map(({ tier }) => ({ tier: tier.name, keep: { last: 3 } })) };
  return { ...fixture, storages, category, policy: { ...fixture.policy, tiers: policyTiers, categories: [category] } };
}
