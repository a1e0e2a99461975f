package io.cyclegan.common.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The HTTP API's list cursor (docs/http-api.md, "Pagination"), one format for the server (ingest's
 * {@code Paging}) and the client (the CLI's {@code ApiCursor}): version 1 is the base64url, without
 * padding, of {@code "1:" + name}, where name is where the page ended (a dataset, model or job
 * name, or an image's key). A new format needs a new version prefix, so an old reader refuses it
 * rather than misreads it. Cursors come back from clients: {@link #name} refuses anything this code
 * did not write.
 */
public final class ListCursor {
  private static final String VERSION = "1:";

  /** The longest cursor read (a name or key is far shorter). */
  public static final int MAX_CHARS = 1024;

  private ListCursor() {}

  /** The cursor for a page that ended at {@code name}. */
  public static String of(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a cursor names where a page ended");
    }
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((VERSION + name).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The name a cursor stands for.
   *
   * @throws IllegalArgumentException when it is not a version 1 cursor: too long, not base64url, of
   *     another version, empty, or with control characters
   */
  public static String name(String cursor) {
    if (cursor != null && cursor.length() <= MAX_CHARS) {
      try {
        String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        if (decoded.startsWith(VERSION)
            && decoded.length() > VERSION.length()
            && decoded.chars().noneMatch(Character::isISOControl)) {
          return decoded.substring(VERSION.length());
        }
      } catch (IllegalArgumentException e) {
        // refused below
      }
    }
    throw new IllegalArgumentException("not a version 1 list cursor");
  }
}
