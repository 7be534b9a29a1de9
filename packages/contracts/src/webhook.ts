import { z } from 'zod';
import { defineContract } from './define-contract.js';
import { httpUrl, resourceId } from './fields.js';

/** The largest `payload`, as UTF-8 JSON: receivers parse it whole, and it lives in Redis until the job is removed. */
export const WEBHOOK_MAX_PAYLOAD_BYTES = 65_536;

export const webhookJobSchema = z.strictObject({
  /**
   * Where the event is POSTed. The worker refuses private, loopback, link-local and unique-local
   * addresses (IPv4 and IPv6) when it connects, unless its configuration allows them, so a job
   * cannot aim it at an internal service. Credentials in the URL are refused: use the signature.
   */
  url: httpUrl,
  /** What happened, dotted as the Standard Webhooks specification suggests: `invoice.paid`. */
  eventType: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'must be 1 to 128 letters, digits, ".", "_", ":" or "-", e.g. invoice.paid'),
  /** The event's JSON, sent as the body's `data`. */
  payload: z
    .record(z.string(), z.json())
    .refine((payload) => Buffer.byteLength(JSON.stringify(payload)) <= WEBHOOK_MAX_PAYLOAD_BYTES, {
      message: `must be at most ${WEBHOOK_MAX_PAYLOAD_BYTES} bytes as JSON`,
    })
    .meta({ description: `A JSON object of at most ${WEBHOOK_MAX_PAYLOAD_BYTES} bytes as UTF-8 JSON` }),
  /**
   * A registered endpoint (`PUT /v1/webhook-endpoints/{id}`): signed with its secret, its failures
   * counted, disabled after too many in a row. Without it the worker's own secret signs.
   */
  endpointId: resourceId.optional(),
});
export type WebhookJob = z.infer<typeof webhookJobSchema>;

export const webhookResultSchema = z.strictObject({
  /** The `webhook-id` header: the same on every attempt, so a receiver can drop a repeat. */
  webhookId: z.string(),
  /** The receiver's HTTP status, a 2xx. */
  status: z.int().min(200).max(299),
  durationMs: z.int().nonnegative(),
});
export type WebhookResult = z.infer<typeof webhookResultSchema>;

export const webhookContract = defineContract({
  version: 1,
  data: webhookJobSchema,
  result: webhookResultSchema,
  upcasters: [],
  jobNames: ['deliver'],
  endpoints: true,
  examples: [
    {
      url: 'https://hooks.example.com/nightshift',
      eventType: 'invoice.paid',
      payload: { invoiceId: 'inv_42', amountCents: 129_900, currency: 'EUR' },
      endpointId: 'shop-42',
    },
    { url: 'https://example.com/webhooks', eventType: 'report.ready', payload: { reportId: 'q3', pages: 12, ready: true } },
  ],
});
