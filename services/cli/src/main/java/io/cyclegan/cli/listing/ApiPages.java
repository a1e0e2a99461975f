package io.cyclegan.cli.listing;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.connect.ApiClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A listing's pages from the HTTP API: one {@code GET path?limit=N&cursor=C} per page, each item of
 * the answer's {@code field} array made a row (or left out), and the answer's {@code next} turned
 * back into the name the page ended on ({@link ApiCursor}).
 *
 * @param path the list's path ({@code /jobs}), without a query
 * @param field the array of items in each answer ({@code jobs})
 * @param row an item's row, or empty to leave it out (a model with no version yet)
 */
public record ApiPages(
    ApiClient api, String path, String field, Function<JsonNode, Optional<Map<String, Object>>> row)
    implements PageSource {

  @Override
  public Page page(String after, int limit) {
    String request =
        path
            + "?limit="
            + limit
            + (after == null
                ? ""
                : "&cursor=" + URLEncoder.encode(ApiCursor.of(after), StandardCharsets.UTF_8));
    JsonNode answer =
        api.getJson(request)
            .orElseThrow(
                () -> new IllegalStateException("the HTTP API has no list at " + path + " (404)"));
    JsonNode items = answer.path(field);
    if (!items.isArray()) {
      throw new IllegalStateException(
          "the HTTP API answered a page of " + path + " without a '" + field + "' list");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode item : items) {
      row.apply(item).ifPresent(rows::add);
    }
    String next = answer.path("next").asText(null);
    return new Page(
        rows,
        next == null || next.isEmpty() ? Optional.empty() : Optional.of(ApiCursor.name(next)));
  }
}
