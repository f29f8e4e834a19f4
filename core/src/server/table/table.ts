// Server-side printing: objects of one kind -> a meta.k8s.io/v1 Table.

import type { ApiObject } from '../../api/index.js';
import {
  configMapPrinter,
  endpointsPrinter,
  eventPrinter,
  genericPrinter,
  leasePrinter,
  namespacePrinter,
  nodePrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from './printers.js';
import { podPrinter } from './pod.js';
import type { PartialObjectMetadata, Printer, Table, TableOptions, TableRow } from './types.js';
import {
  cronJobPrinter,
  deploymentPrinter,
  jobPrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
} from './workloads.js';

const PRINTERS: ReadonlyMap<string, Printer> = new Map(
  Object.entries<Printer>({
    Pod: podPrinter,
    Node: nodePrinter,
    Service: servicePrinter,
    Endpoints: endpointsPrinter,
    Namespace: namespacePrinter,
    ConfigMap: configMapPrinter,
    Secret: secretPrinter,
    ServiceAccount: serviceAccountPrinter,
    Event: eventPrinter,
    Lease: leasePrinter,
    ReplicationController: replicationControllerPrinter,
    ReplicaSet: replicaSetPrinter,
    Deployment: deploymentPrinter,
    Job: jobPrinter,
    CronJob: cronJobPrinter,
  }),
);

/** The printer for `kind`; kinds without their own print as NAME and AGE. */
export function printerFor(kind: string): Printer {
  return PRINTERS.get(kind) ?? genericPrinter;
}

export function toTable(kind: string, objects: readonly ApiObject[], options: TableOptions = {}): Table {
  const printer = options.printer ?? printerFor(kind);
  const wide = options.wide ?? true;
  const ctx = { now: options.now ?? new Date(), wide };
  const keep = printer.columns.map((c) => wide || c.priority === 0);
  const include = options.includeObject ?? 'Metadata';
  return {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'Table',
    metadata: { ...options.listMeta },
    columnDefinitions: printer.columns.filter((_, i) => keep[i]).map((c) => ({ ...c })),
    rows: objects.map((obj) => {
      const row: TableRow = { cells: printer.cells(obj, ctx).filter((_, i) => keep[i]) };
      const conditions = printer.conditions?.(obj);
      if (conditions) row.conditions = conditions;
      if (include === 'Object') row.object = obj;
      else if (include === 'Metadata') row.object = partialMetadata(obj);
      return row;
    }),
  };
}

function partialMetadata(obj: ApiObject): PartialObjectMetadata {
  return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: structuredClone(obj.metadata ?? {}) };
}
