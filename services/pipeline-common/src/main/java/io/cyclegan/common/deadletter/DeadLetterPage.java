package io.cyclegan.common.deadletter;

import java.util.List;
import java.util.Optional;

/**
 * One page of a dead-letter topic, in partition order.
 *
 * @param next where the walk goes on, or empty on its last page
 */
public record DeadLetterPage(List<DeadLetterEntry> entries, Optional<DeadLetterCursor> next) {
  public DeadLetterPage {
    entries = List.copyOf(entries);
  }
}
