import type { EmailTemplateData } from '@nightshift/contracts';
import { ActionLink, Layout, Paragraph } from './layout.js';

function whenItEnds(daysLeft: number | undefined): string {
  if (daysLeft === undefined) return 'soon';
  if (daysLeft === 0) return 'today';
  return daysLeft === 1 ? 'in 1 day' : `in ${daysLeft} days`;
}

export const trialExpirySubject = (data: EmailTemplateData<'trial-expiry'>) => `Your trial ends ${whenItEnds(data.daysLeft)}`;

export function TrialExpiryEmail({ name, daysLeft, upgradeUrl }: EmailTemplateData<'trial-expiry'>) {
  return (
    <Layout
      preview={`Your trial ends ${whenItEnds(daysLeft)}`}
      heading={name ? `${name}, your trial is ending` : 'Your trial is ending'}
    >
      <Paragraph>Your free trial ends {whenItEnds(daysLeft)}. Upgrade to keep your jobs running without interruption.</Paragraph>
      <ActionLink href={upgradeUrl} label="Upgrade now" />
    </Layout>
  );
}
