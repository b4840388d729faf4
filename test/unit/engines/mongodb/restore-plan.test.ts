import { describe, expect, it } from 'vitest';
import type { CollectionMetadata } from '../../../../src/engines/mongodb/dump-metadata.js';
import { planRestore, type ArchivedCollection } from '../../../../src/engines/mongodb/restore-plan.js';

const meta = (collectionName: string, type: CollectionMetadata['type'] = 'collection'): CollectionMetadata => ({ collectionName, type, options: {}, indexes: [] });

const archived: ArchivedCollection[] = [
  { db: 'cryptons', meta: meta('users') },
  { db: 'cryptons', meta: meta('sessions') },
  { db: 'cryptons', meta: meta('metrics', 'timeseries') },
  { db: 'cryptons', meta: meta('active_users', 'view') },
  { db: 'cms', meta: meta('articles') },
];

describe('planRestore', () => {
  it('restores everything under the original names by default', () => {
    const plan = planRestore(archived, undefined, undefined);
    expect(plan.items.map((i) => `${i.sourceDb}.${i.name} -> ${i.targetDb}.${i.dataCollection}`)).toEqual([
      'cryptons.users -> cryptons.users',
      'cryptons.sessions -> cryptons.sessions',
      'cryptons.metrics -> cryptons.system.buckets.metrics',
      'cryptons.active_users -> cryptons.active_users',
      'cms.articles -> cms.articles',
    ]);
    expect(plan.byBsonPath.get('cryptons/system.buckets.metrics.bson')?.name).toBe('metrics');
    expect([...plan.byBsonPath.keys()]).not.toContain('cryptons/active_users.bson');
  });

  it('restores one collection into a renamed database, skipping the other data files', () => {
    const plan = planRestore(archived, ['cryptons.users'], 'cryptons_test');
    expect(plan.items.map((i) => `${i.targetDb}.${i.name}`)).toEqual(['cryptons_test.users']);
    expect(plan.byBsonPath.has('cms/articles.bson')).toBe(true);
    expect(plan.byBsonPath.get('cms/articles.bson')).toBeUndefined();
    expect(plan.byBsonPath.get('cryptons/users.bson')?.targetDb).toBe('cryptons_test');
  });

  it('refuses to merge several databases into one named database', () => {
    expect(() => planRestore(archived, undefined, 'restored')).toThrow(/selection holds 2 databases \(cms, cryptons\)/);
  });

  it('renames every database with a template', () => {
    const plan = planRestore(archived, ['cms', 'cryptons.users'], 'strata_restore_test_x_*');
    expect(plan.items.map((i) => `${i.targetDb}.${i.name}`)).toEqual(['strata_restore_test_x_cryptons.users', 'strata_restore_test_x_cms.articles']);
  });

  it('says what the backup holds when --only matches nothing', () => {
    expect(() => planRestore(archived, ['nope'], undefined)).toThrow(/--only nope matches nothing in this backup \(it holds cryptons.users, cryptons.sessions/);
    expect(() => planRestore([], ['nope'], undefined)).toThrow(/it holds no collections/);
  });
});
