/**
 * Who the service is, to Powertools and CloudWatch: one source for the CDK app (`lib/`), the
 * handlers and the local runtime. No imports, so the CDK app loads it for nothing.
 */

/** Powertools' `service`: the logs' `service` key, the metrics' `service` dimension, the traces' annotation. */
export const SERVICE_NAME = 'contact-sync';

/** The CloudWatch namespace of the service's EMF metrics (the dashboard and alarms read it). */
export const METRICS_NAMESPACE = 'ContactSync';
