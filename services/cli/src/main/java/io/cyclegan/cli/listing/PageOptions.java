package io.cyclegan.cli.listing;

import io.cyclegan.common.store.ObjectStore;
import picocli.CommandLine.Option;

/**
 * The paging options every listing command takes, the same over both transports: {@code --limit}
 * items per page (the HTTP API's default and maximum), {@code --after} the cursor a previous page
 * printed, {@code --all} to follow every page.
 */
public final class PageOptions {
  /** The HTTP API's default page (docs/http-api.md, "Pagination"). */
  public static final int DEFAULT_LIMIT = 100;

  /** The largest page: S3's own (one list request) and the HTTP API's maximum. */
  public static final int MAX_LIMIT = ObjectStore.MAX_PAGE;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "items per page, 1 to 1000 (default: ${DEFAULT-VALUE})")
  int limit = DEFAULT_LIMIT;

  @Option(
      names = "--after",
      paramLabel = "CURSOR",
      description =
          "start after this item: the cursor a previous page printed (its last name), the same"
              + " over Kafka/S3 and over the HTTP API")
  String after;

  @Option(
      names = "--all",
      description =
          "follow every page to the end (one request per page: the time grows with the list)")
  boolean all;

  public int limit() {
    return limit;
  }

  public String after() {
    return after;
  }

  public boolean all() {
    return all;
  }

  /** Refuses a page size out of range or a cursor that is not one {@code cursor} gives out. */
  void check(Cursor cursor) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "--limit must be 1 to "
              + MAX_LIMIT
              + " (items per page), was "
              + limit
              + "; --all lists every page");
    }
    if (after != null && !cursor.valid().test(after)) {
      throw new IllegalArgumentException(
          "--after must be "
              + cursor.what()
              + " (a cursor a previous page printed), was '"
              + after
              + "'");
    }
  }
}
