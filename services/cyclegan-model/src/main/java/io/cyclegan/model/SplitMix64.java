package io.cyclegan.model;

/**
 * A small random generator whose whole state is one {@code long}, so a checkpoint can store it and
 * a resumed run draws exactly the numbers the uninterrupted run would have drawn ({@link
 * java.util.Random} and {@link java.util.SplittableRandom} do not expose their state). SplitMix64
 * (Steele, Lea and Flood 2014), as used to seed {@code SplittableRandom}. Not thread-safe.
 */
public final class SplitMix64 {

  private long state;

  /** Creates a generator whose state is {@code state}. */
  public SplitMix64(long state) {
    this.state = state;
  }

  /** A generator for one item of a stream, independent of how many items came before it. */
  public static SplitMix64 forItem(long seed, long... coordinates) {
    long s = mix(seed);
    for (long c : coordinates) {
      s = mix(s ^ mix(c + 0x632BE59BD9B4E019L));
    }
    return new SplitMix64(s);
  }

  /** The state, to store; {@code new SplitMix64(state())} continues the same sequence. */
  public long state() {
    return state;
  }

  /** The next 64 random bits. */
  public long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix(state);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be > 0, was " + bound);
    }
    return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
  }

  /** Uniform in [min, max]. */
  public int nextIntInclusive(int min, int max) {
    return min + nextInt(max - min + 1);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
