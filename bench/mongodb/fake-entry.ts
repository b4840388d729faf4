// The FAKE MongoDB wire server (test/helpers/fake-mongod), bundled by run.mjs for fake-side.mjs.
export { startFakeMongod } from '../../test/helpers/fake-mongod/fake-mongod.js';
