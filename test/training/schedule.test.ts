import { describe, expect, it } from 'vitest';
import { PlateauSchedule } from '../../src/training/schedule.ts';

describe('plateau schedule', () => {
  it('halves the learning rate after K epochs without improvement and stops after M', () => {
    const s = new PlateauSchedule(1, { halveAfter: 3, stopAfter: 5, minLr: 1e-6 });
    expect(s.update(0, 0.5)).toEqual({ improved: true, lr: 1, halved: false, stop: false });
    expect(s.update(1, 0.5).halved).toBe(false); // equal is not an improvement
    expect(s.update(2, 0.4).halved).toBe(false);
    const third = s.update(3, 0.45);
    expect(third).toMatchObject({ improved: false, halved: true, lr: 0.5, stop: false });
    expect(s.update(4, 0.49).stop).toBe(false);
    const fifth = s.update(5, 0.3);
    expect(fifth.stop).toBe(true);
    expect(s.bestEpochIndex).toBe(0);
    expect(s.bestAccuracy).toBe(0.5);
  });

  it('an improvement resets both counters', () => {
    const s = new PlateauSchedule(0.1, { halveAfter: 2, stopAfter: 3, minLr: 1e-6 });
    s.update(0, 0.9);
    s.update(1, 0.8);
    expect(s.update(2, 0.95).improved).toBe(true);
    expect(s.update(3, 0.9)).toMatchObject({ halved: false, stop: false });
    expect(s.update(4, 0.9)).toMatchObject({ halved: true, stop: false, lr: 0.05 });
    expect(s.update(5, 0.9).stop).toBe(true);
    expect(s.bestEpochIndex).toBe(2);
  });

  it('never halves below the floor', () => {
    const s = new PlateauSchedule(1e-6, { halveAfter: 1, stopAfter: 100, minLr: 1e-6 });
    s.update(0, 1);
    expect(s.update(1, 0).lr).toBe(1e-6);
  });
});
