import { type EmailJob, emailTemplateKinds } from '@nightshift/contracts';
import { blocks, describeSuppression, type SuppressionList } from '@nightshift/email-suppressions';
import { ApiError } from '../errors/index.js';

/**
 * Refuses email jobs whose recipient is suppressed for their kind of mail (422), naming why and
 * when and the two ways past it, unless a job asks to be sent anyway. `fieldOf(index)` names a
 * job's `to` in the request, e.g. `jobs[3].data.to`. One Redis round trip for the whole request.
 */
export async function refuseSuppressed(
  suppressions: SuppressionList,
  emails: readonly EmailJob[],
  fieldOf: (index: number) => string,
): Promise<void> {
  const checked = emails.flatMap((email, index) => (email.ignoreSuppression ? [] : [{ email, index }]));
  const found = await suppressions.findMany(checked.map(({ email }) => email.to));
  const refused = checked.flatMap(({ email, index }, position) => {
    const suppression = found[position];
    return suppression && blocks(suppression, emailTemplateKinds[email.template])
      ? [{ email, suppression, field: fieldOf(index) }]
      : [];
  });
  const [first] = refused;
  if (!first) return;
  const { email, suppression } = first;
  const others = refused.length > 1 ? ` (and ${refused.length - 1} more job(s): see issues)` : '';
  const message = `${email.to} is suppressed: ${describeSuppression(suppression)}${others}. Lift it with DELETE /v1/suppressions/${encodeURIComponent(suppression.email)}, or set data.ignoreSuppression to true to send this email anyway`;
  throw new ApiError('EMAIL_SUPPRESSED', message, {
    issues: refused.map(({ field, suppression: why }) => ({
      path: field,
      message: `is suppressed: ${describeSuppression(why)}`,
    })),
  });
}
