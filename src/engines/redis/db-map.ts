// Where each backed-up database goes: the same number, or, when the target URL names a database
// (redis://host/5), that one, which is only unambiguous for a backup of a single database.
export type DbMapper = (db: number) => number;

export function createDbMapper(targetDb: number | undefined): DbMapper {
  if (targetDb === undefined) return (db) => db;
  let first: number | undefined;
  return (db) => {
    if (first === undefined) first = db;
    if (db !== first) {
      throw new Error(
        `the backup holds more than one database (${first} and ${db}) but the target URL names database ${targetDb}: ` +
          'restore to a URL without a database number to keep the numbering',
      );
    }
    return targetDb;
  };
}
