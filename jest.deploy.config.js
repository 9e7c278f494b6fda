/**
 * The deploy tier (`npm run test:deploy`): built servers as child processes behind a real PgBouncer,
 * each spec starting its own PostgreSQL and daemons (test/deploy/support), so no global setup; one
 * file at a time, since each runs several processes on a small machine.
 */
import base from './jest.config.js';

const { globalSetup: _globalSetup, globalTeardown: _globalTeardown, ...shared } = base;

export default {
  ...shared,
  roots: ['<rootDir>/test/deploy'],
  testMatch: ['**/*.deploy-spec.ts'],
  testTimeout: 180_000,
  maxWorkers: 1,
};
