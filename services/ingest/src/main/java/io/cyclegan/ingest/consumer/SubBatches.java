package io.cyclegan.ingest.consumer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Splits a polled batch into consecutive sub-batches whose decoded size stays under a bound, so
 * that a batch of large images is processed a few at a time instead of decoded all at once. Order
 * is kept; an item that alone exceeds the bound goes in a sub-batch of its own (the per-image pixel
 * limit is what bounds it).
 */
final class SubBatches {
  private SubBatches() {}

  /**
   * @param weight the decoded bytes of an item (0 for one refused before decoding)
   * @param bound the most decoded bytes a sub-batch of more than one item holds; positive
   */
  static <T> List<List<T>> split(List<T> items, ToLongFunction<T> weight, long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive: " + bound);
    }
    List<List<T>> out = new ArrayList<>();
    List<T> current = new ArrayList<>();
    long held = 0;
    for (T item : items) {
      long w = Math.max(0, weight.applyAsLong(item));
      if (!current.isEmpty() && w > bound - held) {
        out.add(current);
        current = new ArrayList<>();
        held = 0;
      }
      current.add(item);
      held += w;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }
}
