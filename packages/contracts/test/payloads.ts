/**
 * Payloads each contract must refuse, with the field it must name: shared by the zod and JSON
 * Schema tests. What each accepts is its own `examples`.
 */
import type { JobData, QueueName } from '../src/index.js';

const welcome = {
  to: 'ada@example.com',
  subject: 'Welcome to Nightshift',
  template: 'welcome',
  data: { name: 'Ada', activationUrl: 'https://app.example.com/activate/abc' },
} satisfies JobData['email'];

const resize = (params: object) => ({ imageId: 'img1', operations: [{ type: 'resize', params }] });

/** [queue, payload, the field the error must name] */
export const invalidPayloads: [QueueName, unknown, string][] = [
  ['email', { ...welcome, to: 'not-an-address' }, 'to'],
  ['email', { ...welcome, to: `${'a'.repeat(250)}@example.com` }, 'to'],
  ['email', { ...welcome, subject: 'x'.repeat(201) }, 'subject'],
  ['email', { ...welcome, template: 'newsletter' }, 'template'],
  ['email', { ...welcome, data: { name: 'Ada' } }, 'data.activationUrl'],
  ['email', { ...welcome, data: { name: 'Ada', activationUrl: 'javascript:alert(1)' } }, 'data.activationUrl'],
  ['email', { ...welcome, data: { ...welcome.data, extra: 1 } }, 'data'],
  ['email', { ...welcome, cc: 'someone@example.com' }, ''],
  [
    'email',
    { to: 'ada@example.com', template: 'invoice', data: { invoiceNumber: 'INV-1', amountCents: 1.5, currency: 'EUR' } },
    'data.amountCents',
  ],
  [
    'email',
    { to: 'ada@example.com', template: 'invoice', data: { invoiceNumber: 'INV-1', amountCents: 1, currency: 'euro' } },
    'data.currency',
  ],
  ['pdf', { reportId: 'r1', userId: 'u1', format: 'docx' }, 'format'],
  ['pdf', { reportId: '../../etc/passwd', userId: 'u1', format: 'pdf' }, 'reportId'],
  ['pdf', { reportId: 'r1', format: 'pdf' }, 'userId'],
  ['image-processing', { imageId: 'img1', operations: [] }, 'operations'],
  [
    'image-processing',
    { imageId: 'img1', operations: Array(21).fill({ type: 'convert', params: { format: 'png' } }) },
    'operations',
  ],
  ['image-processing', { imageId: 'img1', operations: [{ type: 'blur', params: {} }] }, 'operations[0].type'],
  ['image-processing', resize({ fit: 'cover' }), 'operations[0].params.width'],
  ['image-processing', resize({ width: 0, fit: 'cover' }), 'operations[0].params.width'],
  ['image-processing', resize({ width: 100, fit: 'stretch' }), 'operations[0].params.fit'],
  ['image-processing', resize({ width: 100, fit: 'cover', left: 3 }), 'operations[0].params'],
  [
    'image-processing',
    { imageId: 'img1', operations: [{ type: 'crop', params: { left: -1, top: 0, width: 1, height: 1 } }] },
    'operations[0].params.left',
  ],
  [
    'image-processing',
    { imageId: 'img1', operations: [{ type: 'convert', params: { format: 'gif' } }] },
    'operations[0].params.format',
  ],
  [
    'image-processing',
    { imageId: 'img1', operations: [{ type: 'convert', params: { format: 'png', quality: 101 } }] },
    'operations[0].params.quality',
  ],
];
