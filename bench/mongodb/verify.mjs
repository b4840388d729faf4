// Checks a restore before any figure of it counts: for every collection of the source databases, the
// restored one has the same number of documents, the same total of BSON bytes and the same indexes, and
// Strata's own stats (backup manifest, restore) report those counts. Throws on the first difference, so
// a broken run never prints figures.

/** Per collection of `dbs`: documents, BSON bytes and index names, measured on the server. */
export async function pictureOf(client, dbs) {
  const picture = new Map();
  for (const db of dbs) {
    const names = (await client.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => !n.startsWith('system.'));
    for (const name of names.sort()) {
      const collection = client.db(db).collection(name);
      const [row] = await collection.aggregate([{ $group: { _id: null, docs: { $sum: 1 }, bytes: { $sum: { $bsonSize: '$$ROOT' } } } }]).toArray();
      const indexes = (await collection.listIndexes().toArray()).map((i) => i.name).sort();
      picture.set(`${db}.${name}`, { docs: Number(row?.docs ?? 0), bytes: Number(row?.bytes ?? 0), indexes: indexes.join(',') });
    }
  }
  return picture;
}

/** Throw unless the restore into `targetOf(db)` matches `source` (a pictureOf the source databases). */
export async function verifyRestore(client, source, targetOf, backupStats, restoreStats) {
  const dbs = [...new Set([...source.keys()].map((ns) => ns.slice(0, ns.indexOf('.'))))];
  const restored = await pictureOf(
    client,
    dbs.map((db) => targetOf(db)),
  );
  const problems = [];
  if (restored.size !== source.size) problems.push(`${restored.size} collections restored, ${source.size} in the source`);
  for (const [ns, want] of source) {
    const dot = ns.indexOf('.');
    const targetNs = `${targetOf(ns.slice(0, dot))}${ns.slice(dot)}`;
    const got = restored.get(targetNs);
    if (!got) {
      problems.push(`${targetNs} is missing`);
      continue;
    }
    for (const key of ['docs', 'bytes', 'indexes']) {
      if (got[key] !== want[key]) problems.push(`${targetNs}: ${key} ${got[key]}, source ${want[key]}`);
    }
    if (backupStats[`docs:${ns}`] !== want.docs) problems.push(`backup stats say ${backupStats[`docs:${ns}`]} docs in ${ns}, the server ${want.docs}`);
    if (restoreStats[`docs:${ns}`] !== want.docs) problems.push(`restore stats say ${restoreStats[`docs:${ns}`]} docs in ${ns}, the server ${want.docs}`);
  }
  if (problems.length > 0) throw new Error(`restore verification FAILED, no figures are reported: ${problems.join('; ')}`);
  return restored.size;
}
