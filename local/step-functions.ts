import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import './promise-with-resolvers.js';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type TaskFunction = (input: unknown, context: Context) => Promise<unknown>;

const LOCAL_ARN_PREFIX = 'arn:aws:states:local:000000000000';

/** Task resources are CloudFormation tokens in the synthesized definition; locally any valid ARN will do. */
function withLocalResources(node: Json): Json {
  if (Array.isArray(node)) return node.map(withLocalResources);
  if (node === null || typeof node !== 'object') return node;
  const copy: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] =
      key === 'Resource' && typeof value !== 'string'
        ? 'arn:aws:lambda:local:000000000000:function:local'
        : withLocalResources(value);
  }
  return copy;
}

/**
 * Stands in for AWS Step Functions: runs the deployed state machine definition with
 * `aws-local-stepfunctions`, each Task bound by state name to the same handler that deploys, and
 * answers the SDK's `StartExecution` over HTTP so the toggle handler calls it as it calls AWS.
 */
export class LocalStepFunctions {
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, { abort: () => void; done: Promise<void> }>();
  private server: Server | undefined;

  constructor(
    definition: Record<string, unknown>,
    private tasks: Record<string, TaskFunction>,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.machine = new StateMachine(withLocalResources(definition as Json) as never, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
  }

  /** Binds Task states, by name, to the functions that run them. */
  bind(tasks: Record<string, TaskFunction>): void {
    this.tasks = tasks;
  }

  /** Starts an execution unless one of that name was already started (as Step Functions does). */
  start(name: string, input: unknown): string {
    const arn = `${LOCAL_ARN_PREFIX}:execution:sync:${name}`;
    if (this.executions.has(name)) return arn;
    const handlers = Object.fromEntries(
      Object.entries(this.tasks).map(([state, task]) => [
        state,
        (taskInput: unknown) => task(taskInput, lambdaContext(state)) as Promise<never>,
      ]),
    );
    const execution = this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers },
      context: { Execution: { Id: arn, Name: name, Input: input as never, StartTime: new Date().toISOString() } },
      noThrowOnAbort: true,
    });
    const done = execution.result.then(
      () => this.log(`execution ${name} finished`),
      (error: unknown) => this.log(`execution ${name} failed: ${String(error)}`),
    );
    this.executions.set(name, { abort: execution.abort, done });
    return arn;
  }

  /** Resolves when every execution started so far has ended. */
  async idle(): Promise<void> {
    await Promise.all([...this.executions.values()].map((execution) => execution.done));
  }

  /** Serves `AWSStepFunctions.StartExecution` (JSON 1.0 protocol) for `AWS_ENDPOINT_URL_SFN`. */
  async listen(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        const reply = (status: number, body: unknown) => {
          response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
          response.end(JSON.stringify(body));
        };
        if (target !== 'AWSStepFunctions.StartExecution') {
          reply(400, { __type: 'UnknownOperationException', message: `${target} is not available locally.` });
          return;
        }
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { name?: string; input?: string };
          const executionArn = this.start(body.name ?? String(Date.now()), JSON.parse(body.input ?? '{}'));
          reply(200, { executionArn, startDate: Date.now() / 1000 });
        } catch (error) {
          reply(400, { __type: 'InvalidExecutionInput', message: String(error) });
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /**
   * Stops taking starts and aborts running executions; their state stays in the table and resumes
   * at the next start.
   */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    for (const execution of this.executions.values()) execution.abort();
    await this.idle();
  }
}
