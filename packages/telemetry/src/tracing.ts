import { FastifyOtelInstrumentation } from '@fastify/otel';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { BullMQOtel } from 'bullmq-otel';

/** OpenTelemetry's standard variables as `@nightshift/config` parses them. */
export interface TracingEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' | 'http/json';
  OTEL_SERVICE_NAME?: string | undefined;
  OTEL_TRACES_SAMPLER:
    | 'always_on'
    | 'always_off'
    | 'traceidratio'
    | 'parentbased_always_on'
    | 'parentbased_always_off'
    | 'parentbased_traceidratio';
  OTEL_TRACES_SAMPLER_ARG?: number | undefined;
  OTEL_RESOURCE_ATTRIBUTES?: string | undefined;
}

export interface Tracing {
  readonly serviceName: string;
  /** BullMQ's `telemetry` option: produce and process spans, and the trace context carried inside each job. */
  readonly bullmq: BullMQOtel;
  /** `@fastify/otel`'s plugin for the API: one span per request, continuing an incoming `traceparent`. */
  fastifyPlugin(): ReturnType<FastifyOtelInstrumentation['plugin']>;
  /** Sends the spans still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

function samplerOf(env: TracingEnv): Sampler {
  const ratio = new TraceIdRatioBasedSampler(env.OTEL_TRACES_SAMPLER_ARG ?? 1);
  switch (env.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function resourceAttributes(list: string | undefined): Record<string, string> {
  if (!list) return {};
  return Object.fromEntries(
    list.split(',').map((pair) => {
      const [key = '', ...value] = pair.split('=');
      return [decodeURIComponent(key.trim()), decodeURIComponent(value.join('=').trim())];
    }),
  );
}

let started: Tracing | undefined;

/**
 * Starts exporting traces over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and returns
 * undefined otherwise: no SDK, no instrumentation, nothing for BullMQ, so tracing off costs nothing.
 * Once per process (the tracer provider is global); a second call returns the first's.
 */
export function startTracing(env: TracingEnv, defaultServiceName: string): Tracing | undefined {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  if (started) return started;
  const serviceName = env.OTEL_SERVICE_NAME ?? defaultServiceName;
  // The endpoint is the collector's base URL; each signal has its path below it, as the specification says.
  const url = new URL('v1/traces', env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/?$/, '/')).toString();
  const exporter: SpanExporter =
    env.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/json' ? new JsonTraceExporter({ url }) : new ProtobufTraceExporter({ url });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ ...resourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES), 'service.name': serviceName }),
    sampler: samplerOf(env),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  // Outgoing fetch/undici calls (Resend, webhooks, the alert webhook): a span each, and a traceparent header.
  const fastify = new FastifyOtelInstrumentation({ registerOnInitialization: false });
  registerInstrumentations({ instrumentations: [new UndiciInstrumentation(), fastify] });

  started = {
    serviceName,
    bullmq: new BullMQOtel({ tracerName: 'bullmq' }),
    fastifyPlugin: () => fastify.plugin(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      started = undefined;
    },
  };
  return started;
}
