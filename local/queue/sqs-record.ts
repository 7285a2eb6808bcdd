import { createHash } from 'node:crypto';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';

/** The sender id AWS shows in its own sample SQS events. */
const SENDER_ID = 'AIDAIENQZJOLO23YVJ4VO';

export interface RecordSource {
  id: string;
  body: string;
  attributes: Record<string, string>;
  sentAt: number;
  receiveCount: number;
  firstReceiveAt: number;
  receiptHandle: string;
}

export interface RecordTarget {
  queueArn: string;
  awsRegion: string;
}

const md5 = (data: Buffer | string): string => createHash('md5').update(data).digest('hex');

function lengthPrefixed(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * SQS's MD5 of message attributes: for each attribute in name order, the length-prefixed name,
 * the length-prefixed data type, transport type 1 (string), and the length-prefixed value.
 */
export function md5OfStringAttributes(attributes: Record<string, string>): string {
  const parts: Buffer[] = [];
  for (const name of Object.keys(attributes).sort()) {
    parts.push(
      lengthPrefixed(name),
      lengthPrefixed('String'),
      Buffer.from([1]),
      lengthPrefixed(attributes[name] ?? ''),
    );
  }
  return md5(Buffer.concat(parts));
}

/** A record shaped exactly like the ones Lambda's SQS event source mapping delivers. */
export function toSqsRecord(message: RecordSource, target: RecordTarget): SQSRecord {
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.attributes)) {
    messageAttributes[name] = { stringValue: value, stringListValues: [], binaryListValues: [], dataType: 'String' };
  }
  const record: SQSRecord = {
    messageId: message.id,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: SENDER_ID,
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt),
    },
    messageAttributes,
    md5OfBody: md5(message.body),
    eventSource: 'aws:sqs',
    eventSourceARN: target.queueArn,
    awsRegion: target.awsRegion,
  };
  if (Object.keys(message.attributes).length > 0)
    record.md5OfMessageAttributes = md5OfStringAttributes(message.attributes);
  return record;
}
