import { describe, expect, it } from 'vitest';
import { compareFileStats } from '../../../../src/engines/files/file-stats.js';

describe('compareFileStats', () => {
  it('counts device nodes a restore without root skipped (with a warning) as restored', () => {
    expect(compareFileStats({ files: 1, other: 3 }, { files: 1, other: 1, skipped: 2 })).toEqual([]);
    expect(compareFileStats({ files: 1, other: 3 }, { files: 1, other: 1 })).toEqual(['other: expected 3, restored 1']);
  });
});
