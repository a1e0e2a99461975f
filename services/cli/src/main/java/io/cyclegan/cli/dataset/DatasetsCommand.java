package io.cyclegan.cli.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.ApiClient;
import io.cyclegan.cli.output.OutputOptions;
import io.cyclegan.ingest.catalog.Catalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Lists the datasets and their images per domain: every page of {@code GET /datasets} over the HTTP
 * API, or one listing of {@code datasets/} in the store (the catalog ingest serves it from).
 */
@Command(
    name = "datasets",
    mixinStandardHelpOptions = true,
    description = "List datasets with their image counts per domain.")
public final class DatasetsCommand extends ClientCommand {

  @Mixin OutputOptions output = new OutputOptions();

  @Option(
      names = "--limit",
      defaultValue = "0",
      paramLabel = "N",
      description = "list at most N datasets (default: 0, all of them)")
  int limit;

  DatasetsCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new IllegalArgumentException("--limit must be 0 (all) or more, was " + limit);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    Optional<ApiClient> api = api();
    if (api.isPresent()) {
      // GET /datasets, every page: {"datasets": [{"name", "counts": {"A", "B"}}], "next"}
      for (JsonNode d : api.get().getList("/datasets", "datasets", limit).orElse(List.of())) {
        rows.add(
            row(
                d.path("name").asText(),
                d.path("counts").path("A").asLong(),
                d.path("counts").path("B").asLong()));
      }
    } else {
      for (Catalog.DatasetSummary d : new Catalog(connection().store()).datasets()) {
        if (limit > 0 && rows.size() >= limit) {
          break;
        }
        rows.add(row(d.name(), d.counts().get("A"), d.counts().get("B")));
      }
    }
    output.printList(out(), "datasets", rows, List.of("name", "A", "B"), "no datasets");
    return ExitCodes.OK;
  }

  private static Map<String, Object> row(String name, long a, long b) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("name", name);
    row.put("A", a);
    row.put("B", b);
    return row;
  }
}
