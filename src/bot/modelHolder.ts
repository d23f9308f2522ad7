/**
 * The classifier the bot serves, swappable at run time (hot swap after a retrain, issue 6).
 * A request captures `current()` once, so a swap never changes a reading half-way.
 */
import type { DigitClassifier } from '../model/classifier.ts';
import type { ModelInfo } from '../store/index.ts';

export interface ActiveModel {
  readonly classifier: DigitClassifier;
  readonly info: ModelInfo;
}

export class ModelHolder {
  private active: ActiveModel;
  private readonly listeners = new Set<(next: ActiveModel, previous: ActiveModel) => void>();

  constructor(initial: ActiveModel) {
    this.active = initial;
  }

  current(): ActiveModel {
    return this.active;
  }

  /** Replaces the served model; returns the previous one. Callers load and check `next` first. */
  swap(next: ActiveModel): ActiveModel {
    const previous = this.active;
    this.active = next;
    for (const l of this.listeners) l(next, previous);
    return previous;
  }

  /**
   * Loads a model with `load` and swaps it in only if loading succeeds: a model that fails to load
   * never replaces a working one (the error is rethrown, the old model keeps serving).
   */
  async swapFrom(load: () => Promise<ActiveModel>): Promise<ActiveModel> {
    const next = await load();
    this.swap(next);
    return next;
  }

  onSwap(listener: (next: ActiveModel, previous: ActiveModel) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
