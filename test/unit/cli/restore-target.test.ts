import { describe, expect, it } from 'vitest';
import { redactUrl, resolveRestoreTarget } from '../../../src/cli/restore-target.js';

const resolveSecret = (v: string) => v.replace('${env:REDIS_PASSWORD}', 'hunter2-secret');

describe('restore targets', () => {
  it('restores files into --to, one subdirectory per source when there are several', () => {
    expect(resolveRestoreTarget({ type: 'files', paths: ['/srv'] }, 'site', '/tmp/r', 1, resolveSecret)).toMatchObject({ target: '/tmp/r', inPlace: false });
    expect(resolveRestoreTarget({ type: 'files', paths: ['/srv'] }, 'site', '/tmp/r', 2, resolveSecret).target).toBe('/tmp/r/site');
    expect(resolveRestoreTarget({ type: 'files', paths: ['/srv'] }, 'site', undefined, 1, resolveSecret)).toMatchObject({ target: '/', inPlace: true });
  });

  it('restores databases over the live source by default, and never shows its password', () => {
    const source = { type: 'redis' as const, url: 'redis://:${env:REDIS_PASSWORD}@cache:6379/0' };
    const target = resolveRestoreTarget(source, 'cache', undefined, 1, resolveSecret);
    expect(target).toMatchObject({ target: 'redis://:hunter2-secret@cache:6379/0', inPlace: true, kind: 'url' });
    expect(target.display).not.toContain('hunter2');
    const elsewhere = resolveRestoreTarget(source, 'cache', 'redis://:topsecret@other:6380/1', 1, resolveSecret);
    expect(elsewhere).toMatchObject({ inPlace: false, display: 'redis://:***@other:6380/1' });
  });

  it('redacts passwords from URLs it can parse and hides the ones it cannot', () => {
    expect(redactUrl('postgres://app:pw@db:5432/app')).toBe('postgres://app:***@db:5432/app');
    expect(redactUrl('not a url with pw')).toBe('(url)');
  });
});
