import { afterAll, expect, it } from 'vitest';
import { isolatedTarget, obliterate } from './helpers.js';
import { runSeedExamples } from './seed-examples.js';

const target = isolatedTarget();
afterAll(() => obliterate(target, 'email', 'pdf', 'image-processing'));

it('runs the seed examples as a user writes them', async () => {
  const seeds = await runSeedExamples(target);
  try {
    expect(seeds.welcome.opts.attempts).toBe(3);
    expect(seeds.reset.opts.priority).toBe(1);
    expect(await seeds.trialWarning.getState()).toBe('delayed');
    expect(seeds.trialWarning.opts.delay).toBe(604_800_000);
    expect(seeds.report.opts.priority).toBe(10);
    expect(seeds.urgentReport.opts.priority).toBe(1);
    const scheduler = await seeds.emailQueue.getJobScheduler('weekly-digest');
    expect(scheduler).toMatchObject({ key: 'weekly-digest', pattern: '0 9 * * 1', tz: 'Europe/Paris' });
    // The scheduler's next run is the coming Monday at 09:00 Paris time.
    const next = new Date(scheduler?.next ?? 0);
    const paris = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    expect(paris.format(next)).toBe('Mon 09:00');
    expect(seeds.digest.data).toMatchObject({ template: 'weekly-digest' });
    expect(await seeds.flow.job.getState()).toBe('waiting-children');
    expect(seeds.flow.children?.[0]?.children?.[0]?.job.queueName).toBe('image-processing');
  } finally {
    await seeds.close();
  }
});
