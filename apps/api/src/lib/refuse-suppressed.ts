import { type EmailJob, emailTemplateKinds } from '@nightshift/contracts';
import { blocks, describeSuppression, type SuppressionList } from '@nightshift/email-suppressions';
import { ApiError } from '../errors/index.js';

/**
 * Refuses an email job whose recipient is suppressed for its kind of mail (422), naming why and
 * when and the two ways past it, unless the job asks to be sent anyway. `field` names the job's
 * `to` in the request, e.g. `jobs[3].data.to`.
 */
export async function refuseSuppressed(suppressions: SuppressionList, email: EmailJob, field: string): Promise<void> {
  if (email.ignoreSuppression) return;
  const suppression = await suppressions.find(email.to);
  if (!suppression || !blocks(suppression, emailTemplateKinds[email.template])) return;
  const message = `${email.to} is suppressed: ${describeSuppression(suppression)}. Lift it with DELETE /v1/suppressions/${encodeURIComponent(suppression.email)}, or set data.ignoreSuppression to true to send this email anyway`;
  throw new ApiError('EMAIL_SUPPRESSED', message, { issues: [{ path: field, message: 'is suppressed' }] });
}
