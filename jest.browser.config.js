/** The browser tier (`npm run test:browser`): Playwright driving the system's Chromium against the real app. */
import base from './jest.config.js';

export default { ...base, roots: ['<rootDir>/test/browser'], testMatch: ['**/*.browser-spec.ts'], testTimeout: 60_000, maxWorkers: 1 };
