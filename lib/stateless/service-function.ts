import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/service-identity.js';
import { acknowledgeServiceFunction, acknowledgeTableIndexAccess } from '../nag-acknowledgements.js';

const LAMBDAS_DIR = new URL('../../lambdas/', import.meta.url);

export interface ServiceFunctionProps {
  /** The handler file, relative to `lambdas/` (as in API_HANDLERS), e.g. `handlers/contacts-api.ts`. */
  readonly entry: string;
  /** What the function does, in a sentence: the function's and its role's description. */
  readonly description: string;
  /** How long one invocation may run. */
  readonly timeout: Duration;
  /**
   * Memory in MiB (CPU grows with it).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Variables added to Powertools' own (service name, namespace, log level, tracing).
   * @default none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Files copied beside the bundled handler (into a folder of the bundle), e.g. a web page it serves.
   * @default none
   */
  readonly filesBesideHandler?: { readonly from: string; readonly into: string };
}

/**
 * Every Lambda function of the service, built one way: Node.js 22 on ARM64, bundled by the locally
 * installed esbuild (never Docker) as ESM with source maps, Powertools configured, X-Ray on and
 * its own log group with a retention, and a role that may only write to that log group (and X-Ray):
 * every other grant is added by the caller, one by one.
 */
export class ServiceFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role instead of AWSLambdaBasicExecutionRole, which may write to every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: fileURLToPath(new URL(props.entry, LAMBDAS_DIR)),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      role: this.role,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Powertools Tracer: the invocation, the AWS SDK calls and each Jira call as subsegments.
        POWERTOOLS_TRACE_ENABLED: 'true',
        // Stack traces point into the TypeScript sources through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        minify: true,
        logLevel: nodejs.LogLevel.WARNING,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // Some dependencies still call require(): give the ESM bundle one.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        ...(props.filesBesideHandler ? { commandHooks: copyBesideHandler(props.filesBesideHandler) } : {}),
      },
    });
    acknowledgeServiceFunction(this);
  }

  /** Read and write the table's items and query its indexes. */
  grantTableReadWrite(table: dynamodb.ITable): void {
    table.grantReadWriteData(this.function);
    acknowledgeTableIndexAccess(this, table);
  }
}

/** Bundling hooks that copy a folder into the bundle, beside the handler. */
function copyBesideHandler({ from, into }: { from: string; into: string }): nodejs.ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => [
      `mkdir -p "${outputDir}/${into}" && cp -R "${from}/." "${outputDir}/${into}/"`,
    ],
  };
}
