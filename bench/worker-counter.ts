/**
 * Loaded into the webhook consumer's worker thread (`startLocalRuntime({ consumerPreload })`):
 * counts the worker's DynamoDB requests with the same middleware as the service's main thread and
 * publishes a snapshot on a BroadcastChannel after every change, for the benchmark to add up.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { dynamoDocumentClient } from '../lambdas/adapters/dynamodb/client.js';
import { DynamoCounter, WORKER_COUNTS_CHANNEL } from './dynamo-counter.js';

const channel = new BroadcastChannel(WORKER_COUNTS_CHANNEL);
channel.unref();
const counter = new DynamoCounter((snapshot) => channel.postMessage(snapshot));
counter.attach(dynamoDocumentClient());
channel.onmessage = (message) => {
  if ((message as { data?: unknown }).data === 'reset') counter.reset();
};
