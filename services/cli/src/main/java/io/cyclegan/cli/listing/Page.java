package io.cyclegan.cli.listing;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One page of a listing.
 *
 * @param rows the page's rows (maps with the listing's columns), possibly fewer than asked for
 * @param next the cursor the next page starts after (the name of where this page ended); empty on
 *     the last page
 */
public record Page(List<Map<String, Object>> rows, Optional<String> next) {
  public Page {
    rows = List.copyOf(rows);
  }
}
