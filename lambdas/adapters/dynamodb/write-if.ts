import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** What a conditional write did: written (with the attributes it asked to return), or refused by its condition. */
export type ConditionalWrite = { written: true; attributes: Record<string, unknown> | undefined } | { written: false };

/**
 * Sends a write that carries a `ConditionExpression` and says whether the condition held.
 * A refused condition is an answer (a rule held, someone else won a race), not a failure; every other
 * error is thrown.
 */
export async function writeIf(
  client: DynamoDBDocumentClient,
  command: PutCommand | UpdateCommand | DeleteCommand,
): Promise<ConditionalWrite> {
  try {
    // One `send` overload per command class: the union needs a cast to pick one, the output shape is shared.
    const output = await client.send(command as UpdateCommand);
    return { written: true, attributes: output.Attributes };
  } catch (error) {
    if (isConditionFailure(error)) return { written: false };
    throw error;
  }
}

/** True when a write was refused by its condition expression. */
function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}
