// The resolved policy every benchmark's Strata side runs: one source, one tier keeping one backup, no
// verification, so the figures are about the data path alone. Plain data: no Strata import needed.

/**
 * @param {object} o
 * @param {string} o.source name of the source
 * @param {object} o.sourceDef the source as a policy declares it, e.g. { type: 'redis', url, mode }
 * @param {object} o.tier the resolved tier, e.g. localTier(dir)
 * @param {string} o.compression zstd | gzip | none
 * @param {number} [o.compressionLevel]
 * @param {string[]} [o.recipients] age recipients
 */
export function benchPolicy({ source, sourceDef, tier, compression, compressionLevel = 3, recipients = [] }) {
  const category = {
    name: 'bench',
    rpo: '1h',
    rto: '1h',
    rpoMs: 3_600_000,
    rtoMs: 3_600_000,
    data: [{ source, sourceType: sourceDef.type }],
    schedule: { full: '0 * * * *', timezone: 'UTC' },
    copies: [{ tier: tier.name, keep: { last: 1 } }],
    verify: { checksum: 'never', restoreTest: 'never', drill: 'never' },
    compression,
    compressionLevel,
    recipients,
  };
  const policy = {
    file: '/dev/null',
    system: 'bench',
    scheduler: { type: 'none', strataBin: 'strata', policyPath: '/dev/null' },
    sources: { [source]: sourceDef },
    tiers: { [tier.name]: tier },
    categories: [category],
  };
  return { policy, category };
}

/** A local tier named `local` rooted at `path`. */
export function localTier(path) {
  return { name: 'local', storage: { type: 'local', path }, offsite: false };
}
