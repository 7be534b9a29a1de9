import { OtlpReceiver } from '@nightshift/test-support';
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { startTracing, type Tracing, traceLogFields } from '../src/index.js';

const defaults = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_TRACES_SAMPLER: 'parentbased_always_on' } as const;

let tracing: Tracing | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
  await receiver?.close();
  receiver = undefined;
});

describe('startTracing', () => {
  it('starts nothing without an endpoint: spans do not record and logs get no trace fields', async () => {
    receiver = await OtlpReceiver.start();
    tracing = startTracing(defaults, 'nightshift-test');
    expect(tracing).toBeUndefined();
    const span = trace.getTracer('test').startSpan('unexported');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(traceLogFields()).toEqual({});
    expect(receiver.requests).toEqual([]);
  });

  it('exports over OTLP/HTTP protobuf by default, under the app’s default service name', async () => {
    receiver = await OtlpReceiver.start();
    tracing = startTracing(
      { ...defaults, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test' },
      'nightshift-test',
    );
    expect(tracing?.serviceName).toBe('nightshift-test');
    const tracer = trace.getTracer('test');
    tracer.startActiveSpan('exported', (span) => {
      expect(traceLogFields()).toEqual({
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
        trace_flags: '01',
      });
      span.end();
    });
    await tracing?.shutdown();
    tracing = undefined;
    expect(receiver.requests).toEqual([{ contentType: 'application/x-protobuf', bytes: expect.any(Number) }]);
    expect(receiver.requests[0]?.bytes).toBeGreaterThan(0);
  });

  it('names the service OTEL_SERVICE_NAME, and exports JSON when asked', async () => {
    receiver = await OtlpReceiver.start();
    tracing = startTracing(
      {
        ...defaults,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'renamed',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
      },
      'nightshift-test',
    );
    trace.getTracer('test').startSpan('exported').end();
    await tracing?.shutdown();
    tracing = undefined;
    expect(receiver.spans.map((span) => [span.service, span.name])).toEqual([['renamed', 'exported']]);
  });
});
