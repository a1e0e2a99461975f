package io.cyclegan.ingest.http;

import io.cyclegan.common.store.ListPage;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ?limit=&cursor=} on every list (docs/http-api.md, "Pagination"). The cursor is opaque to
 * clients: the base64url of where the page ended (a name or a key), so the next call resumes the
 * store's listing there ({@code start-after}) and costs one page, never the whole list. A page that
 * may have a successor carries {@code "next": "<cursor>"} and a {@code Link: <...>; rel="next"}
 * header; the last has neither.
 */
final class Paging {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final String VERSION = "1:";
  private static final int MAX_CURSOR_CHARS = 1024;

  /**
   * What a list request asks for: at most {@code limit} items after {@code after} (or from start).
   */
  record Request(int limit, String after) {}

  private Paging() {}

  static Request of(Context ctx) {
    return new Request(limit(ctx.queryParam("limit")), after(ctx.queryParam("cursor")));
  }

  static int limit(String raw) {
    if (raw == null || raw.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ApiException.badRequest(
        "INVALID_LIMIT", "query parameter 'limit' must be an integer from 1 to " + MAX_LIMIT);
  }

  static String after(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    if (cursor.length() <= MAX_CURSOR_CHARS) {
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
    throw ApiException.badRequest(
        "INVALID_CURSOR",
        "query parameter 'cursor' is not a cursor this API gave out; start again without it");
  }

  static String cursor(String last) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((VERSION + last).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The page as {@code {field: items, "next": cursor}} (no {@code next} on the last page), with the
   * {@code Link} header when there is a next page.
   */
  static Map<String, Object> answer(
      Context ctx, String field, List<?> items, ListPage<?> page, int limit) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(field, items);
    page.last()
        .ifPresent(
            last -> {
              String next = cursor(last);
              out.put("next", next);
              ctx.header(
                  "Link",
                  "<"
                      + ctx.path()
                      + "?limit="
                      + limit
                      + "&cursor="
                      + URLEncoder.encode(next, StandardCharsets.UTF_8)
                      + ">; rel=\"next\"");
            });
    return out;
  }
}
