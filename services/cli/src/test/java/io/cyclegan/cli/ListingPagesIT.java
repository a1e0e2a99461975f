package io.cyclegan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.queue.QueueSnapshot;
import io.cyclegan.common.queue.QueueSnapshots;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17 part 1: every CLI listing (jobs, datasets, a dataset's images, models) reads one page
 * per call over the direct transport, with the cursor of the next page. What a call asks the real
 * embedded S3 for is counted by an {@link S3RequestLog} in front of it: one list request and at
 * most a page of small reads, however many items the store holds.
 */
@ExtendWith(LocalStackExtension.class)
class ListingPagesIT {
  private final String base = "pg" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private S3RequestLog s3;

  @BeforeEach
  void startLog(LocalStack stack) throws IOException {
    s3 = S3RequestLog.to(stack.s3Endpoint());
  }

  @AfterEach
  void stopLog() throws IOException {
    s3.close();
  }

  @Test
  void shouldListJobsAPageAtATimeReadingOnlyThatPagesStates(LocalStack stack) throws Exception {
    ObjectStore store = StackKit.store(stack);
    for (int i = 1; i <= 7; i++) {
      store.putJson(
          ObjectKeys.jobState(base + "j" + i),
          Map.of("jobId", base + "j" + i, "state", i == 5 ? "queued" : "completed"));
    }
    store.putJson(
        QueueSnapshots.KEY,
        new QueueSnapshot(
            QueueSnapshot.SCHEMA,
            Instant.now(),
            List.of(new QueueSnapshot.Waiting(base + "j5", 1, Instant.now())),
            List.of()));
    try {
      CliRun.Result first = run(stack, "jobs", "--after", base, "--limit", "3", "-o", "json");
      List<String> firstRequests = s3.requests();
      s3.clear();
      JsonNode firstPage = MessageCodec.mapper().readTree(first.out());
      CliRun.Result second =
          run(
              stack,
              "jobs",
              "--after",
              firstPage.path("next").asText(),
              "--limit",
              "3",
              "-o",
              "json");
      CliRun.Result table = run(stack, "jobs", "--after", base, "--limit", "3");

      assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.OK);
      assertThat(column(firstPage, "jobs", "id"))
          .containsExactly(base + "j1", base + "j2", base + "j3");
      assertThat(firstPage.path("next").asText()).isEqualTo(base + "j3");
      // One page: one list request, its three states and the queue snapshot, not seven states.
      assertThat(lists(stack, firstRequests, "jobs/")).as(firstRequests.toString()).isEqualTo(1);
      assertThat(firstRequests.stream().filter(r -> r.endsWith("/state.json")).count())
          .isEqualTo(3);
      assertThat(gets(stack, firstRequests, QueueSnapshots.KEY)).isEqualTo(1);
      JsonNode secondPage = MessageCodec.mapper().readTree(second.out());
      assertThat(column(secondPage, "jobs", "id"))
          .containsExactly(base + "j4", base + "j5", base + "j6");
      assertThat(secondPage.path("jobs").get(1).path("place").asText()).isEqualTo("queued 1/1");
      assertThat(table.out()).containsPattern(base + "j1\\s+completed");
      assertThat(table.err()).contains("more: cyclegan jobs --after " + base + "j3 --limit 3");
    } finally {
      store.delete(QueueSnapshots.KEY);
    }
  }

  @Test
  void shouldListModelsAPageAtATime(LocalStack stack) throws Exception {
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

    CliRun.Result first = run(stack, "models", "--limit", "2", "--after", base);
    List<String> requests = s3.requests();
    CliRun.Result second = run(stack, "models", "--limit", "2", "--after", base + "b");
    CliRun.Result json = run(stack, "models", "--limit", "2", "--after", base, "-o", "json");

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.OK);
    assertThat(first.out())
        .containsPattern(base + "a\\s+v1")
        .containsPattern(base + "b\\s+v1")
        .doesNotContain(base + "c");
    // On stderr, so that -o json and yaml stay one document.
    assertThat(first.err()).contains("more: cyclegan models --after " + base + "b --limit 2");
    assertThat(lists(stack, requests, "models/")).as(requests.toString()).isEqualTo(1);
    assertThat(requests.stream().filter(r -> r.endsWith("/latest.json")).count()).isEqualTo(2);
    assertThat(second.out()).containsPattern(base + "c\\s+v1").doesNotContain(base + "a");
    assertThat(MessageCodec.mapper().readTree(json.out()).path("next").asText())
        .isEqualTo(base + "b");
  }

  @Test
  void shouldListDatasetsWithTheirCountsAPageAtATimeUnderBothNames(LocalStack stack)
      throws Exception {
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

    CliRun.Result first = run(stack, "datasets", "--limit", "2", "--after", base);
    List<String> requests = s3.requests();
    CliRun.Result alias = run(stack, "dataset", "list", "--limit", "2", "--after", base);
    CliRun.Result second = run(stack, "dataset", "list", "--limit", "2", "--after", base + "b");
    CliRun.Result bad = run(stack, "dataset", "list", "--limit", "0");
    CliRun.Result badCursor = run(stack, "datasets", "--after", "../etc");

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.OK);
    assertThat(first.out())
        .containsPattern(base + "a\\s+3\\s+4")
        .containsPattern(base + "b\\s+3\\s+4")
        .doesNotContain(base + "c");
    assertThat(first.err()).contains("more: cyclegan datasets --after " + base + "b --limit 2");
    assertThat(lists(stack, requests, ObjectKeys.DATASET_SUMMARIES)).isEqualTo(1);
    assertThat(requests.stream().filter(r -> r.contains("/catalog/datasets/")).count())
        .isEqualTo(2);
    assertThat(alias.out()).isEqualTo(first.out());
    assertThat(alias.err()).contains("more: cyclegan dataset list --after " + base + "b");
    assertThat(second.out()).containsPattern(base + "c\\s+3\\s+4").doesNotContain(base + "a");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--limit must be 1 to 1000").contains("--all");
    assertThat(badCursor.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badCursor.err()).contains("--after must be a dataset name");
  }

  @Test
  void shouldListADomainsImagesAPageAtATimeWithoutReadingThem(LocalStack stack) throws Exception {
    ObjectStore store = StackKit.store(stack);
    String dataset = base + "imgs";
    List<String> shas = new ArrayList<>();
    for (char c : new char[] {'1', '2', '3'}) {
      String sha = String.valueOf(c).repeat(64);
      shas.add(sha);
      store.put(ObjectKeys.datasetImage(dataset, "A", sha), new byte[] {1, 2}, "image/png");
    }
    store.put(ObjectKeys.datasetImage(dataset, "B", "f".repeat(64)), new byte[] {1}, "image/png");

    CliRun.Result first =
        run(stack, "dataset", "images", dataset, "--domain", "A", "--limit", "2", "-o", "json");
    List<String> requests = s3.requests();
    JsonNode firstPage = MessageCodec.mapper().readTree(first.out());
    CliRun.Result second =
        run(
            stack,
            "dataset",
            "images",
            dataset,
            "--domain",
            "A",
            "--after",
            firstPage.path("next").asText());
    CliRun.Result all = run(stack, "dataset", "images", dataset, "--domain", "A", "--all");

    assertThat(first.exitCode()).as(first.toString()).isEqualTo(ExitCodes.OK);
    assertThat(column(firstPage, "images", "sha256")).containsExactly(shas.get(0), shas.get(1));
    assertThat(firstPage.path("next").asText()).isEqualTo(shas.get(1) + ".png");
    // One list request; the images themselves are never read.
    assertThat(lists(stack, requests, "datasets/" + dataset + "/A/")).isEqualTo(1);
    assertThat(requests).hasSize(1);
    assertThat(second.out())
        .containsPattern(shas.get(2) + "\\s+2\\s+datasets/")
        .doesNotContain(shas.get(0));
    assertThat(second.err()).doesNotContain("more:");
    assertThat(all.out())
        .contains(shas.get(0), shas.get(1), shas.get(2))
        .doesNotContain("f".repeat(64));
  }

  /** The args, pointed at the stack's Kafka and at S3 through the request log. */
  private CliRun.Result run(LocalStack stack, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers", stack.bootstrapServers(),
            "--s3-endpoint", s3.endpoint(),
            "--s3-access-key", stack.accessKey(),
            "--s3-secret-key", stack.secretKey(),
            "--bucket", stack.bucket()));
    return CliRun.runPlain(Map.of(), all.toArray(String[]::new));
  }

  /** The list requests for {@code prefix} (ListObjects: a GET of the bucket with a prefix). */
  private static long lists(LocalStack stack, List<String> requests, String prefix) {
    String bucket = "GET /" + stack.bucket() + "?";
    return requests.stream()
        .filter(r -> r.startsWith(bucket))
        .filter(
            r ->
                Arrays.stream(r.substring(bucket.length()).split("&"))
                    .map(p -> URLDecoder.decode(p, StandardCharsets.UTF_8))
                    .anyMatch(p -> p.equals("prefix=" + prefix)))
        .count();
  }

  /** The reads of the object {@code key}. */
  private static long gets(LocalStack stack, List<String> requests, String key) {
    return requests.stream().filter(r -> r.equals("GET /" + stack.bucket() + "/" + key)).count();
  }

  /** The {@code field} of each row of a page of {@code kind} ({@code -o json}). */
  private static List<String> column(JsonNode page, String kind, String field) {
    List<String> out = new ArrayList<>();
    page.path(kind).forEach(row -> out.add(row.path(field).asText()));
    return out;
  }
}
