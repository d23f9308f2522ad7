/**
 * The retrain schedule (node-cron): at RETRAIN_CRON, retrain when at least RETRAIN_MIN_SAMPLES
 * new trusted samples arrived; never two at once (node-cron's noOverlap, the Retrainer's own
 * guard and the lock file shared with `npm run retrain`).
 */
import { schedule, type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.ts';
import type { RetrainReport, Retrainer } from './job.ts';

export interface RetrainSchedule {
  readonly task: ScheduledTask;
  /** what the schedule runs each time (exposed for tests and for running it now) */
  tick(): Promise<RetrainReport>;
  stop(): Promise<void>;
}

export function scheduleRetrain(o: { cron: string; minSamples: number; retrainer: Retrainer; log: Logger; timezone?: string }): RetrainSchedule {
  const tick = async (): Promise<RetrainReport> => {
    const r = await o.retrainer.run({ trigger: 'cron', minNewSamples: o.minSamples });
    if (r.status === 'skipped' || r.status === 'busy') o.log.info({ status: r.status, reason: r.reason }, 'scheduled retrain skipped');
    return r;
  };
  const task = schedule(
    o.cron,
    () =>
      tick().catch((err: unknown) => {
        o.log.error({ err }, 'scheduled retrain failed');
      }),
    { name: 'retrain', noOverlap: true, ...(o.timezone ? { timezone: o.timezone } : {}) },
  );
  o.log.info({ cron: o.cron, next: task.getNextRun()?.toISOString(), minSamples: o.minSamples }, 'retrain scheduled');
  return {
    task,
    tick,
    async stop() {
      await task.destroy();
    },
  };
}
