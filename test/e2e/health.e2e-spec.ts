import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';

describe('health', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('reports liveness and database readiness without a token', async () => {
    await request(testApp.server).get('/health/live').expect(200);
    const ready = await request(testApp.server).get('/health/ready').expect(200);
    expect(ready.body.info.database.status).toBe('up');
  });
});
