package io.cyclegan.cli.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.listing.ApiPages;
import io.cyclegan.cli.listing.Cursor;
import io.cyclegan.cli.listing.Listing;
import io.cyclegan.cli.listing.Page;
import io.cyclegan.cli.listing.PageOptions;
import io.cyclegan.cli.listing.PageSource;
import io.cyclegan.cli.output.OutputOptions;
import io.cyclegan.ingest.catalog.Catalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Lists the datasets and their images per domain, a page at a time: one page of {@code GET
 * /datasets} over the HTTP API, or one page of the summaries ingest keeps in {@code
 * catalog/datasets/} (one list request and one small read per dataset of the page, however many
 * images the datasets hold). {@code cyclegan dataset list} is the same command.
 */
@Command(
    name = "datasets",
    mixinStandardHelpOptions = true,
    description = "List datasets with their image counts per domain, a page at a time.")
public class DatasetsCommand extends ClientCommand {

  @Mixin OutputOptions output = new OutputOptions();

  @Mixin PageOptions paging = new PageOptions();

  DatasetsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    Optional<ApiClient> api = api();
    PageSource source;
    if (api.isPresent()) {
      // GET /datasets: {"datasets": [{"name", "counts": {"A", "B"}}], "next"}
      source =
          new ApiPages(
              api.get(),
              "/datasets",
              "datasets",
              d ->
                  Optional.of(
                      row(
                          d.path("name").asText(),
                          count(d.path("counts"), "A"),
                          count(d.path("counts"), "B"))));
    } else {
      Catalog catalog = new Catalog(connection().store());
      source =
          (after, limit) -> {
            Catalog.Page<Catalog.DatasetSummary> page = catalog.datasets(after, limit);
            return new Page(
                page.items().stream()
                    .map(
                        d ->
                            row(
                                d.name(),
                                d.counts().getOrDefault("A", 0L),
                                d.counts().getOrDefault("B", 0L)))
                    .toList(),
                page.next());
          };
    }
    new Listing(
            "datasets",
            List.of("name", "A", "B"),
            spec.qualifiedName(" "),
            Cursor.name("a dataset name"))
        .run(paging, output, out(), err(), source);
    return ExitCodes.OK;
  }

  private static long count(JsonNode counts, String domain) {
    return counts.path(domain).asLong();
  }

  private static Map<String, Object> row(String name, long a, long b) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("name", name);
    row.put("A", a);
    row.put("B", b);
    return row;
  }
}
