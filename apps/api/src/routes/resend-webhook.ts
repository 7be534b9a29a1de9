import type { EventOutcome, SuppressionList } from '@nightshift/email-suppressions';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Resend } from 'resend';
import { z } from 'zod';
import { ApiError } from '../errors/index.js';
import { jsonResponse } from '../schemas/common.js';
import { errorResponses } from '../schemas/errors.js';

/** Resend's events are a few KiB; anything much larger is not one of them. */
export const RESEND_WEBHOOK_BODY_LIMIT = 64 * 1024;

/**
 * The SDK's client wants an API key even though verifying a signature calls no API: this one is
 * never sent anywhere.
 */
const VERIFY_ONLY_KEY = 're_verify_only';

/** The parts of an event Nightshift acts on; everything else in it is Resend's business. */
const eventSchema = z.looseObject({
  type: z.string(),
  created_at: z.string().optional(),
  data: z.looseObject({
    to: z.union([z.email(), z.array(z.email())]).optional(),
    bounce: z.looseObject({ type: z.string(), subType: z.string().optional(), message: z.string().optional() }).optional(),
  }),
});

const receivedSchema = z.object({
  outcome: z
    .enum(['suppressed', 'counted', 'ignored', 'replayed'])
    .describe(
      '`suppressed`: a permanent bounce or a complaint put the addresses on the list; `counted`: a transient bounce was counted; `ignored`: an event type Nightshift does not act on; `replayed`: this event id was handled before and nothing changed',
    ),
});

export interface ResendWebhookOptions {
  /** `RESEND_WEBHOOK_SECRET`, the webhook's signing secret (`whsec_…`). */
  secret: string;
}

/**
 * POST /v1/webhooks/resend: Resend's email events, authenticated by their signature (svix
 * headers, checked by the Resend SDK, which also refuses a timestamp outside its tolerance), not
 * by a bearer token. A permanent bounce or a complaint suppresses the recipients; a transient
 * bounce is counted. Each event id takes effect once, so Resend's retries are harmless.
 */
export const resendWebhookRoutes: FastifyPluginAsyncZod<ResendWebhookOptions> = async (app, { secret }) => {
  const resend = new Resend(VERIFY_ONLY_KEY);
  // The signature covers the exact bytes sent: the body is kept as text, and parsed only once verified.
  // Here only: the app's JSON parser is replaced in this plugin's context.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post(
    '/webhooks/resend',
    {
      bodyLimit: RESEND_WEBHOOK_BODY_LIMIT,
      schema: {
        tags: ['email'],
        summary: "Receive Resend's email events (bounces, complaints)",
        description:
          "Point a webhook in Resend's dashboard here, with the events `email.bounced` and `email.complained`, and set `RESEND_WEBHOOK_SECRET` to its signing secret. Authenticated by the `svix-id`, `svix-timestamp` and `svix-signature` headers, not by a bearer token.",
        // The signature is its authentication: the document says no bearer token is needed.
        security: [],
        response: {
          200: jsonResponse('The event was verified and handled (or had been before)', receivedSchema),
          // The body is read as text: JSON that is malformed or empty fails its signature check, not the parser.
          ...errorResponses(
            'BAD_REQUEST',
            'BODY_TOO_LARGE',
            'UNSUPPORTED_MEDIA_TYPE',
            'WEBHOOK_SIGNATURE_INVALID',
            'INVALID_REQUEST',
            'REDIS_UNAVAILABLE',
          ),
        },
      },
    },
    async (request) => {
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : '';
      };
      const eventId = header('svix-id');
      let verified: unknown;
      try {
        verified = resend.webhooks.verify({
          payload: typeof request.body === 'string' ? request.body : '',
          headers: { id: eventId, timestamp: header('svix-timestamp'), signature: header('svix-signature') },
          webhookSecret: secret,
        });
      } catch (error) {
        request.log.warn({ err: error, eventId }, 'resend webhook refused');
        throw new ApiError(
          'WEBHOOK_SIGNATURE_INVALID',
          `the webhook did not verify (${(error as Error).message}): check that RESEND_WEBHOOK_SECRET is this webhook's signing secret`,
        );
      }
      const parsed = eventSchema.safeParse(verified);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
        throw new ApiError('INVALID_REQUEST', `the event does not have the shape Nightshift reads: ${issues[0]?.path}`, {
          issues,
        });
      }
      const outcome = await handleEvent(app.suppressions, eventId, parsed.data);
      request.log.info({ eventId, type: parsed.data.type, outcome }, 'resend webhook handled');
      return { outcome };
    },
  );
};

type ResendEvent = z.infer<typeof eventSchema>;
type Outcome = z.infer<typeof receivedSchema>['outcome'];

async function handleEvent(suppressions: SuppressionList, eventId: string, event: ResendEvent): Promise<Outcome> {
  const to = event.data.to === undefined ? [] : [event.data.to].flat();
  const when = eventTime(event.created_at);
  const outcome = (result: EventOutcome, effect: Outcome): Outcome => (result === 'replayed' ? 'replayed' : effect);
  if (event.type === 'email.complained') {
    return outcome(await suppressions.suppress(to, { reason: 'complained', eventId, suppressedAt: when }), 'suppressed');
  }
  if (event.type === 'email.bounced' && event.data.bounce?.type === 'Permanent') {
    const { type, subType, message } = event.data.bounce;
    const detail = `${[type, subType].filter(Boolean).join('/')}${message ? `: ${message}` : ''}`;
    return outcome(await suppressions.suppress(to, { reason: 'bounced', detail, eventId, suppressedAt: when }), 'suppressed');
  }
  if (event.type === 'email.bounced') return outcome(await suppressions.countTransientBounce(to, eventId), 'counted');
  return outcome(await suppressions.remember(eventId), 'ignored');
}

/** The event's own time when it carries a readable one, else now. */
function eventTime(createdAt: string | undefined): string {
  const time = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
  return new Date(Number.isNaN(time) ? Date.now() : time).toISOString();
}
