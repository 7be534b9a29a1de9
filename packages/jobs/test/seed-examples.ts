/**
 * The examples a new user tries first, written exactly as they would write them: only the
 * import is ours. `typecheck` compiles this file and `seed-examples.test.ts` runs it. `redis`
 * is what an app passes from its parsed environment (`REDIS_URL`, `QUEUE_PREFIX`): the
 * factories read no environment variable themselves.
 */
import { type CreateQueueOptions, createFlowProducer, createQueue } from '@nightshift/jobs';

export async function runSeedExamples(redis: Pick<CreateQueueOptions, 'prefix' | 'redisUrl'>) {
  const emailQueue = createQueue('email', redis);
  const reportQueue = createQueue('pdf', { ...redis, defaultJobOptions: { priority: 10 } });

  const welcome = await emailQueue.add('welcome-email', {
    to: 'user@example.com',
    subject: 'Welcome to our platform!',
    template: 'welcome',
    data: { name: 'John Doe', activationUrl: 'https://app.example.com/activate/abc123' },
  });

  const reset = await emailQueue.add(
    'password-reset',
    {
      to: 'user@example.com',
      subject: 'Reset your password',
      template: 'reset-password',
      data: { resetUrl: 'https://app.example.com/reset/xyz789' },
    },
    { priority: 1 },
  );

  const trialWarning = await emailQueue.add(
    'trial-expiry-warning',
    { to: 'user@example.com', template: 'trial-expiry', data: { upgradeUrl: 'https://app.example.com/upgrade' } },
    { delay: 7 * 24 * 60 * 60 * 1000 },
  );

  // BullMQ 6 has no `repeat` option: a recurring job is a job scheduler.
  const digest = await emailQueue.upsertJobScheduler(
    'weekly-digest',
    { pattern: '0 9 * * 1', tz: 'Europe/Paris' },
    { name: 'weekly-digest', data: { to: 'user@example.com', template: 'weekly-digest', data: {} } },
  );

  const report = await reportQueue.add('monthly-report', { reportId: 'report-2026-11', userId: 'user-42', format: 'pdf' });
  const urgentReport = await reportQueue.add(
    'urgent-report',
    { reportId: 'report-urgent', userId: 'user-42', format: 'xlsx' },
    { priority: 1 },
  );

  // Three levels over three queues: thumbnails first, then the PDF that embeds them, then the email.
  const flowProducer = createFlowProducer(redis);
  const flow = await flowProducer.add({
    name: 'deliver-report',
    queueName: 'email',
    data: {
      to: 'user@example.com',
      template: 'report-ready',
      data: { reportTitle: 'November', downloadUrl: 'https://app.example.com/files/report.pdf' },
    },
    children: [
      {
        name: 'render-report',
        queueName: 'pdf',
        data: { reportId: 'report-2026-11', userId: 'user-42', format: 'pdf' },
        children: [
          {
            name: 'thumbnail',
            queueName: 'image-processing',
            data: { imageId: 'chart-1', operations: [{ type: 'resize', params: { width: 256, fit: 'inside' } }] },
          },
        ],
      },
    ],
  });

  const close = () => Promise.all([emailQueue.close(), reportQueue.close(), flowProducer.close()]);
  return { emailQueue, reportQueue, welcome, reset, trialWarning, digest, report, urgentReport, flow, close };
}
