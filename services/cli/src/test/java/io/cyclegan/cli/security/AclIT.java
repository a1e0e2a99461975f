package io.cyclegan.cli.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.inference.InferenceConfig;
import io.cyclegan.inference.InferenceWorker;
import io.cyclegan.ingest.IngestConfig;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.training.TrainingConfig;
import io.cyclegan.training.TrainingWorker;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a broker with SASL_SSL and ACLs, each service signed in as its own SCRAM user
 * holding only the rows of docs/least-privilege.md, and S3 over HTTPS with the local authority.
 */
class AclIT {
  private static final Topics TOPICS = Topics.DEFAULTS;
  private static final DocumentedAcls ACLS = DocumentedAcls.read();

  private static LocalStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.builder().optSecurity(true).build().start();
    for (String principal : ACLS.principals()) {
      stack.createKafkaUser(principal, password(principal));
    }
    grant(ACLS.bindings());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void shouldIngestTrainAndTranslateWithOnlyTheDocumentedAcls(@TempDir Path cache)
      throws Exception {
    try (IngestService ingest =
            new IngestService(
                    IngestConfig.fromEnv(
                        env(
                            "cyclegan-ingest",
                            // The HTTP API is not what this test proves; it listens on loopback.
                            Map.of("CYCLEGAN_HTTP_PORT", "0", "CYCLEGAN_API_AUTH", "none"))),
                    IngestService.LOOPBACK)
                .start();
        TrainingWorker training =
            new TrainingWorker(
                    TrainingConfig.fromEnv(
                        env("cyclegan-training", Map.of("CYCLEGAN_CACHE_DIR", cache.toString()))),
                    IngestService.LOOPBACK)
                .start();
        InferenceWorker inference =
            new InferenceWorker(
                    InferenceConfig.fromEnv(env("cyclegan-inference", Map.of())),
                    IngestService.LOOPBACK)
                .start();
        KafkaProducer<byte[], byte[]> user = producer("cyclegan-user")) {
      for (int i = 0; i < 4; i++) {
        user.send(datasetImage("acl-ds", i % 2 == 0 ? "A" : "B", i)).get(30, TimeUnit.SECONDS);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> read("cyclegan-user", TOPICS.datasets()).size() >= 2);

      user.send(
              CloudEvents.record(
                  TOPICS.trainingCommands(),
                  "acl-job",
                  TrainingCommand.start("acl-job", "acl-model", "acl-ds", tinyParams()),
                  "/acl-it"))
          .get(30, TimeUnit.SECONDS);
      // A refused right fails the job: stop waiting at once, with the job's events as the reason.
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () -> {
                List<TrainingEvent.Type> events = events("acl-job");
                assertThat(events).doesNotContain(TrainingEvent.Type.failed);
                return events.contains(TrainingEvent.Type.completed);
              });

      user.send(translateImage("acl-request", "acl-model")).get(30, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(results("acl-request"))
                      .singleElement()
                      .satisfies(
                          r -> {
                            assertThat(r.error()).isNull();
                            assertThat(r.status()).isEqualTo(TranslateResult.Status.ok);
                          }));
      assertThat(ingest.runtime().liveness().healthy()).isTrue();
      assertThat(training.liveness().healthy()).isTrue();
      assertThat(inference.liveness().healthy()).isTrue();
    }
  }

  /**
   * The table's dead-letter rows for ingest: {@code GET /dead-letters/{topic}} reads a DLQ (READ on
   * it) and a replay sends onto the source topic (WRITE on it); the replayed image is refused again
   * and dead-lettered a second time.
   */
  @Test
  void shouldListAndReplayDeadLettersOverTheApiWithOnlyTheDocumentedAcls() throws Exception {
    String dlq = TOPICS.dlq(TOPICS.imagesIn());
    String key = "acl-bad-" + System.nanoTime();
    try (IngestService ingest =
            new IngestService(
                    IngestConfig.fromEnv(
                        env(
                            "cyclegan-ingest",
                            Map.of("CYCLEGAN_HTTP_PORT", "0", "CYCLEGAN_API_AUTH", "none"))),
                    IngestService.LOOPBACK)
                .start();
        KafkaProducer<byte[], byte[]> user = producer("cyclegan-user")) {
      ProducerRecord<byte[], byte[]> bad =
          new ProducerRecord<>(TOPICS.imagesIn(), bytes(key), bytes("not an image"));
      header(bad, Headers.PURPOSE, Headers.PURPOSE_DATASET);
      header(bad, Headers.DATASET, "acl-ds");
      header(bad, Headers.DOMAIN, "A");
      user.send(bad).get(30, TimeUnit.SECONDS);
      String api = "http://127.0.0.1:" + ingest.httpPort() + "/dead-letters/" + dlq;

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(letters(api, key)).isEqualTo(1));
      HttpResponse<String> replay =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(api + "/replay"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
      assertThat(MessageCodec.mapper().readTree(replay.body()).get("replayed").asInt())
          .as(replay.body())
          .isPositive();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(letters(api, key)).isEqualTo(2));
    }
  }

  /** How many dead letters keyed {@code key} the API lists (one page: the DLQ is small here). */
  private static int letters(String api, String key) throws Exception {
    HttpResponse<String> page =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(api + "?limit=1000")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    int n = 0;
    for (var letter : MessageCodec.mapper().readTree(page.body()).get("letters")) {
      if (key.equals(letter.path("key").asText())) {
        n++;
      }
    }
    return n;
  }

  @Test
  void shouldStopWithAnAuthorizationErrorWhenAServiceLacksItsGroupAcl() throws Exception {
    String principal = "cyclegan-inference-without-group";
    stack.createKafkaUser(principal, password(principal));
    grant(
        ACLS.bindingsOf("cyclegan-inference", principal).stream()
            .filter(b -> b.pattern().resourceType() != ResourceType.GROUP)
            .toList());

    try (InferenceWorker inference =
        new InferenceWorker(
                InferenceConfig.fromEnv(env(principal, Map.of())), IngestService.LOOPBACK)
            .start()) {
      // Not a hang, not a retry loop: the request consumer stops and the service reports dead.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(inference.liveness().deadLoops().values())
                      .anySatisfy(reason -> assertThat(reason).containsIgnoringCase("authoriz")));
    }
  }

  private static void grant(List<AclBinding> bindings) throws Exception {
    try (Admin admin = stack.kafkaAdmin()) {
      admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static String password(String principal) {
    return principal + "-password";
  }

  private static Map<String, String> env(String principal, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(stack.connectionEnv(principal, password(principal)));
    env.put("CYCLEGAN_METRICS_PORT", "0");
    env.putAll(extra);
    return env;
  }

  private static Map<String, Object> clientProperties(String principal) {
    Map<String, Object> props = new HashMap<>(stack.kafkaSecurity(principal, password(principal)));
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    return props;
  }

  private static KafkaProducer<byte[], byte[]> producer(String principal) {
    Map<String, Object> props = clientProperties(principal);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20000);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Every record of {@code topic} so far, read without a group as the user does. */
  private static List<ConsumerRecord<byte[], byte[]>> read(String principal, String topic) {
    Map<String, Object> props = clientProperties(principal);
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  private static List<TrainingEvent.Type> events(String jobId) {
    return read("cyclegan-user", TOPICS.trainingEvents()).stream()
        .map(r -> MessageCodec.decode(r.value(), TrainingEvent.class))
        .filter(e -> e.jobId().equals(jobId))
        .map(TrainingEvent::type)
        .toList();
  }

  private static List<TranslateResult> results(String requestId) {
    return read("cyclegan-user", TOPICS.translateResults()).stream()
        .map(r -> MessageCodec.decode(r.value(), TranslateResult.class))
        .filter(r -> requestId.equals(r.requestId()))
        .toList();
  }

  private static ProducerRecord<byte[], byte[]> datasetImage(
      String dataset, String domain, int seed) throws IOException {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(TOPICS.imagesIn(), bytes("img-" + seed), png(seed));
    header(record, Headers.PURPOSE, Headers.PURPOSE_DATASET);
    header(record, Headers.DATASET, dataset);
    header(record, Headers.DOMAIN, domain);
    return record;
  }

  private static ProducerRecord<byte[], byte[]> translateImage(String requestId, String model)
      throws IOException {
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(TOPICS.imagesIn(), bytes(requestId), png(99));
    header(record, Headers.PURPOSE, Headers.PURPOSE_TRANSLATE);
    header(record, Headers.MODEL, model);
    header(record, Headers.REQUEST_ID, requestId);
    return record;
  }

  private static void header(ProducerRecord<byte[], byte[]> record, String key, String value) {
    record.headers().add(key, bytes(value));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] png(int seed) throws IOException {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 40; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  /** The smallest model the worker trains: one epoch at 32 px, seconds on a CPU. */
  private static Map<String, Object> tinyParams() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("epochs", 1);
    p.put("decayEpochs", 0);
    p.put("imageSize", 32);
    p.put("loadSize", 36);
    p.put("generatorBlocks", 1);
    p.put("ngf", 4);
    p.put("ndf", 4);
    p.put("poolSize", 2);
    p.put("checkpointEvery", 1);
    p.put("seed", 7);
    return p;
  }
}
