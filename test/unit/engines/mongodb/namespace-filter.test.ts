import { describe, expect, it } from 'vitest';
import { createNamespaceSelector, createOnlyMatcher, isSystemCollection, parseNamespacePattern } from '../../../../src/engines/mongodb/namespace-filter.js';

const namespaces = [
  ['shop', 'orders'],
  ['shop', 'carts'],
  ['shop', 'cache'],
  ['shop', 'events.2024'],
  ['cms', 'articles'],
  ['cms', 'cache'],
  ['analytics', 'raw'],
  ['admin', 'audit'],
  ['local', 'startup_log'],
  ['config', 'settings'],
  ['shop', 'system.views'],
  ['shop', 'system.js'],
] as const;

function selected(spec: Parameters<typeof createNamespaceSelector>[0]): string[] {
  const selector = createNamespaceSelector(spec);
  return namespaces.filter(([db, coll]) => selector.collection(db, coll)).map(([db, coll]) => `${db}.${coll}`);
}

describe('createNamespaceSelector', () => {
  it('takes every user database by default, never admin/local/config or system collections (but system.js)', () => {
    expect(selected({ includes: [], excludes: [] })).toEqual([
      'shop.orders',
      'shop.carts',
      'shop.cache',
      'shop.events.2024',
      'cms.articles',
      'cms.cache',
      'analytics.raw',
      'shop.system.js',
    ]);
  });

  it('includes databases and collections, split at the first dot', () => {
    expect(selected({ includes: [['shop.orders', 'shop.events.2024', 'cms']], excludes: [] })).toEqual([
      'shop.orders',
      'shop.events.2024',
      'cms.articles',
      'cms.cache',
    ]);
  });

  it('excludes whole databases and collections, with wildcards in either part', () => {
    expect(selected({ includes: [], excludes: [['*.cache', 'analytics'], ['shop.system.*', 'shop.events.*']] })).toEqual([
      'shop.orders',
      'shop.carts',
      'cms.articles',
    ]);
  });

  it('intersects the source include with the category include (and a URI database)', () => {
    expect(selected({ includes: [['shop', 'cms'], ['shop.orders', 'cms.*', 'analytics'], ['shop']], excludes: [] })).toEqual(['shop.orders']);
    expect(selected({ includes: [['shop', 'cms'], ['*.cache']], excludes: [['cms']] })).toEqual(['shop.cache']);
  });

  it('takes a system database only when an include names it literally', () => {
    expect(selected({ includes: [['admin']], excludes: [] })).toEqual(['admin.audit']);
    expect(selected({ includes: [['config.settings']], excludes: [] })).toEqual(['config.settings']);
    expect(selected({ includes: [['*']], excludes: [] })).not.toContain('admin.audit');
  });

  it('lets whole databases be skipped before listing them', () => {
    const selector = createNamespaceSelector({ includes: [['shop.orders']], excludes: [['cms']] });
    expect(selector.database('shop')).toBe(true);
    expect(selector.database('cms')).toBe(false);
    expect(selector.database('analytics')).toBe(false);
    expect(selector.database('local')).toBe(false);
  });

  it('refuses empty patterns and patterns without a database', () => {
    expect(() => parseNamespacePattern('  ')).toThrow(/empty namespace pattern/);
    expect(() => parseNamespacePattern('.orders')).toThrow(/no database part/);
  });

  it('does not treat regex characters in names as patterns', () => {
    const selector = createNamespaceSelector({ includes: [['a+b.c(d)']], excludes: [] });
    expect(selector.collection('a+b', 'c(d)')).toBe(true);
    expect(selector.collection('aab', 'c(d)')).toBe(false);
  });
});

describe('isSystemCollection', () => {
  it('follows mongodump', () => {
    expect(isSystemCollection('app', 'system.profile')).toBe(true);
    expect(isSystemCollection('app', 'system.buckets.metrics')).toBe(true);
    expect(isSystemCollection('app', 'system.js')).toBe(false);
    expect(isSystemCollection('app', 'orders$old')).toBe(true);
    expect(isSystemCollection('config', 'transactions')).toBe(true);
    expect(isSystemCollection('config', 'cache.chunks.app.x')).toBe(true);
    expect(isSystemCollection('app', 'transactions')).toBe(false);
  });
});

describe('createOnlyMatcher', () => {
  it('selects everything without patterns, else any matching pattern', () => {
    expect(createOnlyMatcher(undefined)('a', 'b')).toBe(true);
    expect(createOnlyMatcher([])('a', 'b')).toBe(true);
    const only = createOnlyMatcher(['cryptons.users', 'cms']);
    expect(only('cryptons', 'users')).toBe(true);
    expect(only('cryptons', 'sessions')).toBe(false);
    expect(only('cms', 'anything')).toBe(true);
  });
});
