import { describe, expect, it } from 'vitest';
import { DETECTORS } from './catalogue.js';

describe('Detector.requires', () => {
  it('is held by every positive sample of the detectors that declare it', () => {
    const declaring = DETECTORS.filter((detector) => detector.requires !== undefined);
    expect(declaring.length).toBeGreaterThan(0);
    for (const detector of declaring) {
      for (const sample of detector.samples.positives) {
        expect(detector.requires!.some((needle) => sample.includes(needle)), `${detector.id}: ${sample}`).toBe(true);
      }
    }
  });
});
