package io.cyclegan.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.ingest.TopicTap;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Importing a model over HTTP: the files are streamed to {@code imports/{id}/}, and the commit
 * publishes an {@code import} command naming them. Ingest never opens the files (the training
 * worker does), so any bytes serve here.
 */
@ExtendWith(LocalStackExtension.class)
class ModelImportIT {
  private static final Topics TOPICS = Topics.DEFAULTS;
  private static final int MAX_IMPORT_BYTES = 256 * 1024;

  private static IngestService service;
  private static ObjectStore store;
  private static HttpClient http;

  @BeforeAll
  static void start(LocalStack stack) {
    String topic = "it.import.images." + id();
    StackFixtures.createTopics(stack, topic, 1);
    service =
        new IngestService(
                StackFixtures.config(
                    stack,
                    "CYCLEGAN_TOPIC_IMAGES_IN",
                    topic,
                    "CYCLEGAN_GROUP_ID",
                    "ingest-import-it-" + id(),
                    "CYCLEGAN_MAX_IMPORT_BYTES",
                    Integer.toString(MAX_IMPORT_BYTES)),
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

  @Test
  void shouldStoreBothFilesAndPublishAnImportCommandWhenCommitted(LocalStack stack)
      throws Exception {
    String version = "imp-" + id();
    String importId = ModelImportResource.importId("zebra", version);
    byte[] a2b = random(200 * 1024, 1);
    byte[] b2a = random(1000, 2);

    HttpResponse<byte[]> first = put("/models/zebra/imports/" + version + "/a2b", a2b);
    HttpResponse<byte[]> second = streamed("/models/zebra/imports/" + version + "/b2a", b2a);
    HttpResponse<byte[]> commit = post("/models/zebra/imports/" + version, "{\"imageSize\":64}");

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(json(first).get("a2b").asText()).isEqualTo("imports/" + importId + "/a2b.bin");
    assertThat(json(first).get("bytes").asLong()).isEqualTo(a2b.length);
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(store.get(ObjectKeys.importFile(importId, "a2b.bin"))).hasValue(a2b);
    assertThat(store.get(ObjectKeys.importFile(importId, "b2a.bin"))).hasValue(b2a);
    assertThat(commit.statusCode()).isEqualTo(202);
    JsonNode accepted = json(commit);
    assertThat(accepted.get("importId").asText()).isEqualTo(importId);
    assertThat(accepted.get("version").asText()).isEqualTo(version);
    assertThat(accepted.get("state").asText()).isEqualTo("/jobs/" + importId);
    try (TopicTap commands = new TopicTap(stack, TOPICS.trainingCommands())) {
      TrainingCommand sent =
          MessageCodec.decode(commands.awaitKey(importId, 1).get(0).value(), TrainingCommand.class);
      assertThat(sent)
          .isEqualTo(
              TrainingCommand.importModel(
                  importId,
                  "zebra",
                  new TrainingCommand.ImportFiles(
                      "imports/" + importId + "/a2b.bin",
                      "imports/" + importId + "/b2a.bin",
                      64,
                      version)));
      assertThat(sent.importVersion()).isEqualTo(version);
    }
  }

  @Test
  void shouldImportTheSameVersionUnderTwoModelNamesAsTwoJobs(LocalStack stack) throws Exception {
    String horse = "horse-" + id();
    String zebra = "zebra-" + id();
    byte[] forHorse = random(100, 7);
    byte[] forZebra = random(100, 8);

    assertThat(put("/models/" + horse + "/imports/v1/a2b", forHorse).statusCode()).isEqualTo(201);
    HttpResponse<byte[]> horseCommit = post("/models/" + horse + "/imports/v1", "{}");
    // The first import is committed (a job now): a second model's v1 is still free.
    store.put(
        ObjectKeys.jobState(json(horseCommit).get("importId").asText()),
        "{}".getBytes(StandardCharsets.UTF_8),
        "application/json");
    HttpResponse<byte[]> zebraUpload = put("/models/" + zebra + "/imports/v1/a2b", forZebra);
    HttpResponse<byte[]> zebraCommit = post("/models/" + zebra + "/imports/v1", "{}");

    assertThat(horseCommit.statusCode()).isEqualTo(202);
    assertThat(zebraUpload.statusCode()).as(new String(zebraUpload.body())).isEqualTo(201);
    assertThat(zebraCommit.statusCode()).isEqualTo(202);
    String horseJob = json(horseCommit).get("importId").asText();
    String zebraJob = json(zebraCommit).get("importId").asText();
    assertThat(horseJob).isNotEqualTo(zebraJob);
    assertThat(json(zebraCommit).get("version").asText()).isEqualTo("v1");
    assertThat(store.get(ObjectKeys.importFile(horseJob, "a2b.bin"))).hasValue(forHorse);
    assertThat(store.get(ObjectKeys.importFile(zebraJob, "a2b.bin"))).hasValue(forZebra);
    try (TopicTap commands = new TopicTap(stack, TOPICS.trainingCommands())) {
      TrainingCommand horseCommand =
          MessageCodec.decode(commands.awaitKey(horseJob, 1).get(0).value(), TrainingCommand.class);
      TrainingCommand zebraCommand =
          MessageCodec.decode(commands.awaitKey(zebraJob, 1).get(0).value(), TrainingCommand.class);
      assertThat(horseCommand.model()).isEqualTo(horse);
      assertThat(zebraCommand.model()).isEqualTo(zebra);
      assertThat(horseCommand.importVersion()).isEqualTo("v1");
      assertThat(zebraCommand.importVersion()).isEqualTo("v1");
    }
  }

  @Test
  void shouldRefuseAFileOverTheLimitWhileStreamingAndWriteNothing() throws Exception {
    String version = "imp-" + id();
    String importId = ModelImportResource.importId("zebra", version);
    String path = "/models/zebra/imports/" + version + "/a2b";
    byte[] tooBig = random(MAX_IMPORT_BYTES + 1, 3);

    // Declared too large: refused before a byte is read.
    HttpResponse<byte[]> declared = put(path, tooBig);
    // Chunked, no length: refused when the stream passes the limit.
    HttpResponse<byte[]> streamed = streamed(path, random(4 * MAX_IMPORT_BYTES, 4));

    assertError(declared, 413, "BODY_TOO_LARGE");
    assertError(streamed, 413, "BODY_TOO_LARGE");
    assertThat(json(streamed).get("error").asText()).contains("CYCLEGAN_MAX_IMPORT_BYTES");
    assertThat(store.list(ObjectKeys.importPrefix(importId))).isEmpty();
  }

  @Test
  void shouldRefuseBadNamesAndACommitWithoutUploadsSendingNothing(LocalStack stack)
      throws Exception {
    String version = "imp-" + id();
    String importId = ModelImportResource.importId("zebra", version);
    byte[] file = random(100, 5);

    assertError(put("/models/Zebra/imports/" + version + "/a2b", file), 400, "INVALID_MODEL");
    assertError(put("/models/zebra/imports/..%2Fjobs/a2b", file), 400, "INVALID_IMPORT_ID");
    assertError(put("/models/zebra/imports/" + version + "/c2d", file), 400, "INVALID_DIRECTION");
    assertError(post("/models/zebra/imports/" + version + "/a2b", ""), 405, "METHOD_NOT_ALLOWED");
    assertError(post("/models/zebra/imports/" + version, "{}"), 409, "MISSING_UPLOAD");
    assertThat(store.list(ObjectKeys.importPrefix(importId))).isEmpty();

    assertThat(put("/models/zebra/imports/" + version + "/a2b", file).statusCode()).isEqualTo(201);
    assertError(
        post("/models/zebra/imports/" + version, "{\"imageSize\":4}"), 400, "INVALID_IMAGE_SIZE");
    assertError(post("/models/zebra/imports/" + version, "{\"epochs\":4}"), 400, "UNKNOWN_FIELD");
    try (TopicTap commands = new TopicTap(stack, TOPICS.trainingCommands())) {
      assertThat(commands.drain(r -> importId.equals(StackFixtures.key(r)))).isEmpty();
    }

    // Once the import is a job, its files are final.
    store.put(ObjectKeys.jobState(importId), "{}".getBytes(StandardCharsets.UTF_8), "x/json");
    assertError(
        put("/models/zebra/imports/" + version + "/a2b", random(10, 6)), 409, "IMPORT_COMMITTED");
    assertThat(store.get(ObjectKeys.importFile(importId, "a2b.bin"))).hasValue(file);
  }

  private static String id() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + service.httpPort() + path);
  }

  private static HttpResponse<byte[]> put(String path, byte[] body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A PUT without Content-Length (chunked), as a client streaming a file of unknown size. */
  private static HttpResponse<byte[]> streamed(String path, byte[] body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> post(String path, String json)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    // Answers are JSON, refusals RFC 9457 problem documents.
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).matches("application/(problem\\+)?json"));
    return MessageCodec.mapper().readTree(response.body());
  }

  private static void assertError(HttpResponse<byte[]> response, int status, String reason)
      throws IOException {
    assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(status);
    assertThat(json(response).get("reason").asText()).isEqualTo(reason);
  }
}
