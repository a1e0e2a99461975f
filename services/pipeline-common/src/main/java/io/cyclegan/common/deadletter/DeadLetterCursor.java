package io.cyclegan.common.deadletter;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where a walk over a dead-letter topic stands: the next offset of each partition and where the
 * walk stops, the end of each partition when the walk began. Records dead-lettered after the first
 * page (a replayed record that fails again, say) are past the stop, so a walk always ends.
 *
 * <p>Its text, {@code partition=next:stop} pairs separated by commas, travels in the API's cursors
 * and the CLI's {@code --cursor}: it is untrusted, and {@link #parse} refuses anything else.
 *
 * @param next the offset to read next, by partition
 * @param stop the offset where the walk ends, by partition; a partition without one ends at its
 *     current end
 */
public record DeadLetterCursor(Map<Integer, Long> next, Map<Integer, Long> stop) {
  private static final int MAX_PARTITIONS = 10_000;

  public DeadLetterCursor {
    next = Map.copyOf(next);
    stop = Map.copyOf(stop);
  }

  /** The cursor's text: {@code partition=next:stop}, comma-separated, by partition. */
  public String text() {
    return new TreeMap<>(next)
        .entrySet().stream()
            .map(
                e ->
                    e.getKey()
                        + "="
                        + e.getValue()
                        + (stop.containsKey(e.getKey()) ? ":" + stop.get(e.getKey()) : ""))
            .collect(Collectors.joining(","));
  }

  /**
   * Reads a cursor's text ({@code partition=next} without a stop is accepted too).
   *
   * @throws IllegalArgumentException when it is not a cursor this code wrote
   */
  public static DeadLetterCursor parse(String text) {
    Map<Integer, Long> next = new TreeMap<>();
    Map<Integer, Long> stop = new TreeMap<>();
    String[] pairs = text.split(",", -1);
    if (pairs.length > MAX_PARTITIONS) {
      throw new IllegalArgumentException(
          "a cursor names at most " + MAX_PARTITIONS + " partitions");
    }
    try {
      for (String pair : pairs) {
        String[] parts = pair.split("=", -1);
        if (parts.length != 2) {
          throw new NumberFormatException(pair);
        }
        int partition = Integer.parseInt(parts[0]);
        String[] offsets = parts[1].split(":", -1);
        if (offsets.length > 2) {
          throw new NumberFormatException(pair);
        }
        long offset = Long.parseLong(offsets[0]);
        if (partition < 0 || offset < 0 || next.put(partition, offset) != null) {
          throw new NumberFormatException(pair);
        }
        if (offsets.length == 2) {
          long end = Long.parseLong(offsets[1]);
          if (end < offset) {
            throw new NumberFormatException(pair);
          }
          stop.put(partition, end);
        }
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a dead-letter cursor: " + e.getMessage(), e);
    }
    return new DeadLetterCursor(next, stop);
  }
}
