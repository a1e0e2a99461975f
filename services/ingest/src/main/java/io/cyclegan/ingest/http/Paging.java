package io.cyclegan.ingest.http;

import io.cyclegan.common.store.ListCursor;
import io.cyclegan.common.store.ListPage;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ?limit=&cursor=} on every list (docs/http-api.md, "Pagination"). The cursor is opaque to
 * clients: the base64url of where the page ended (a name or a key; {@link ListCursor}, the format
 * the CLI reads too), so the next call resumes the store's listing there ({@code start-after}) and
 * costs one page, never the whole list. A page that may have a successor carries {@code "next":
 * "<cursor>"} and a {@code Link: <...>; rel="next"} header; the last has neither.
 */
final class Paging {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

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
    try {
      return ListCursor.name(cursor);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "INVALID_CURSOR",
          "query parameter 'cursor' is not a cursor this API gave out; start again without it");
    }
  }

  static String cursor(String last) {
    return ListCursor.of(last);
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
