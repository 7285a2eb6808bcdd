/**
 * The service's own metric names (EMF, namespace ContactSync), in a module that imports nothing:
 * the handlers emit them and lib/observability graphs and alarms on them, so a name misspelt on
 * either side is a type error rather than a graph that stays empty.
 */
export const METRIC = {
  // A sync run's progress, per page or batch (summed per run and over time).
  AccountsProcessed: 'AccountsProcessed',
  ContactsCreated: 'ContactsCreated',
  ContactsLinked: 'ContactsLinked',
  ContactsUpdated: 'ContactsUpdated',
  ContactsUnlinked: 'ContactsUnlinked',
  AccountsSkipped: 'AccountsSkipped',
  AccountsFailed: 'AccountsFailed',
  // Whole runs and the workflow's steps.
  SyncRunsSucceeded: 'SyncRunsSucceeded',
  SyncRunsFailed: 'SyncRunsFailed',
  SyncPagesPlanned: 'SyncPagesPlanned',
  RunSizeEstimated: 'RunSizeEstimated',
  ServiceDeskSteps: 'ServiceDeskSteps',
  OrganizationSteps: 'OrganizationSteps',
  CompanyBatchesDemoted: 'CompanyBatchesDemoted',
  // Reconciles: runs, scheduled ones skipped, and the drift one run repaired.
  ReconcileRunsSucceeded: 'ReconcileRunsSucceeded',
  ReconcileRunsFailed: 'ReconcileRunsFailed',
  ScheduledReconcilesSkipped: 'ScheduledReconcilesSkipped',
  ReconcileCreated: 'ReconcileCreated',
  ReconcileUpdated: 'ReconcileUpdated',
  ReconcileUnlinked: 'ReconcileUnlinked',
  // The webhook consumer, per delivery (named apart from the runs' counts).
  DeliveriesReceived: 'DeliveriesReceived',
  DeliveriesProcessed: 'DeliveriesProcessed',
  DeliveriesIgnored: 'DeliveriesIgnored',
  ForgedDeliveries: 'ForgedDeliveries',
  DeadLettered: 'DeadLettered',
  WebhookContactsCreated: 'WebhookContactsCreated',
  WebhookContactsLinked: 'WebhookContactsLinked',
  WebhookContactsUpdated: 'WebhookContactsUpdated',
  WebhookContactsUnlinked: 'WebhookContactsUnlinked',
} as const;

/** One of the service's own metric names. */
export type MetricName = (typeof METRIC)[keyof typeof METRIC];
