/**
 * mulberry32: a tiny PRNG giving the same sequence for the same 32-bit seed on every platform
 * (deterministic renders, reproducible fault injection). Not for secrets.
 */
export function seededRandom(seed32: number): () => number {
  let a = seed32 >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
