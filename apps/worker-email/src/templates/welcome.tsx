import type { EmailTemplateData } from '@nightshift/contracts';
import { ActionLink, Layout, Paragraph } from './layout.js';

export const welcomeSubject = (data: EmailTemplateData<'welcome'>) => `Welcome, ${data.name}`;

export function WelcomeEmail({ name, activationUrl }: EmailTemplateData<'welcome'>) {
  return (
    <Layout preview="Activate your account to get started" heading={`Welcome, ${name}!`}>
      <Paragraph>Your account is ready. Activate it to get started.</Paragraph>
      <ActionLink href={activationUrl} label="Activate your account" />
    </Layout>
  );
}
