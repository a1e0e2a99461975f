package io.cyclegan.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.cyclegan.model.SplitMix64;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The reference history of generated images (Shrivastava et al. 2017), which the discriminators see
 * instead of only the newest fakes. Until full, every fake is stored and returned; once full, each
 * fake is with probability 1/2 swapped for a random stored one (returned, the new one stored in its
 * place), else returned as is. Size 0 disables it. Stored images are detached copies owned by the
 * pool; returned arrays belong to the caller's manager.
 */
public final class ImagePool implements AutoCloseable {

  private final int capacity;
  private final NDManager manager;
  private final List<NDArray> images = new ArrayList<>();

  /** Creates an empty pool whose stored images live under {@code parent}. */
  public ImagePool(NDManager parent, int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0, was " + capacity);
    }
    this.capacity = capacity;
    this.manager = parent.newSubManager();
  }

  /**
   * Passes a batch of fakes (N, C, H, W) through the pool, drawing from {@code random}; the result
   * has the same shape, carries no gradient, and is attached to {@code target}.
   */
  public NDArray query(NDArray fakes, SplitMix64 random, NDManager target) {
    NDArray detached = fakes.stopGradient();
    detached.attach(target);
    if (capacity == 0) {
      return detached;
    }
    long n = detached.getShape().get(0);
    NDList out = new NDList();
    for (long i = 0; i < n; i++) {
      NDArray image = detached.get(i).expandDims(0);
      if (images.size() < capacity) {
        images.add(copyIntoPool(image));
        out.add(image);
      } else if (random.nextDouble() > 0.5) {
        int slot = random.nextInt(capacity);
        NDArray old = images.get(slot);
        old.attach(target);
        images.set(slot, copyIntoPool(image));
        out.add(old);
      } else {
        out.add(image);
      }
    }
    return out.size() == 1 ? out.get(0) : NDArrays.concat(out, 0);
  }

  /** The stored images (1, C, H, W), oldest slot first, for checkpoints. */
  public List<NDArray> images() {
    return Collections.unmodifiableList(images);
  }

  /** The configured capacity. */
  public int capacity() {
    return capacity;
  }

  /** Replaces the contents with copies of {@code stored} (from a checkpoint). */
  public void restore(List<NDArray> stored) {
    if (stored.size() > capacity) {
      throw new IllegalArgumentException(
          "pool holds at most " + capacity + " images, checkpoint has " + stored.size());
    }
    images.forEach(NDArray::close);
    images.clear();
    for (NDArray a : stored) {
      images.add(copyIntoPool(a));
    }
  }

  private NDArray copyIntoPool(NDArray image) {
    NDArray copy = image.duplicate();
    copy.attach(manager);
    return copy;
  }

  @Override
  public void close() {
    manager.close();
  }
}
