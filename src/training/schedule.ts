/**
 * The seed trainers' schedule: after `halveAfter` epochs without a new best validation
 * accuracy the learning rate halves; after `stopAfter` such epochs training stops. The caller
 * keeps the best epoch's weights. Pure: it sees only accuracies, never the network.
 */
export interface PlateauOptions {
  halveAfter: number;
  stopAfter: number;
  /** never halve below this */
  minLr: number;
}

export const DEFAULT_PLATEAU: PlateauOptions = { halveAfter: 3, stopAfter: 20, minLr: 1e-6 };

export interface PlateauDecision {
  improved: boolean;
  lr: number;
  halved: boolean;
  stop: boolean;
}

export class PlateauSchedule {
  private best = -Infinity;
  private bestEpoch = -1;
  private sinceBest = 0;
  private sinceHalving = 0;

  constructor(
    private lr: number,
    private readonly options: PlateauOptions = DEFAULT_PLATEAU,
  ) {}

  get learningRate(): number {
    return this.lr;
  }

  get bestAccuracy(): number {
    return this.best;
  }

  get bestEpochIndex(): number {
    return this.bestEpoch;
  }

  /** Records one epoch's validation accuracy and says what to do next. */
  update(epoch: number, accuracy: number): PlateauDecision {
    if (accuracy > this.best) {
      this.best = accuracy;
      this.bestEpoch = epoch;
      this.sinceBest = 0;
      this.sinceHalving = 0;
      return { improved: true, lr: this.lr, halved: false, stop: false };
    }
    this.sinceBest++;
    this.sinceHalving++;
    let halved = false;
    if (this.sinceHalving >= this.options.halveAfter && this.lr / 2 >= this.options.minLr) {
      this.lr /= 2;
      this.sinceHalving = 0;
      halved = true;
    }
    return { improved: false, lr: this.lr, halved, stop: this.sinceBest >= this.options.stopAfter };
  }
}
