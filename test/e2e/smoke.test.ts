import { request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';

describe('local runtime', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(async () => {
    await service.stop();
  });

  it('answers /health without credentials', async () => {
    // Act
    const response = await request(service.url, 'GET', '/health');
    // Assess
    expect(response.status).toBe(200);
  });
});
