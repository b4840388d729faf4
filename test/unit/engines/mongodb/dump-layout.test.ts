import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bsonEntryPath,
  classifyEntry,
  collectionFileStem,
  dataCollectionName,
  escapeCollectionName,
  metadataEntryPath,
  unescapeCollectionName,
} from '../../../../src/engines/mongodb/dump-layout.js';

describe('escapeCollectionName (Go url.PathEscape)', () => {
  it('keeps letters, digits and -_.~$&+:=@; escapes everything else in upper-case hex', () => {
    expect(escapeCollectionName('orders.2024-01_x~y')).toBe('orders.2024-01_x~y');
    expect(escapeCollectionName('a$b&c+d:e=f@g')).toBe('a$b&c+d:e=f@g');
    expect(escapeCollectionName('a b/c?d;e,f')).toBe('a%20b%2Fc%3Fd%3Be%2Cf');
    expect(escapeCollectionName("!*'()%#")).toBe('%21%2A%27%28%29%25%23');
    expect(escapeCollectionName('café')).toBe('caf%C3%A9');
  });

  it('round-trips through unescapeCollectionName', () => {
    for (const name of ['plain', 'a b/c?d', 'café ☕', '100%', 'x+y=z']) {
      expect(unescapeCollectionName(escapeCollectionName(name))).toBe(name);
    }
  });
});

describe('collectionFileStem', () => {
  it('shortens escaped names beyond 238 bytes like mongodump: 208 bytes, %24, base64url sha1', () => {
    const name = 'n'.repeat(300);
    const stem = collectionFileStem(name);
    const hash = createHash('sha1').update(name).digest('base64url');
    expect(stem).toBe(`${'n'.repeat(208)}%24${hash}`);
    expect(stem.length).toBe(238);
    expect(collectionFileStem('n'.repeat(238))).toBe('n'.repeat(238));
  });

  it('matches the file name mongodump gave a 247-character collection (mongo-tools testdata)', () => {
    // mongorestore/testdata/longcollectionname/db1/ in mongodb/mongo-tools.
    const name = `a${'Very'.repeat(44)}LongCollectionNameConsistingOfExactlyTwoHundredAndFortySevenCharacters`;
    expect(name.length).toBe(247);
    expect(collectionFileStem(name)).toBe(`a${'Very'.repeat(44)}LongCollectionNameConsistingOfE%24xFO0VquRn7cg3QooSZD5sglTddU`);
  });

  it('escapes like mongodump did for caf\u00e9s (mongo-tools testdata)', () => {
    expect(bsonEntryPath('db1', 'cafés', 'collection')).toBe('db1/caf%C3%A9s.bson');
  });
});

describe('entry paths', () => {
  it('places data and metadata under the database directory', () => {
    expect(metadataEntryPath('shop', 'orders')).toBe('shop/orders.metadata.json');
    expect(bsonEntryPath('shop', 'orders', 'collection')).toBe('shop/orders.bson');
    expect(bsonEntryPath('shop', 'a b', 'collection')).toBe('shop/a%20b.bson');
  });

  it('has no data file for views and bucket data for time series', () => {
    expect(bsonEntryPath('shop', 'recent', 'view')).toBeUndefined();
    expect(bsonEntryPath('shop', 'metrics', 'timeseries')).toBe('shop/system.buckets.metrics.bson');
    expect(metadataEntryPath('shop', 'metrics')).toBe('shop/metrics.metadata.json');
    expect(dataCollectionName('metrics', 'timeseries')).toBe('system.buckets.metrics');
    expect(dataCollectionName('orders', 'collection')).toBe('orders');
  });

  it('classifies archive entries', () => {
    expect(classifyEntry('shop/', 'Directory')).toEqual({ kind: 'directory' });
    expect(classifyEntry('shop/orders.metadata.json', 'File')).toEqual({ kind: 'metadata', db: 'shop', file: 'orders.metadata.json' });
    expect(classifyEntry('./shop/orders.bson', 'File')).toEqual({ kind: 'bson', db: 'shop', file: 'orders.bson' });
    expect(classifyEntry('prelude.json', 'File')).toEqual({ kind: 'other' });
    expect(classifyEntry('a/b/c.bson', 'File')).toEqual({ kind: 'other' });
  });
});
