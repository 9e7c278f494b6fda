import request from 'supertest';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

const tenant = 'refused';
const admin = bearer(tokenFor({ tenant, sub: 'ada', roles: ['admin'] }));

describe('recorded refusals', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const refuse = (sub: string, roles: string[] = []) =>
    request(testApp.server)
      .get('/api/audit-logs')
      .set(bearer(tokenFor({ tenant, sub, roles })))
      .expect(403);
  const denialsOf = async (actorId: string) =>
    (await request(testApp.server).get('/api/audit-logs').query({ action: 'access.denied', actorId, limit: 100 }).set(admin).expect(200))
      .body.items;

  it('are at most 10 per actor a minute, while every request is still refused', async () => {
    for (let attempt = 0; attempt < 25; attempt += 1) {
      await refuse('mallory');
    }
    await refuse('ursula');
    await refuse('planner', ['service']);

    expect(await denialsOf('mallory')).toHaveLength(10);
    expect(await denialsOf('ursula')).toHaveLength(1);
    expect(await denialsOf('service:planner')).toHaveLength(1);
  });
});
