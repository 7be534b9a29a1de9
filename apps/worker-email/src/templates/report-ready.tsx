import type { EmailTemplateData } from '@nightshift/contracts';
import { ActionLink, Layout, Paragraph } from './layout.js';

export const reportReadySubject = (data: EmailTemplateData<'report-ready'>) => `Your report "${data.reportTitle}" is ready`;

export function ReportReadyEmail({ reportTitle, downloadUrl }: EmailTemplateData<'report-ready'>) {
  return (
    <Layout preview={`${reportTitle} is ready to download`} heading="Your report is ready">
      <Paragraph>The report “{reportTitle}” has been generated.</Paragraph>
      <ActionLink href={downloadUrl} label="Download the report" />
    </Layout>
  );
}
