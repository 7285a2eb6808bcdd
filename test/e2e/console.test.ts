import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setUserSync } from '../helpers/api.js';
import { eventually, request } from '../helpers/http.js';
import { type SpawnedService, spawnService } from '../helpers/spawn-service.js';

let service: SpawnedService;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-console-'));
  service = await spawnService({ dataDir, env: { LOG_LEVEL: '', POWERTOOLS_LOG_LEVEL: '' } });
});

afterAll(async () => {
  await service.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the console of npm start', () => {
  it('tells a sync run in readable lines: state changes, a finish line with counts and time; no JSON', async () => {
    // Prepare
    const admin = service.admin ?? '';
    // Act: a sync run, a delivery with no signature (a warning), a login Jira refuses
    await setUserSync(service.url, admin, true, 60_000);
    await eventually(
      async () =>
        /finished ENABLED in [\d.]+ s: \d+\/\d+ accounts processed/.test(service.output()) ? true : undefined,
      10_000,
      'the finish line',
    );
    await request(service.url, 'POST', '/webhooks/jira', {
      body: { timestamp: Date.now(), webhookEvent: 'user_updated', user: { accountId: 'x' } },
    });
    await eventually(
      async () => (/WARN .*X-Hub-Signature/.test(service.output()) ? true : undefined),
      10_000,
      'the signature warning',
    );
    await request(service.url, 'GET', '/contacts', {
      auth: `Basic ${Buffer.from('nobody@example.com:nope').toString('base64')}`,
    });
    const lines = service
      .output()
      .split('\n')
      .filter((line) => line.trim());
    // Assess
    expect(lines).toContainEqual(expect.stringMatching(/^\[user sync\] DISABLED -> ENABLING$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[user sync\] ENABLING -> ENABLED$/));
    expect(lines.filter((line) => line.includes('finished ENABLED'))).toHaveLength(1);
    expect(lines).toContainEqual(
      expect.stringMatching(/^WARN Forged delivery \S+: missing X-Hub-Signature \(1 so far, 1 in \d+ logged\)$/),
    );
    expect(lines.filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
    expect(lines.filter((line) => /^\s+at /.test(line))).toEqual([]);
    expect(service.output()).not.toMatch(/No application metrics to publish/);
  });
});
