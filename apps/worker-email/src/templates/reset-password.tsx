import type { EmailTemplateData } from '@nightshift/contracts';
import { ActionLink, Layout, Paragraph } from './layout.js';

export const resetPasswordSubject = () => 'Reset your password';

export function ResetPasswordEmail({ resetUrl, expiresInMinutes }: EmailTemplateData<'reset-password'>) {
  return (
    <Layout preview="A link to choose a new password" heading="Reset your password">
      <Paragraph>Someone asked to reset the password of your account. Choose a new one here:</Paragraph>
      <ActionLink href={resetUrl} label="Choose a new password" />
      {expiresInMinutes === undefined ? null : <Paragraph>This link expires in {expiresInMinutes} minutes.</Paragraph>}
      <Paragraph>If you did not ask for this, ignore this email: your password stays as it is.</Paragraph>
    </Layout>
  );
}
