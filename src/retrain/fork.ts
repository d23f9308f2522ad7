/**
 * Runs trainCandidate off the bot's event loop: in a forked child process at a lower priority
 * (training on the bot's thread would stop its gateway heartbeats). Tests may use the
 * in-process trainer instead.
 */
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { trainCandidate, type CandidateHooks, type CandidateJob, type CandidateResult, type RetrainProgress } from './candidate.ts';

export type ParentMessage = { type: 'start'; job: CandidateJob; nice: number };
export type ChildMessage = { type: 'progress'; progress: RetrainProgress } | { type: 'done'; result: CandidateResult } | { type: 'error'; message: string };

/** Produces a candidate model; `signal` cancels it (the promise then rejects). */
export type CandidateTrainer = (job: CandidateJob, hooks: CandidateHooks, signal?: AbortSignal) => Promise<CandidateResult>;

export class RetrainCancelled extends Error {
  constructor() {
    super('the retrain was cancelled');
    this.name = 'RetrainCancelled';
  }
}

export const inProcessTrainer: CandidateTrainer = (job, hooks, signal) =>
  trainCandidate(job, { ...hooks, shouldStop: () => signal?.aborted === true }).then((r) => {
    if (signal?.aborted) throw new RetrainCancelled();
    return r;
  });

const CHILD_ENTRY = new URL('./child-entry.mjs', import.meta.url);

export interface ForkOptions {
  /** niceness of the child (0-19; higher yields the CPU to the bot) */
  nice: number;
  /** called with the child's pid once it runs (tests and benchmarks watch it) */
  onSpawn?: (pid: number) => void;
}

export function forkTrainer(opts: ForkOptions): CandidateTrainer {
  return (job, hooks, signal) =>
    new Promise<CandidateResult>((resolve, reject) => {
      if (signal?.aborted) return reject(new RetrainCancelled());
      // execArgv: [] so that the parent's flags (tsx, vitest, inspector) do not leak in; the entry registers tsx itself
      const child = fork(CHILD_ENTRY, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let settled = false;
      const finish = (err: Error | null, result?: CandidateResult) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(result!);
      };
      const onAbort = () => {
        child.kill('SIGKILL');
        finish(new RetrainCancelled());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (child.pid !== undefined) {
        try {
          setPriority(child.pid, opts.nice);
        } catch {
          // the child lowers its own priority too
        }
        opts.onSpawn?.(child.pid);
      }
      child.on('message', (raw) => {
        const m = raw as ChildMessage;
        if (m.type === 'progress') hooks.onProgress?.(m.progress);
        else if (m.type === 'done') finish(null, m.result);
        else if (m.type === 'error') finish(new Error(m.message));
      });
      child.on('error', (err) => finish(err));
      child.on('exit', (code, sig) => finish(new Error(`the retrain process ended unexpectedly (${sig ?? `exit code ${code}`})`)));
      child.send({ type: 'start', job, nice: opts.nice } satisfies ParentMessage);
    });
}
