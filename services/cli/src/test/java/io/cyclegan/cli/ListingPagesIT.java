package io.cyclegan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 17 part 1: the CLI's listings come a page at a time, with the cursor of the next page. */
@ExtendWith(LocalStackExtension.class)
class ListingPagesIT {
  private final String base = "pg" + UUID.randomUUID().toString().substring(0, 8) + "-";

  @Test
  void shouldListModelsAPageAtATime(LocalStack stack) {
    ObjectStore store = StackKit.store(stack);
    for (String m : new String[] {"a", "b", "c"}) {
      store.put(
          ObjectKeys.modelLatest(base + m),
          MessageCodec.encode(
              ModelAnnouncement.of(
                  base + m,
                  "v1",
                  stack.bucket(),
                  "models/" + base + m + "/v1/",
                  64,
                  "j",
                  Map.of())),
          "application/json");
    }

    CliRun.Result first = CliRun.run(stack, "models", "--limit", "2", "--after", base);
    CliRun.Result second = CliRun.run(stack, "models", "--limit", "2", "--after", base + "b");

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.OK);
    assertThat(first.out())
        .containsPattern(base + "a\\s+v1")
        .containsPattern(base + "b\\s+v1")
        .doesNotContain(base + "c");
    // On stderr, so that -o json and yaml stay one document.
    assertThat(first.err()).contains("more: cyclegan models --after " + base + "b");
    assertThat(second.out()).containsPattern(base + "c\\s+v1").doesNotContain(base + "a");
  }

  @Test
  void shouldListDatasetsWithTheirCountsAPageAtATime(LocalStack stack) {
    ObjectStore store = StackKit.store(stack);
    for (String d : new String[] {"a", "b", "c"}) {
      store.putJson(
          ObjectKeys.datasetSummary(base + d),
          Map.of(
              "schema",
              "cyclegan.dataset.summary/v1",
              "dataset",
              base + d,
              "counts",
              Map.of("A", 3, "B", 4)));
    }

    CliRun.Result first = CliRun.run(stack, "dataset", "list", "--limit", "2", "--after", base);
    CliRun.Result bad = CliRun.run(stack, "dataset", "list", "--limit", "0");

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.OK);
    assertThat(first.out())
        .containsPattern(base + "a\\s+A 3 B 4")
        .containsPattern(base + "b\\s+A 3 B 4")
        .doesNotContain(base + "c")
        .contains("more: cyclegan dataset list --after " + base + "b");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
  }
}
