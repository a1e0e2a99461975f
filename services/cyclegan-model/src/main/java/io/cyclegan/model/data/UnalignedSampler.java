package io.cyclegan.model.data;

import io.cyclegan.model.SplitMix64;

/**
 * The reference {@code UnalignedDataset} with a shuffling loader: an epoch is max(|A|, |B|)
 * samples; sample i of epoch e takes A at a shuffled position and a uniformly random B. Every
 * choice is a function of (seed, epoch, i), so any sample can be prepared on any thread, ahead of
 * time, or again after a resume, and is the same.
 *
 * @param seed the run's seed
 * @param sizeA |A|
 * @param sizeB |B|
 */
public record UnalignedSampler(long seed, int sizeA, int sizeB) {

  /** Validates that both domains have images. */
  public UnalignedSampler {
    if (sizeA < 1 || sizeB < 1) {
      throw new IllegalArgumentException(
          "both domains need images, got |A| = " + sizeA + ", |B| = " + sizeB);
    }
  }

  /** Samples per epoch. */
  public int epochLength() {
    return Math.max(sizeA, sizeB);
  }

  /** The plan of one epoch: its shuffled A order, drawn once. */
  public Epoch epoch(int epoch) {
    int n = epochLength();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplitMix64 random = SplitMix64.forItem(seed, 1, epoch);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return new Epoch(epoch, order);
  }

  /** One epoch's sampling plan. */
  public final class Epoch {
    private final int epoch;
    private final int[] order;

    private Epoch(int epoch, int[] order) {
      this.epoch = epoch;
      this.order = order;
    }

    /** The indices and augmentation randomness of sample {@code i}. */
    public Sample sample(int i) {
      SplitMix64 random = SplitMix64.forItem(seed, 2, epoch, i);
      int b = random.nextInt(sizeB);
      return new Sample(order[i] % sizeA, b, random);
    }
  }

  /**
   * One pair to prepare.
   *
   * @param indexA the A image
   * @param indexB the B image
   * @param random the source of this pair's augmentation choices
   */
  public record Sample(int indexA, int indexB, SplitMix64 random) {}
}
