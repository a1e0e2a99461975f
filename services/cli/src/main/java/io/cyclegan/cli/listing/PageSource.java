package io.cyclegan.cli.listing;

/**
 * Where a listing's pages come from: the store (the direct transport) or the HTTP API ({@link
 * ApiPages}). One call reads one page, so its cost depends on the page size, never on how long the
 * list is.
 */
@FunctionalInterface
public interface PageSource {
  /**
   * At most {@code limit} rows after the cursor {@code after}.
   *
   * @param after a previous page's {@link Page#next}, or null for the first page
   * @param limit 1 to {@link PageOptions#MAX_LIMIT}
   */
  Page page(String after, int limit);
}
