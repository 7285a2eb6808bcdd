import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { SyncWorkflowStarter } from '../../domain/sync/user-sync-runs.js';
import { tracer } from '../../shared/powertools.js';

/**
 * Starts the sync state machine. Locally the same call reaches the local runner, through the SDK's
 * own endpoint setting (`AWS_ENDPOINT_URL_SFN`).
 */
export class SfnWorkflowStarter implements SyncWorkflowStarter {
  private readonly client = tracer.captureAWSv3Client(new SFNClient({}));

  /** `stateMachineArn` is read when a run starts (the composition root gives it from the environment). */
  constructor(private readonly stateMachineArn: () => string) {}

  async start(input: Parameters<SyncWorkflowStarter['start']>[0], executionName: string): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn(),
          name: executionName,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // The same name means the same start, already done: starting is idempotent.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }
}
