// Jest global setup: runs the compiled test/support/test-server.ts (`npm test` builds first).
import { startTestServer } from '../../dist/test/support/test-server.js';

export default async function globalSetup() {
  globalThis.tesseraTestServer = await startTestServer();
}
