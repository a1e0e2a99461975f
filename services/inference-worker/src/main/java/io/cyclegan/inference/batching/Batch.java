package io.cyclegan.inference.batching;

import java.util.List;

/** Requests that run in one forward pass. */
public record Batch<T>(BatchKey key, List<T> items) {
  public Batch {
    items = List.copyOf(items);
  }

  public int size() {
    return items.size();
  }
}
