import { Binary, Double, Int32, UUID } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createOptions, formatMetadata, indexesToCreate, parseMetadata, uuidHex } from '../../../../src/engines/mongodb/dump-metadata.js';

const int = (n: number): Int32 => new Int32(n);

describe('formatMetadata', () => {
  it('writes a collection exactly as mongodump does (canonical Extended JSON, its key order, no empty options)', () => {
    const text = formatMetadata({
      collectionName: 'users',
      type: 'collection',
      options: {},
      indexes: [
        { v: int(2), key: { _id: int(1) }, name: '_id_' },
        { v: int(2), key: { email: int(1) }, name: 'email_1', unique: true },
      ],
      uuid: '1f0f1c4e5f2a4c0e8c8e0a1b2c3d4e5f',
    });
    expect(text).toBe(
      '{"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"},' +
        '{"v":{"$numberInt":"2"},"key":{"email":{"$numberInt":"1"}},"name":"email_1","unique":true}],' +
        '"uuid":"1f0f1c4e5f2a4c0e8c8e0a1b2c3d4e5f","collectionName":"users","type":"collection"}',
    );
  });

  it('reproduces mongodump’s own time-series metadata byte for byte (mongo-tools testdata)', () => {
    // mongodump/testdata/timeseriesColl.metadata.json in mongodb/mongo-tools.
    const expected =
      '{"options":{"timeseries":{"timeField":"ts","metaField":"meta","granularity":"seconds","bucketMaxSpanSeconds":{"$numberInt":"3600"}}},' +
      '"indexes":[{"v":{"$numberInt":"2"},"key":{"meta.device":{"$numberInt":"1"}},"name":"meta.device_1"},' +
      '{"v":{"$numberInt":"2"},"key":{"ts":{"$numberInt":"1"},"meta.device":{"$numberInt":"1"}},"name":"ts_1_meta.device_1"},' +
      '{"v":{"$numberInt":"2"},"key":{"meta.device":{"$numberInt":"1"},"ts":{"$numberInt":"1"}},"name":"meta.device_1_ts_1"}],' +
      '"collectionName":"timeseriesColl","type":"timeseries"}';
    const text = formatMetadata({
      collectionName: 'timeseriesColl',
      type: 'timeseries',
      options: { timeseries: { timeField: 'ts', metaField: 'meta', granularity: 'seconds', bucketMaxSpanSeconds: int(3600) } },
      indexes: [
        { v: int(2), key: { 'meta.device': int(1) }, name: 'meta.device_1' },
        { v: int(2), key: { ts: int(1), 'meta.device': int(1) }, name: 'ts_1_meta.device_1' },
        { v: int(2), key: { 'meta.device': int(1), ts: int(1) }, name: 'meta.device_1_ts_1' },
      ],
    });
    expect(text).toBe(expected);
    expect(parseMetadata(expected, 'x')).toMatchObject({ collectionName: 'timeseriesColl', type: 'timeseries' });
  });

  it('keeps BSON number types through a write and a read', () => {
    const meta = {
      collectionName: 'capped',
      type: 'collection' as const,
      options: { capped: true, size: int(4096), weird: new Double(1) },
      indexes: [{ v: int(2), key: { score: new Double(-1) }, name: 'score_-1' }],
    };
    const back = parseMetadata(formatMetadata(meta), 'ignored');
    expect(back.options.size).toBeInstanceOf(Int32);
    expect(back.options.weird).toBeInstanceOf(Double);
    expect((back.indexes[0]!.key as Record<string, unknown>).score).toBeInstanceOf(Double);
    expect(formatMetadata(back)).toBe(formatMetadata(meta));
  });
});

describe('parseMetadata', () => {
  it('falls back to the file name and infers the type in dumps of older mongodump versions', () => {
    expect(parseMetadata('{"options":{},"indexes":[]}', 'legacy')).toEqual({ collectionName: 'legacy', type: 'collection', options: {}, indexes: [] });
    expect(parseMetadata('{"options":{"viewOn":"orders","pipeline":[]},"indexes":[]}', 'v').type).toBe('view');
  });

  it('refuses what is not a metadata object', () => {
    expect(() => parseMetadata('not json', 'bad')).toThrow(/metadata of bad is not valid Extended JSON/);
    expect(() => parseMetadata('[1]', 'bad')).toThrow(/not a JSON object/);
  });
});

describe('uuidHex', () => {
  it('writes UUID binaries as plain hex, like mongodump, and ignores other values', () => {
    const uuid = new UUID('a1dbad4f-8e6a-4349-b135-db584a7c23fb');
    expect(uuidHex(uuid)).toBe('a1dbad4f8e6a4349b135db584a7c23fb');
    expect(uuidHex(new Binary(Buffer.from('abc'), 0))).toBeUndefined();
    expect(uuidHex(undefined)).toBeUndefined();
  });
});

describe('restore helpers', () => {
  it('leaves implicit indexes and index versions to the server and drops the legacy ns field', () => {
    const specs = indexesToCreate({
      collectionName: 'c',
      type: 'collection',
      options: {},
      indexes: [
        { v: int(2), key: { _id: int(1) }, name: '_id_' },
        { v: int(2), key: { _id: int(1) }, name: 'cluster', clustered: true, unique: true },
        { v: int(1), key: { a: int(1) }, name: 'a_1', ns: 'db.c' },
      ],
    });
    expect(specs).toEqual([{ key: { a: int(1) }, name: 'a_1' }]);
    expect(indexesToCreate({ collectionName: 'v', type: 'view', options: { viewOn: 'c' }, indexes: [{ name: 'x' }] })).toEqual([]);
  });

  it('passes collection options to create, without the index version of a clustered key', () => {
    const options = createOptions({
      collectionName: 'c',
      type: 'collection',
      options: { clusteredIndex: { v: int(2), key: { _id: int(1) }, unique: true, name: 'k' }, expireAfterSeconds: int(60) },
      indexes: [],
    });
    expect(options).toEqual({ clusteredIndex: { key: { _id: int(1) }, unique: true, name: 'k' }, expireAfterSeconds: int(60) });
  });
});
