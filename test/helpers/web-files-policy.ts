// The policy YAML of the CLI restore tests: one files source (./data) in category `web`, local tiers under
// ./store/<tier>, the first tier first.
export function webFilesPolicy(system: string, options: { tiers?: string[]; rto?: string; restoreTest?: string } = {}): string {
  const tiers = options.tiers ?? ['hot', 'offsite'];
  return `version: 1
system: ${system}
sources:
  site: { type: files, paths: [./data] }
tiers:
${tiers.map((t, i) => `  ${t}: { storage: { type: local, path: ./store/${t} }${i > 0 ? ', offsite: true' : ''} }`).join('\n')}
categories:
  web:
    rpo: 1h
    rto: ${options.rto ?? '30m'}
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies: [ ${tiers.map((t) => `{ tier: ${t}, keep: { last: 5 } }`).join(', ')} ]
    verify: { checksum: every-backup, restore_test: ${options.restoreTest ?? 'never'} }
`;
}
