/** The local stand-in for the webhook SQS queue, its dead-letter queue and the Lambda event source mapping. */
export {
  type DeadLetter,
  LocalQueue,
  type LocalQueueOptions,
  type LocalQueueStats,
  type QueueDependency,
  type QueueLog,
  type SqsHandler,
} from './local-queue.js';
export { md5OfStringAttributes, toSqsRecord } from './sqs-record.js';
