import { jest } from '@jest/globals';
import request from 'supertest';
import { DatabaseAvailability } from '../../src/platform/database/database-availability.js';
import { PlatformProblems } from '../../src/platform/errors/platform-problems.js';
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

  it('answers a failed probe with a 503 not-ready problem carrying each check', async () => {
    const wedged = jest.spyOn(testApp.app.get(DatabaseAvailability), 'wedgedReason', 'get').mockReturnValue('no connection for 30s');
    try {
      const live = await request(testApp.server).get('/health/live').expect(503);
      expect(live.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(live.headers['retry-after']).toBe('1');
      const type = PlatformProblems.types['not-ready'];
      expect(live.body).toMatchObject({
        type: type.uri,
        code: 'NOT_READY',
        title: type.title,
        status: 503,
        detail: 'Failed checks: pool (no connection for 30s).',
      });
      expect(live.body.checks.pool).toEqual({ status: 'down', message: 'no connection for 30s' });
    } finally {
      wedged.mockRestore();
    }
    await request(testApp.server).get('/health/live').expect(200);
  });
});
