package io.cyclegan.cli.listing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The HTTP API's page cursor (docs/http-api.md, "Pagination") for a name: version 1 is the
 * base64url of {@code "1:" + name}, where name is where the page ended (a dataset, model or job
 * name, or an image's file name), as ingest's {@code Paging} writes it. The CLI turns its {@code
 * --after NAME} into it and the API's {@code next} back into a name, so a cursor means the same on
 * both transports.
 */
public final class ApiCursor {
  private static final String VERSION = "1:";

  private ApiCursor() {}

  public static String of(String name) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((VERSION + name).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The name a cursor of the API stands for.
   *
   * @throws IllegalStateException when it is not a version 1 cursor (an API newer than this client)
   */
  public static String name(String cursor) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (decoded.startsWith(VERSION) && decoded.length() > VERSION.length()) {
        return decoded.substring(VERSION.length());
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw new IllegalStateException(
        "the HTTP API answered a page cursor of a format this cyclegan does not read"
            + " (the API is newer): list with --all, or update the client");
  }
}
