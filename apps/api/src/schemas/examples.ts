import { jobContracts, type QueueName, reportExamples } from '@nightshift/contracts';
import type { z } from 'zod';
import { pascalCase } from './common.js';

/** An OpenAPI Example Object: what a request body shows under its name in the docs. */
export interface NamedExample {
  summary: string;
  value: unknown;
}

/**
 * A body schema with named request examples. @fastify/swagger moves `x-examples` from a body's
 * schema to its media type's `examples`, where the docs page lists them by name.
 */
export function withExamples<S extends z.ZodType>(schema: S, examples: Record<string, NamedExample>): S {
  return schema.meta({ 'x-examples': examples }) as S;
}

/**
 * What an example of a contract is called, from the field that tells its kind: an email's
 * template, an image's operations, a report's format, a webhook's event type.
 */
function kindOf(example: unknown): string | undefined {
  if (typeof example !== 'object' || example === null) return undefined;
  const fields = example as Record<string, unknown>;
  if (Array.isArray(fields.operations)) {
    return fields.operations.map((operation) => (operation as { type?: unknown }).type).join('-');
  }
  const kind = fields.template ?? fields.format ?? fields.eventType;
  return typeof kind === 'string' ? kind : undefined;
}

/** A contract's examples as jobs a person can send: `{ name, data }`, named by kind, in the contract's order. */
export function contractJobExamples(queue: QueueName): { name: string; data: unknown }[] {
  const seen = new Set<string>();
  return jobContracts[queue].examples.map((data, index) => {
    let name = kindOf(data) ?? `${queue}-${index + 1}`;
    if (seen.has(name)) name = `${name}-${index + 1}`;
    seen.add(name);
    return { name, data };
  });
}

/** `POST /v1/queues/{queue}/jobs`: one example per contract example (each email template, each image operation). */
export function addJobExamples(queue: QueueName): Record<string, NamedExample> {
  return Object.fromEntries(
    contractJobExamples(queue).map((job) => [job.name, { summary: `${pascalCase(queue)} job: ${job.name}`, value: job }]),
  );
}

/** `POST /v1/queues/{queue}/jobs/bulk`: every contract example in one request. */
export function bulkJobsExamples(queue: QueueName): Record<string, NamedExample> {
  const jobs = contractJobExamples(queue);
  return { all: { summary: `${jobs.length} ${queue} jobs at once`, value: { jobs } } };
}

/** `PUT /v1/queues/{queue}/schedulers/{id}`: the first contract example, every Monday at 08:00 Paris time. */
export function schedulerExamples(queue: QueueName): Record<string, NamedExample> {
  const [job] = contractJobExamples(queue);
  return {
    weekly: {
      summary: `Every Monday at 08:00 in Paris: ${queue} job ${job?.name}`,
      value: { pattern: '0 8 * * 1', tz: 'Europe/Paris', job },
    },
  };
}

/** `PUT /v1/reports/{reportId}`: the reports kept beside the contracts. */
export function reportDataExamples(): Record<string, NamedExample> {
  return Object.fromEntries(
    reportExamples.map((report, index) => [
      index === 0 ? 'report' : `report-${index + 1}`,
      { summary: `${report.title}: ${report.columns.length} columns, ${report.rows.length} rows`, value: report },
    ]),
  );
}

/** `POST /v1/flows/report-delivery`: the first pdf example, emailed to the first email example's recipient. */
export function reportDeliveryExamples(): Record<string, NamedExample> {
  const [report] = jobContracts.pdf.examples;
  const [email] = jobContracts.email.examples;
  return {
    report: {
      summary: 'Render a stored report and email a link to it',
      value: { ...(report as object), to: (email as { to: string }).to },
    },
  };
}
