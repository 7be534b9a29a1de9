import type { UnsubscribeLinks } from '@nightshift/email-suppressions';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors/index.js';
import { bodylessErrors, errorResponses } from '../schemas/errors.js';

const linkQuery = z.object({
  email: z.email().max(254).describe('The address, as the link in the email gives it'),
  signature: z.string().max(128).describe("The link's signature"),
});

const htmlPage = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
const linkErrors = ['INVALID_REQUEST', 'UNSUBSCRIBE_LINK_INVALID'] as const;

export interface UnsubscribeRoutesOptions {
  links: UnsubscribeLinks;
}

/**
 * The unsubscribe link in bulk email, for people and mail clients, signed rather than behind a
 * bearer token. A GET only shows a page, since link scanners fetch every link
 * of a message; the page's button, and a mail client's one-click (RFC 8058: a POST with
 * `List-Unsubscribe=One-Click`), suppress the address for bulk mail only.
 */
export const unsubscribeRoutes: FastifyPluginAsyncZod<UnsubscribeRoutesOptions> = async (app, { links }) => {
  // RFC 8058's one-click POST is a form; its one field says nothing the signed link does not.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1_024 },
    (_request, _body, done) => done(null, undefined),
  );

  const checked = (email: string, signature: string) => {
    if (!links.check(email, signature)) {
      throw new ApiError(
        'UNSUBSCRIBE_LINK_INVALID',
        'this unsubscribe link was altered or cut short: use the link from the email as it is',
      );
    }
  };

  app.get(
    '/unsubscribe',
    {
      schema: {
        tags: ['email'],
        summary: 'Show the unsubscribe page of a bulk email link',
        description: 'Changes nothing: link scanners fetch every link of a message. The page has the button that unsubscribes.',
        // The link's signature is its authentication: no bearer token.
        security: [],
        querystring: linkQuery,
        response: { 200: htmlPage('A page that asks to confirm'), ...errorResponses(...linkErrors) },
      },
    },
    async (request, reply) => {
      const { email, signature } = request.query;
      checked(email, signature);
      const action = `?${new URLSearchParams({ email, signature })}`;
      return reply.type('text/html; charset=utf-8').send(
        page(
          'Unsubscribe from digests',
          `<p>Stop sending newsletters and digests to <strong>${escapeHtml(email)}</strong>?</p>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>
<p>Emails about your account, such as password resets and invoices, still reach you.</p>`,
        ),
      );
    },
  );

  app.post(
    '/unsubscribe',
    {
      schema: {
        tags: ['email'],
        summary: 'Unsubscribe an address from bulk email (RFC 8058 one-click)',
        security: [],
        description:
          "What mail clients send for `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, and the page's button: the address gets no more bulk email (the weekly digest); transactional email still reaches it.",
        querystring: linkQuery,
        response: {
          200: htmlPage('The address is unsubscribed from bulk email'),
          ...errorResponses(...bodylessErrors, ...linkErrors, 'REDIS_UNAVAILABLE'),
        },
      },
    },
    async (request, reply) => {
      const { email, signature } = request.query;
      checked(email, signature);
      await app.suppressions.suppress([email], { reason: 'unsubscribed', eventId: null });
      request.log.info({ email }, 'unsubscribed from bulk email');
      return reply.type('text/html; charset=utf-8').send(
        page(
          'You are unsubscribed',
          `<p><strong>${escapeHtml(email)}</strong> will get no more newsletters or digests.</p>
<p>Emails about your account, such as password resets and invoices, still reach you.</p>`,
        ),
      );
    },
  );
};

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}button{font:inherit;padding:.5rem 1rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
