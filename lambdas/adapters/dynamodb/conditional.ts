import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** True when a write was refused by its condition expression (a rule held, not a failure). */
export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}
