/**
 * The retrain child process (forked by src/retrain/fork.ts): receives one CandidateJob, reports
 * progress, answers with the CandidateResult (or an error) and exits. Runs at a lower priority
 * so the bot's process keeps the CPU it needs to answer.
 */
import { setPriority } from 'node:os';
import { trainCandidate, type CandidateJob } from './candidate.ts';
import type { ChildMessage, ParentMessage } from './fork.ts';

const send = (m: ChildMessage): Promise<void> =>
  new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(m, undefined, {}, () => resolve());
  });

// the parent going away (crash, kill) ends the job: nobody would use the result
process.on('disconnect', () => process.exit(1));

process.once('message', (raw) => {
  const m = raw as ParentMessage;
  if (m.type !== 'start') return;
  void run(m.job, m.nice);
});

async function run(job: CandidateJob, nice: number): Promise<void> {
  try {
    // the parent set it already; repeating it here covers this thread for certain (niceness is per thread on Linux,
    // and the training worker threads started later inherit it)
    setPriority(0, nice);
  } catch {
    // not permitted (or not supported): run at the inherited priority
  }
  try {
    const result = await trainCandidate(job, { onProgress: (progress) => void send({ type: 'progress', progress }) });
    await send({ type: 'done', result });
    process.exit(0);
  } catch (err) {
    await send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
}
