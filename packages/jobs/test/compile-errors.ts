/**
 * Wrong payloads are compile errors for producers. `typecheck` fails if any line marked
 * `@ts-expect-error` below compiles, so each marks a mistake the types must catch.
 */
import type { ContractQueue } from '@nightshift/jobs';

export function producerMistakes(
  email: ContractQueue<'email'>,
  pdf: ContractQueue<'pdf'>,
  images: ContractQueue<'image-processing'>,
) {
  // @ts-expect-error an unknown template
  void email.add('x', { to: 'a@example.com', template: 'newsletter', data: {} });
  // @ts-expect-error welcome needs an activationUrl
  void email.add('x', { to: 'a@example.com', template: 'welcome', data: { name: 'Ada' } });
  // @ts-expect-error a format other than pdf or xlsx
  void pdf.add('x', { reportId: 'r', userId: 'u', format: 'docx' });
  // @ts-expect-error an operation type that does not exist
  void images.add('x', { imageId: 'i', operations: [{ type: 'blur', params: { sigma: 2 } }] });
  // @ts-expect-error crop params on a resize
  void images.add('x', { imageId: 'i', operations: [{ type: 'resize', params: { left: 0, top: 0, width: 1, height: 1 } }] });
  // @ts-expect-error an email payload on the pdf queue
  void pdf.add('x', { to: 'a@example.com', template: 'trial-expiry', data: {} });
  // @ts-expect-error a scheduler template must carry the queue's payload
  void email.upsertJobScheduler('digest', { every: 1000 }, { name: 'digest', data: { reportId: 'r' } });
}
