/**
 * What the DynamoDB client's configuration costs per request: N conditional puts of new contacts
 * (the benchmark baseline's request) against the embedded store, for each client variant in turn,
 * with the variants' order rotated every round because the machine is shared:
 *
 *   tsx bench/client-puts.ts --puts 5000 --rounds 3 [--memory] [--variants service,sdk-defaults]
 *   tsx bench/client-puts.ts --puts 20000 --no-store   # the SDK's pipeline alone: no socket, no store
 *
 * Reports, per variant, the median puts a second and this process's CPU time per put (user +
 * system): the client's own cost, which is what a leaner configuration can save; the store runs in
 * its own process and is not counted. Not part of `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient, type DynamoDBClientConfig, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { DEFAULT_TABLE_NAME } from '../lambdas/adapters/dynamodb/table-schema.js';
import { syncInFlight } from './config.js';
import { median } from './stats.js';

const TABLE = DEFAULT_TABLE_NAME;

/** A client as a variant builds it: how it sends one conditional put, and the client to configure. */
interface ClientUnderTest {
  put(item: Record<string, unknown>): Promise<unknown>;
  client: DynamoDBClient | DynamoDBDocumentClient;
  /** The service's own client lives for the process: not destroyed between rounds. */
  shared?: boolean;
}

const conditionalPut = (item: Record<string, unknown>) => ({
  TableName: TABLE,
  Item: item,
  ConditionExpression: 'attribute_not_exists(pk)',
});

function documentClient(config: DynamoDBClientConfig): ClientUnderTest {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { client, put: (item) => client.send(new PutCommand(conditionalPut(item))) };
}

/** Client variants, each built fresh against `endpoint`; `service` is the service's own client. */
const VARIANTS: Record<string, (endpoint: string) => Promise<ClientUnderTest>> = {
  service: async () => {
    const { dynamoDocumentClient } = await import('../lambdas/adapters/dynamodb/client.js');
    const client = dynamoDocumentClient();
    return { client, shared: true, put: (item) => client.send(new PutCommand(conditionalPut(item))) };
  },
  'sdk-defaults': async (endpoint) => documentClient({ endpoint, maxAttempts: 5 }),
  'sockets-unbounded': async (endpoint) =>
    documentClient({
      endpoint,
      maxAttempts: 5,
      requestHandler: { httpAgent: { keepAlive: true, maxSockets: Infinity } },
    }),
  'sockets-320': async (endpoint) =>
    documentClient({
      endpoint,
      maxAttempts: 5,
      requestHandler: { httpAgent: { keepAlive: true, maxSockets: syncInFlight() } },
    }),
  'sockets-16': async (endpoint) =>
    documentClient({
      endpoint,
      maxAttempts: 5,
      requestHandler: { httpAgent: { keepAlive: true, maxSockets: 16 } },
    }),
  'sockets-100': async (endpoint) =>
    documentClient({
      endpoint,
      maxAttempts: 5,
      requestHandler: { httpAgent: { keepAlive: true, maxSockets: 100 } },
    }),
  'no-retries': async (endpoint) => documentClient({ endpoint, maxAttempts: 1 }),
  'no-recursion-detection': async (endpoint) => {
    const variant = documentClient({ endpoint, maxAttempts: 5 });
    variant.client.middlewareStack.remove('recursionDetectionMiddleware');
    return variant;
  },
  'no-user-agent': async (endpoint) => {
    const variant = documentClient({ endpoint, maxAttempts: 5 });
    variant.client.middlewareStack.remove('getUserAgentMiddleware');
    return variant;
  },
  // The document client refuses `cacheMiddleware`; the low-level client with it, marshalling here.
  'low-level-cached-middleware': async (endpoint) => {
    const client = new DynamoDBClient({ endpoint, maxAttempts: 5, cacheMiddleware: true });
    return {
      client,
      put: (item) =>
        client.send(
          new PutItemCommand({ ...conditionalPut({}), Item: marshall(item, { removeUndefinedValues: true }) }),
        ),
    };
  },
  // Local only, for scale: what SigV4 signing costs (dynalite does not check signatures).
  'unsigned (measure only)': async (endpoint) =>
    documentClient({
      endpoint,
      maxAttempts: 5,
      signer: {
        sign: async (request) => {
          // The shape dynalite checks for, with no signature computed.
          request.headers.authorization =
            'AWS4-HMAC-SHA256 Credential=local/20000101/us-east-1/dynamodb/aws4_request, ' +
            'SignedHeaders=host, Signature=0';
          request.headers['x-amz-date'] = '20000101T000000Z';
          return request;
        },
      },
    }),
};

