package dev.align4j.experiments.train;

/**
 * The one seeded random generator of a run (SplitMix64, Steele et al. 2014), threaded through data shuffling,
 * sampling seeds and initialization. Its whole state is one {@code long}, saved in every checkpoint so that a
 * resumed run draws exactly the numbers the uninterrupted run would have drawn.
 */
public final class RunRandom {
  private long state;

  /** A generator whose sequence is fixed by {@code seed}. */
  public RunRandom(long seed) {
    this.state = seed;
  }

  /** The state to checkpoint; {@code new RunRandom(s.state())} continues the same sequence. */
  public long state() {
    return state;
  }

  /** The golden-ratio increment of SplitMix64. */
  public static final long GAMMA = 0x9E3779B97F4A7C15L;

  /** Next 64 random bits. */
  public long nextLong() {
    return mix(state += GAMMA);
  }

  /** SplitMix64's output function: 64 well-mixed bits of {@code z}. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be > 0, got " + bound);
    }
    return (int) Math.floorMod(nextLong(), (long) bound);
  }

  /** A permutation of 0 … n−1 (Fisher–Yates). */
  public int[] permutation(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
