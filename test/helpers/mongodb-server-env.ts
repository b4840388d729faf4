// The variables that name the MongoDB servers of the tests, shared by the helpers and the global setup
// (which must not import vitest's test API).
export const MONGO_URI_ENV = 'STRATA_TEST_MONGODB_URI';
export const MONGO_RS_URI_ENV = 'STRATA_TEST_MONGODB_RS_URI';
/** Why the global setup could not start mongodb-memory-server, for the SKIPPED lines. */
export const MONGO_UNAVAILABLE_ENV = 'STRATA_TEST_MONGODB_UNAVAILABLE';
