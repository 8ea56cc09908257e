import { createHash } from 'node:crypto';
import { seededRandom } from '../../../domain/seeded-random.js';

/**
 * Every visual and audio parameter of a preview, derived from a hash of prompt + seed, so a request
 * always looks (and sounds) the same and a new seed or prompt visibly changes it. Pure.
 */
export interface Look {
  /** Per channel: base level, amplitude and phase of the plasma palette (0..255 levels). */
  palette: { base: number; amplitude: number; phase: number }[];
  /** Plasma waves in texture space: frequencies in radians per texture pixel, phases in radians. */
  waves: { fx: number; fy: number; phase: number }[];
  ringFrequency: number;
  ringCentre: { x: number; y: number };
  contrast: number;
  /** Drift of the visible window over the larger canvas. */
  driftPeriodSeconds: { x: number; y: number };
  driftPhase: { x: number; y: number };
  hueStartDegrees: number;
  hueDegreesPerSecond: number;
  life: { seed: number; rule: string; fillRatio: number; ratePerSecond: number; cellPx: number; colour: string; moldColour: string; opacity: number };
  /** Image modes: zoom reached at the end (1 = none) and pan direction (-0.5..0.5 of the free margin). */
  zoomEnd: number;
  pan: { x: number; y: number };
  tone: { baseHz: number; fifthPhase: number; lfoHz: number };
}

const lifeRules = ['B3/S23', 'B36/S23', 'B3678/S34678', 'B368/S245', 'B34/S34'];
/** A pentatonic set keeps any seed's drone consonant. */
const baseFrequenciesHz = [110, 123.47, 146.83, 164.81, 196, 220];

function hex(n: number): string {
  return Math.round(Math.min(255, Math.max(0, n))).toString(16).padStart(2, '0');
}

export function lookFor(prompt: string | undefined, seed: number): Look {
  const digest = createHash('sha256').update(JSON.stringify([prompt ?? '', seed])).digest();
  const next = seededRandom(digest.readUInt32BE(0));
  const between = (lo: number, hi: number) => lo + (hi - lo) * next();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const sign = () => (next() < 0.5 ? -1 : 1);

  const palette = [0, 1, 2].map(() => ({ base: between(70, 170), amplitude: between(45, 85), phase: between(0, 2 * Math.PI) }));
  const waves = [0, 1].map(() => ({ fx: between(0.02, 0.09) * sign(), fy: between(0.02, 0.09) * sign(), phase: between(0, 2 * Math.PI) }));
  const lifeTint = [between(120, 255), between(120, 255), between(120, 255)];
  return {
    palette,
    waves,
    ringFrequency: between(0.05, 0.16),
    ringCentre: { x: between(0.2, 0.8), y: between(0.2, 0.8) },
    contrast: between(0.8, 1.6),
    driftPeriodSeconds: { x: between(6, 14), y: between(7, 16) },
    driftPhase: { x: between(0, 2 * Math.PI), y: between(0, 2 * Math.PI) },
    hueStartDegrees: between(0, 360),
    hueDegreesPerSecond: between(6, 18) * sign(),
    life: {
      seed: digest.readUInt32BE(4),
      rule: pick(lifeRules),
      fillRatio: between(0.12, 0.4),
      // Slow generations: calmer to watch, and every changed cell costs encoder time at 1080P.
      ratePerSecond: Math.round(between(4, 8)),
      cellPx: pick([12, 16, 20, 24]),
      colour: `0x${lifeTint.map(hex).join('')}`,
      moldColour: `0x${lifeTint.map((c) => hex(c * 0.3)).join('')}`,
      opacity: between(0.2, 0.4),
    },
    zoomEnd: between(1.06, 1.12),
    pan: { x: between(-0.4, 0.4), y: between(-0.4, 0.4) },
    tone: { baseHz: pick(baseFrequenciesHz), fifthPhase: between(0, 2 * Math.PI), lfoHz: between(0.1, 0.35) },
  };
}
