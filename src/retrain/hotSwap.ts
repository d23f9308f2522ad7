/**
 * Hot swap from the outside: a model promoted by another process (`npm run retrain`,
 * `npm run model -- promote|rollback`) is picked up by the running bot, which polls
 * models/active.json. A model that fails to load never replaces the working one; it is not
 * retried until active.json names another model.
 */
import type { ModelHolder } from '../bot/modelHolder.ts';
import type { Logger } from '../log.ts';
import { activeModelName, loadActiveModel } from '../model/registry.ts';

export type WatchResult = 'unchanged' | 'swapped' | 'failed';

export interface ActiveModelWatch {
  check(): Promise<WatchResult>;
  stop(): void;
}

export function watchActiveModel(o: { modelsDir: string; models: ModelHolder; intervalMs: number; log: Logger }): ActiveModelWatch {
  let failedName: string | null = null;
  let checking: Promise<WatchResult> | null = null;
  const once = async (): Promise<WatchResult> => {
    let name: string;
    try {
      name = await activeModelName(o.modelsDir);
    } catch (err) {
      if (failedName !== '') o.log.warn({ err }, 'cannot read the active model pointer; keeping the current model');
      failedName = '';
      return 'failed';
    }
    if (name === o.models.current().info.name || name === failedName) return 'unchanged';
    try {
      await o.models.swapFrom(() => loadActiveModel(o.modelsDir));
      failedName = null;
      return 'swapped';
    } catch (err) {
      failedName = name;
      o.log.error({ err, model: name, serving: o.models.current().info.name }, 'the newly active model failed to load; the working model keeps serving');
      return 'failed';
    }
  };
  const check = () => {
    checking ??= once().finally(() => {
      checking = null;
    });
    return checking;
  };
  const timer = o.intervalMs > 0 ? setInterval(() => void check(), o.intervalMs) : null;
  timer?.unref();
  return {
    check,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