/**
 * Answers every request at once with an empty success, without a socket: with it, the CPU time
 * measured is the SDK's own per-request pipeline and nothing else (`--no-store`).
 */
const instantHandler = {
  handle: async () => ({
    response: {
      statusCode: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: Readable.from([Buffer.from('{}')]),
    },
  }),
  updateHttpClientConfig: () => undefined,
  httpHandlerConfigs: () => ({}),
  destroy: () => undefined,
};

function contactItem(index: number): Record<string, unknown> {
  const id = randomUUID();
  const now = new Date().toISOString();
  return {
    pk: `CONTACT#${id}`,
    sk: 'CONTACT',
    id,
    name: `Ada Lovelace ${index}`,
    email: `ada.lovelace.${index}@example.com`,
    emailKey: `ada.lovelace.${index}@example.com`,
    phone: null,
    companyIds: [],
    tags: [],
    createdAt: now,
    updatedAt: now,
    createdKey: `${now}#${id}`,
    kindKey: 'CONTACT',
    kindSort: `${now}#${id}`,
    jiraAccountId: `712020:${randomUUID()}`,
    jiraAccountType: 'atlassian',
    jiraEventTs: Date.now(),
  };
}

/** `puts` conditional puts, `inFlight` at once; wall time and this process's CPU time. */
async function putAll(client: ClientUnderTest, puts: number, inFlight: number) {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let index = next++; index < puts; index = next++) {
        await client.put(contactItem(index));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { putsPerSecond: puts / seconds, cpuMicrosPerPut: (used.user + used.system) / puts };
}

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
};
const puts = Number(flag('--puts') ?? 5000);
const rounds = Number(flag('--rounds') ?? 3);
const inFlight = Number(flag('--in-flight') ?? syncInFlight());
const names = (flag('--variants') ?? Object.keys(VARIANTS).join(',')).split(',');
for (const name of names) if (!VARIANTS[name]) throw new Error(`Unknown variant ${name}`);

const noStore = argv.includes('--no-store');
const dataDir =
  argv.includes('--memory') || noStore ? undefined : await mkdtemp(path.join(tmpdir(), 'contact-sync-client-'));
const { ensureTable, startEmbeddedDynamo } = await import('../local/dynamo-server.js');
const store = await startEmbeddedDynamo(dataDir ? { path: path.join(dataDir, 'dynamodb') } : {});
try {
  await ensureTable(store.endpoint, TABLE);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
  });
  const samples = new Map<string, Array<{ putsPerSecond: number; cpuMicrosPerPut: number }>>(
    names.map((name) => [name, []]),
  );
  for (let round = 0; round < rounds; round += 1) {
    const order = names.map((_, index) => names[(index + round) % names.length] as string);
    for (const name of order) {
      const client = await (VARIANTS[name] as (endpoint: string) => Promise<ClientUnderTest>)(store.endpoint);
      const transport = client.client.config.requestHandler;
      if (noStore) Reflect.set(client.client.config, 'requestHandler', instantHandler);
      await putAll(client, Math.min(500, puts), inFlight);
      samples.get(name)?.push(await putAll(client, puts, inFlight));
      if (noStore) Reflect.set(client.client.config, 'requestHandler', transport);
      if (!client.shared) client.client.destroy();
      process.stderr.write(`round ${round + 1}/${rounds}: ${name} done\n`);
    }
  }
  const rows = names.map((name) => {
    const runs = samples.get(name) ?? [];
    return {
      variant: name,
      putsPerSecond: Math.round(median(runs.map((run) => run.putsPerSecond))),
      cpuMicrosPerPut: Math.round(median(runs.map((run) => run.cpuMicrosPerPut))),
      cpuMicrosPerPutRange: [
        Math.round(Math.min(...runs.map((run) => run.cpuMicrosPerPut))),
        Math.round(Math.max(...runs.map((run) => run.cpuMicrosPerPut))),
      ],
    };
  });
  const storeKind = noStore ? 'none (instant answers)' : dataDir ? 'disk' : 'memory';
  process.stdout.write(`${JSON.stringify({ puts, rounds, inFlight, store: storeKind, rows }, null, 2)}\n`);
} finally {
  await store.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
process.exit(0);
