package io.cyclegan.common.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing, in key order.
 *
 * @param items at most the page size
 * @param last the last item when more may follow (where the next page starts after), else empty
 */
public record ListPage<T>(List<T> items, Optional<String> last) {
  public ListPage {
    items = List.copyOf(items);
  }
}
