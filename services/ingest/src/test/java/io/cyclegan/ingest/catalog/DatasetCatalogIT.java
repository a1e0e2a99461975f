package io.cyclegan.ingest.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17 part 1: dataset counts are kept as images arrive (a batch does not list the dataset),
 * re-counted by the bounded background refresh, and read page by page from summary documents.
 */
@ExtendWith(LocalStackExtension.class)
class DatasetCatalogIT {
  private static IngestService service;
  private static ObjectStore store;
  private static HttpClient http;

  @BeforeAll
  static void start(LocalStack stack) {
    String topic = "it.catalog.images." + id();
    StackFixtures.createTopics(stack, topic, 1);
    service =
        new IngestService(
                StackFixtures.config(
                    stack,
                    "CYCLEGAN_TOPIC_IMAGES_IN",
                    topic,
                    "CYCLEGAN_GROUP_ID",
                    "ingest-catalog-it-" + id()),
                IngestService.LOOPBACK)
            .start();
    store = StackFixtures.store(stack);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static String id() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonNode upload(String dataset, String domain, byte[] png)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + service.httpPort()
                            + "/datasets/"
                            + dataset
                            + "/"
                            + domain))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(png))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isBetween(200, 201);
    return MessageCodec.mapper().readTree(r.body());
  }

  /** An image key of {@code dataset} that ingest did not write (another replica, or by hand). */
  private static String putBehindIngestsBack(String dataset, String domain, int n) {
    String key = ObjectKeys.datasetImage(dataset, domain, String.format("%064x", n));
    store.put(key, new byte[] {1}, "image/png");
    return key;
  }

  private static Map<String, Long> summaryCounts(String dataset) {
    return store
        .getJson(ObjectKeys.datasetSummary(dataset), DatasetSummaryDocument.class)
        .orElseThrow()
        .counts();
  }

  @Test
  void shouldCountFromStateKeptAsImagesArriveRatherThanFromAListingPerBatch() throws Exception {
    String dataset = "cat-" + id();
    upload(dataset, "A", TestImages.png(16, 16, 1));
    // Not seen by this process: a batch that listed the dataset would count it.
    putBehindIngestsBack(dataset, "A", 1);

    JsonNode second = upload(dataset, "A", TestImages.png(16, 16, 2));
    JsonNode again = upload(dataset, "A", TestImages.png(16, 16, 2));

    assertThat(second.get("counts").get("A").asLong()).isEqualTo(2);
    assertThat(again.get("duplicate").asBoolean()).isTrue();
    assertThat(again.get("counts").get("A").asLong()).isEqualTo(2);
    assertThat(summaryCounts(dataset)).containsEntry("A", 2L).containsEntry("B", 0L);
  }

  @Test
  void shouldRecountADatasetInTheBackgroundKeepingWhatArrivedMeanwhile() {
    String dataset = "ref-" + id();
    DatasetCounts counts = new DatasetCounts(Clock.systemUTC());
    CatalogRefresher refresher = new CatalogRefresher(store, counts, Duration.ZERO);
    counts.load(dataset, store);
    putBehindIngestsBack(dataset, "B", 7); // another replica's image
    String ours = putBehindIngestsBack(dataset, "A", 8);
    assertThat(counts.add(dataset, java.util.List.of(ours)))
        .containsEntry("A", 1L)
        .containsEntry("B", 0L);
    counts.writeSummary(dataset, store);

    assertThat(refresher.step()).contains(dataset);

    assertThat(counts.counts(dataset).orElseThrow()).containsEntry("A", 1L).containsEntry("B", 1L);
    assertThat(summaryCounts(dataset)).containsEntry("A", 1L).containsEntry("B", 1L);
    // Re-counted, and nothing added since: the next step has no reason to list it again.
    assertThat(counts.changedAndListedBefore(Duration.ZERO)).doesNotContain(dataset);
  }

  @Test
  void shouldNotCountAKeyTwiceWhenTwoBatchesAddItOrARedeliveryAddsItAgain() {
    String dataset = "dup-" + id();
    DatasetCounts counts = new DatasetCounts(Clock.systemUTC());
    counts.load(dataset, store);
    String key = putBehindIngestsBack(dataset, "A", 3);

    counts.add(dataset, java.util.List.of(key));

    assertThat(counts.add(dataset, java.util.List.of(key))).containsEntry("A", 1L);
  }

  @Test
  void shouldWriteASummaryForADatasetThatHasNone() {
    String dataset = "old-" + id();
    putBehindIngestsBack(dataset, "A", 4);
    putBehindIngestsBack(dataset, "B", 5);
    putBehindIngestsBack(dataset, "B", 6);
    CatalogRefresher refresher =
        new CatalogRefresher(store, new DatasetCounts(Clock.systemUTC()), Duration.ofHours(1));

    // Each step lists at most one dataset; the names' cursor goes round the whole bucket.
    for (int i = 0; i < 200 && !store.exists(ObjectKeys.datasetSummary(dataset)); i++) {
      refresher.step();
    }

    assertThat(summaryCounts(dataset)).containsEntry("A", 1L).containsEntry("B", 2L);
  }

  @Test
  void shouldReadDatasetsPageByPageFromTheirSummaries() throws Exception {
    String base = "pg-" + id() + "-";
    for (String suffix : new String[] {"c", "a", "b"}) {
      upload(base + suffix, "B", TestImages.png(8, 8, suffix.charAt(0)));
    }
    Catalog catalog = new Catalog(store);

    Catalog.Page<Catalog.DatasetSummary> first = catalog.datasets(base, 2);
    Catalog.Page<Catalog.DatasetSummary> second = catalog.datasets(first.next().orElseThrow(), 2);

    assertThat(first.items())
        .extracting(Catalog.DatasetSummary::name)
        .containsExactly(base + "a", base + "b");
    assertThat(first.items().get(0).counts()).containsEntry("A", 0L).containsEntry("B", 1L);
    assertThat(second.items().get(0).name()).isEqualTo(base + "c");
  }

  @Test
  void shouldPageADatasetsImages() throws Exception {
    String dataset = "img-" + id();
    String a = upload(dataset, "A", TestImages.png(8, 8, 11)).get("key").asText();
    String b = upload(dataset, "B", TestImages.png(8, 8, 12)).get("key").asText();
    Catalog catalog = new Catalog(store);

    Catalog.Page<String> first = catalog.images(dataset, null, 1);
    Catalog.Page<String> second = catalog.images(dataset, first.next().orElseThrow(), 1);

    assertThat(first.items()).containsExactly(a);
    assertThat(second.items()).containsExactly(b);
    assertThat(second.next()).isEmpty();
  }
}
