package io.cyclegan.cli.listing;

import io.cyclegan.common.store.ListCursor;

/**
 * The HTTP API's page cursor (docs/http-api.md, "Pagination") for a name, in the one format of
 * {@link ListCursor} that ingest's {@code Paging} writes: the CLI turns its {@code --after NAME}
 * into it and the API's {@code next} back into a name, so a cursor means the same on both
 * transports.
 */
public final class ApiCursor {
  private ApiCursor() {}

  public static String of(String name) {
    return ListCursor.of(name);
  }

  /**
   * The name a cursor of the API stands for.
   *
   * @throws IllegalStateException when it is not a version 1 cursor (an API newer than this client)
   */
  public static String name(String cursor) {
    try {
      return ListCursor.name(cursor);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "the HTTP API answered a page cursor of a format this cyclegan does not read"
              + " (the API is newer): list with --all, or update the client",
          e);
    }
  }
}
