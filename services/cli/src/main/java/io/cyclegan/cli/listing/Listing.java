package io.cyclegan.cli.listing;

import io.cyclegan.cli.output.OutputFormat;
import io.cyclegan.cli.output.OutputOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One listing command's shape, and the one way every listing runs: check {@code --limit} and {@code
 * --after}, read one page from its {@link PageSource} (or, with {@code --all}, every page in turn),
 * print it as a table, JSON or YAML, and say where the next page starts. JSON and YAML carry the
 * cursor as {@code "next"}; the table's hint goes to stderr, so stdout stays the table.
 *
 * @param kind the plural the rows are listed under in JSON and YAML ({@code jobs})
 * @param columns the table's columns, in order
 * @param command the command line that lists the next page, for the hint ({@code cyclegan jobs})
 * @param cursor what {@code --after} names
 */
public record Listing(String kind, List<String> columns, String command, Cursor cursor) {
  public Listing {
    columns = List.copyOf(columns);
  }

  /**
   * Lists one page (every page with {@code --all}) from {@code source} and prints it.
   *
   * @throws IllegalArgumentException for a bad {@code --limit} or {@code --after}
   */
  public void run(
      PageOptions paging,
      OutputOptions output,
      PrintWriter out,
      PrintWriter err,
      PageSource source) {
    paging.check(cursor);
    List<Map<String, Object>> rows = new ArrayList<>();
    String at = paging.after();
    Optional<String> next;
    do {
      Page page = source.page(at, paging.limit());
      rows.addAll(page.rows());
      next = page.next();
      if (next.isPresent() && next.get().equals(at)) {
        // A source that hands back the cursor it was given would loop forever.
        throw new IllegalStateException("the " + kind + " listing repeated its cursor " + at);
      }
      at = next.orElse(null);
    } while (paging.all() && at != null);

    output.printList(
        out,
        kind,
        rows,
        columns,
        next.isPresent() ? "no " + kind + " on this page" : "no " + kind,
        next);
    if (next.isPresent() && output.format() == OutputFormat.table) {
      err.println(
          "more: "
              + command
              + " --after "
              + next.get()
              + (paging.limit() == PageOptions.DEFAULT_LIMIT ? "" : " --limit " + paging.limit()));
      err.flush();
    }
  }
}
