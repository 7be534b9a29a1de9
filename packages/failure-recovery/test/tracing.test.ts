import { randomBytes } from 'node:crypto';
import { OtlpReceiver, type ReceivedSpan } from '@nightshift/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AppProcess, JobLedger, NightshiftStack, type RunningApi } from '../src/index.js';
import { report, welcomeEmail } from './payloads.js';

/**
 * Tracing end to end, between real processes: the API, the email and pdf workers export over
 * OTLP/HTTP (JSON, so the test reads it) to a receiver on loopback; the Resend stand-in is the provider.
 * Every process is stopped before the spans are read: a graceful stop flushes what is buffered.
 */
const SPAN_KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;

let receiver: OtlpReceiver;
let stack: NightshiftStack;
let api: RunningApi;
let workers: AppProcess[];

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  stack = await NightshiftStack.start();
  const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
  // One at a time: on a loaded machine, three apps starting at once can each miss the start timeout.
  api = await stack.startApi(tracing);
  workers = [await stack.startWorker('worker-email', tracing), await stack.startWorker('worker-pdf', tracing)];
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

const traceId = randomBytes(16).toString('hex');
const callerSpanId = randomBytes(8).toString('hex');
let emailJobId = '';
let flow: { email: { id: string }; pdf: { id: string } } | undefined;

it('runs a traced request and a flow to completion', async () => {
  const email = new JobLedger(await stack.queueEvents('email'));
  const accepted = await api.client.send('POST', '/v1/queues/email/jobs', {
    body: welcomeEmail(1),
    headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
  });
  expect(accepted.status).toBe(202);
  emailJobId = (accepted.body as { id: string }).id;

  expect((await api.client.put('/v1/reports/q3-traced', report)).status).toBe(201);
  const delivery = await api.client.post('/v1/flows/report-delivery', {
    reportId: 'q3-traced',
    userId: 'u_1',
    format: 'pdf',
    to: 'ada@example.com',
  });
  expect(delivery.status).toBe(202);
  flow = (delivery.body as { jobs: { email: { id: string }; pdf: { id: string } } }).jobs;
  const flowEmail = flow.email.id;
  await email.until(
    () => email.record(emailJobId).completedAt !== undefined && email.record(flowEmail).completedAt !== undefined,
    'both emails sent',
  );
  expect(stack.resend.requests.length).toBeGreaterThanOrEqual(2);
  // A graceful stop flushes each process's buffered spans to the receiver.
  await Promise.all([api.process.stop(), ...workers.map((worker) => worker.stop())]);
}, 120_000);

it('puts the API, the enqueue, the worker and the provider call in the caller’s trace, each under the one before', () => {
  const spans = receiver.spans.filter((span) => span.traceId === traceId);
  const by = (service: string, kind: number, match: (span: ReceivedSpan) => boolean = () => true) =>
    spans.filter((span) => span.service === service && span.kind === kind && match(span));

  const [request] = by('nightshift-api', SPAN_KIND.server);
  expect(request?.parentSpanId).toBe(callerSpanId);
  const [enqueue] = by('nightshift-api', SPAN_KIND.producer);
  expect(enqueue?.name).toContain('email');
  expect(receiver.ancestors(enqueue as ReceivedSpan)).toContainEqual(request);

  const processed = by('nightshift-worker-email', SPAN_KIND.consumer);
  expect(processed).toHaveLength(1);
  const [processing] = processed;
  expect(receiver.ancestors(processing as ReceivedSpan)).toContainEqual(enqueue);
  expect(Object.values(processing?.attributes ?? {})).toEqual(expect.arrayContaining(['email', emailJobId]));

  const [providerCall] = by('nightshift-worker-email', SPAN_KIND.client, (span) =>
    String(span.attributes['url.full'] ?? '').startsWith(stack.resend.url),
  );
  expect(providerCall).toBeDefined();
  expect(receiver.ancestors(providerCall as ReceivedSpan)).toContainEqual(processing);
});

it('puts a flow’s parent and children, produced and processed, in one trace', () => {
  const pdfProcessing = receiver.spans.find(
    (span) =>
      span.service === 'nightshift-worker-pdf' &&
      span.kind === SPAN_KIND.consumer &&
      Object.values(span.attributes).includes(flow?.pdf.id ?? ''),
  );
  const emailProcessing = receiver.spans.find(
    (span) =>
      span.service === 'nightshift-worker-email' &&
      span.kind === SPAN_KIND.consumer &&
      Object.values(span.attributes).includes(flow?.email.id ?? ''),
  );
  expect(pdfProcessing).toBeDefined();
  expect(emailProcessing).toBeDefined();
  expect(pdfProcessing?.traceId).toBe(emailProcessing?.traceId);
  expect(pdfProcessing?.traceId).not.toBe(traceId);
  const flowTrace = receiver.spans.filter((span) => span.traceId === pdfProcessing?.traceId);
  expect(new Set(flowTrace.map((span) => span.service))).toEqual(
    new Set(['nightshift-api', 'nightshift-worker-pdf', 'nightshift-worker-email']),
  );
  // The trace starts at the API's request: every span in it descends from that one root.
  const roots = flowTrace.filter((span) => span.parentSpanId === '');
  expect(roots.map((span) => [span.service, span.kind])).toEqual([['nightshift-api', SPAN_KIND.server]]);
});
