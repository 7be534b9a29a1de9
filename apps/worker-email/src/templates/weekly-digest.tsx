import type { EmailTemplateData } from '@nightshift/contracts';
import { Link, Section, Text } from '@react-email/components';
import { Layout, Paragraph } from './layout.js';

export const weeklyDigestSubject = () => 'Your weekly digest';

export function WeeklyDigestEmail({ name, items = [] }: EmailTemplateData<'weekly-digest'>) {
  return (
    <Layout preview="What happened this week" heading={name ? `${name}, here is your week` : 'Here is your week'}>
      {items.length === 0 ? (
        <Paragraph>Nothing new this week.</Paragraph>
      ) : (
        <Section>
          {items.map((item) => (
            <Text key={item.url}>
              <Link href={item.url}>{item.title}</Link>
            </Text>
          ))}
        </Section>
      )}
    </Layout>
  );
}
