package io.cyclegan.cli.dataset;

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
import io.cyclegan.common.store.ListPage;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.store.ObjectInfo;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Lists one domain's images of a dataset, a page at a time: one list request of {@code
 * datasets/{name}/{A|B}/} in key order (the images' sha256), or one page of {@code GET
 * /datasets/{name}/{A|B}} over the HTTP API. The cursor is the file name a page ended on.
 */
@Command(
    name = "images",
    mixinStandardHelpOptions = true,
    description = "List one domain's images of a dataset, a page at a time.")
public final class DatasetImagesCommand extends ClientCommand {

  /** The domains a dataset has. */
  enum Domain {
    A,
    B
  }

  @Parameters(index = "0", paramLabel = "DATASET", description = "the dataset's name")
  String dataset;

  @Option(
      names = "--domain",
      required = true,
      paramLabel = "A|B",
      description = "the domain whose images to list")
  Domain domain;

  @Mixin OutputOptions output = new OutputOptions();

  @Mixin PageOptions paging = new PageOptions();

  DatasetImagesCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    Names.require("dataset", dataset);
    Optional<ApiClient> api = api();
    PageSource source;
    if (api.isPresent()) {
      // GET /datasets/{name}/{A|B}: {"dataset", "domain", "images": [{"key", "sha256", "bytes"}]}
      source =
          new ApiPages(
              api.get(),
              "/datasets/" + dataset + "/" + domain,
              "images",
              i ->
                  Optional.of(
                      row(
                          i.path("sha256").asText(null),
                          i.path("bytes").asLong(),
                          i.path("key").asText())));
    } else {
      ObjectStore store = connection().store();
      String prefix = ObjectKeys.datasetDomainPrefix(dataset, domain.name());
      source =
          (after, limit) -> {
            // The same listing as the API's: one request, resuming after the page's last file.
            ListPage<ObjectInfo> page =
                store.listPage(prefix, after == null ? null : prefix + after, limit);
            return new Page(
                page.items().stream()
                    .map(
                        o -> {
                          String file = o.key().substring(prefix.length());
                          return row(sha256(file), o.size(), o.key());
                        })
                    .toList(),
                page.last().map(k -> k.substring(prefix.length())));
          };
    }
    new Listing(
            "images",
            List.of("sha256", "bytes", "key"),
            spec.qualifiedName(" ") + " " + dataset + " --domain " + domain,
            Cursor.fileName("an image's file name"))
        .run(paging, output, out(), err(), source);
    return ExitCodes.OK;
  }

  /** The sha256 of {@code <sha256>.png}, the name ingest stores an image under; else null. */
  private static String sha256(String file) {
    return file.matches("[0-9a-f]{64}\\.png") ? file.substring(0, 64) : null;
  }

  private static Map<String, Object> row(String sha256, long bytes, String key) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("sha256", sha256);
    row.put("bytes", bytes);
    row.put("key", key);
    return row;
  }
}
