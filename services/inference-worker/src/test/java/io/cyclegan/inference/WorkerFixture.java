package io.cyclegan.inference;

import io.cyclegan.common.config.KafkaSettings;
import io.cyclegan.common.image.ImageValidator;
import io.cyclegan.common.kafka.KafkaClients;
import io.cyclegan.common.messages.CloudEvents;
import io.cyclegan.common.messages.DeadLetter;
import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.messages.OutputFormat;
import io.cyclegan.common.messages.TranslateRequest;
import io.cyclegan.common.messages.TranslateResult;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;

/**
 * One test's world on the shared embedded stack: its own topics (so no other test's requests reach
 * its workers), a client to seed models and inputs and send claim checks, and collectors of the
 * results and dead letters.
 */
public final class WorkerFixture implements AutoCloseable {
  public final String requestsTopic;
  public final String resultsTopic;
  public final String modelsTopic;
  public final String groupId;
  public final ObjectStore store;
  private final Map<String, String> connectionEnv;
  private final KafkaClients clients;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<String, List<TranslateResult>> results = new ConcurrentHashMap<>();
  private final Map<String, Long> firstArrivalMillis = new ConcurrentHashMap<>();
  private final List<ConsumerRecord<byte[], byte[]>> deadLetters = new CopyOnWriteArrayList<>();
  private final List<InferenceWorker> workers = new CopyOnWriteArrayList<>();
  private final Thread collector;
  private volatile boolean running = true;

  public WorkerFixture(LocalStack stack, String name) {
    this(stack.connectionEnv(), io.cyclegan.common.testkit.StackKit.store(stack), name);
  }

  /**
   * A fixture on a broker and store in another process (a benchmark's stack): {@code connectionEnv}
   * as {@link LocalStack#connectionEnv()} gives it, {@code store} on that store.
   */
  public WorkerFixture(Map<String, String> connectionEnv, ObjectStore store, String name) {
    this.connectionEnv = Map.copyOf(connectionEnv);
    String id = name + "." + UUID.randomUUID().toString().substring(0, 8);
    this.requestsTopic = "it." + id + ".requests";
    this.resultsTopic = "it." + id + ".results";
    this.modelsTopic = "it." + id + ".models";
    this.groupId = "it-" + id;
    this.clients =
        new KafkaClients(
            KafkaSettings.of(connectionEnv.get("KAFKA_BOOTSTRAP_SERVERS")), null, "it-" + id);
    try (AdminClient admin = clients.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(requestsTopic, 3, (short) 1),
                  new NewTopic(requestsTopic + ".dlq", 1, (short) 1),
                  new NewTopic(resultsTopic, 3, (short) 1),
                  new NewTopic(modelsTopic, 1, (short) 1)
                      .configs(
                          Map.of(
                              TopicConfig.CLEANUP_POLICY_CONFIG,
                              TopicConfig.CLEANUP_POLICY_COMPACT))))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the test's topics", e);
    }
    this.store = store;
    this.producer = clients.producer("seed");
    KafkaConsumer<byte[], byte[]> consumer = clients.consumer("collect", null);
    this.collector = new Thread(() -> collect(consumer), "it-collector-" + id);
    collector.setDaemon(true);
    collector.start();
  }

  private void collect(KafkaConsumer<byte[], byte[]> consumer) {
    try (consumer) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        parts.add(new TopicPartition(resultsTopic, p));
      }
      parts.add(new TopicPartition(requestsTopic + ".dlq", 0));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.topic().equals(resultsTopic)) {
            TranslateResult result = MessageCodec.decode(r.value(), TranslateResult.class);
            firstArrivalMillis.putIfAbsent(result.requestId(), System.currentTimeMillis());
            results
                .computeIfAbsent(result.requestId(), k -> new CopyOnWriteArrayList<>())
                .add(result);
          } else {
            deadLetters.add(r);
          }
        }
      }
    }
  }

  /** The environment a worker of this test reads; {@code overrides} win. */
  public Map<String, String> env(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(connectionEnv);
    env.put("CYCLEGAN_METRICS_PORT", "0");
    env.put("CYCLEGAN_GROUP_ID", groupId);
    env.put("CYCLEGAN_TOPIC_TRANSLATE_REQUESTS", requestsTopic);
    env.put("CYCLEGAN_TOPIC_TRANSLATE_RESULTS", resultsTopic);
    env.put("CYCLEGAN_TOPIC_MODELS", modelsTopic);
    env.put("CYCLEGAN_DEVICE", "cpu");
    env.putAll(overrides);
    return env;
  }

  /** Builds and starts a worker of this test; the fixture closes it if the test does not. */
  public InferenceWorker startWorker(Map<String, String> overrides) {
    InferenceWorker w =
        new InferenceWorker(InferenceConfig.fromEnv(env(overrides)).withBindAddress("127.0.0.1"));
    workers.add(w);
    return w.start();
  }

  /** Stores a model version's generators and latest pointer, and announces it. */
  public void publishModel(String model, String version, byte[] generators) {
    store.put(ObjectKeys.modelGenerators(model, version), generators, "application/octet-stream");
    ModelAnnouncement a =
        ModelAnnouncement.of(
            model,
            version,
            store.bucket(),
            ObjectKeys.modelVersionPrefix(model, version),
            64,
            "job-" + version,
            Map.of());
    store.putJson(ObjectKeys.modelLatest(model), a);
    send(CloudEvents.record(modelsTopic, model, a, "/it"));
  }

  /** Announces a version on the models topic without touching {@code latest.json}. */
  public void announceOnly(ModelAnnouncement a) {
    send(CloudEvents.record(modelsTopic, a.model(), a, "/it"));
  }

  /** Writes {@code latest.json} of a stored version without announcing it. */
  public void pointOnly(String model, String version, byte[] generators) {
    store.put(ObjectKeys.modelGenerators(model, version), generators, "application/octet-stream");
    store.putJson(
        ObjectKeys.modelLatest(model),
        ModelAnnouncement.of(
            model,
            version,
            store.bucket(),
            ObjectKeys.modelVersionPrefix(model, version),
            64,
            "job-" + version,
            Map.of()));
  }

  /** Stores an input image under {@code requests/{id}/input.png}. */
  public void putInput(String requestId, BufferedImage image) {
    store.put(ObjectKeys.requestInput(requestId), ImageValidator.encodePng(image), "image/png");
  }

  public TranslateRequest claimCheck(
      String requestId, String model, String version, Direction direction, int w, int h) {
    return claimCheck(requestId, model, version, direction, w, h, OutputFormat.png);
  }

  /** A claim check whose output is to be encoded as {@code format}. */
  public TranslateRequest claimCheck(
      String requestId,
      String model,
      String version,
      Direction direction,
      int w,
      int h,
      OutputFormat format) {
    return TranslateRequest.of(
        requestId,
        store.bucket(),
        ObjectKeys.requestInput(requestId),
        model,
        version,
        direction,
        null,
        w,
        h,
        Instant.now(),
        format);
  }

  public void request(TranslateRequest request) {
    send(CloudEvents.record(requestsTopic, request.requestId(), request, "/it"));
  }

  /** Sends raw bytes as a claim check (for malformed ones). */
  public void requestRaw(String key, byte[] value) {
    send(
        new ProducerRecord<>(
            requestsTopic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
  }

  /** Sends many claim checks at once, as a burst, and waits until the broker has them all. */
  public void requestAll(List<TranslateRequest> requests) {
    List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
    for (TranslateRequest r : requests) {
      sent.add(producer.send(CloudEvents.record(requestsTopic, r.requestId(), r, "/it")));
    }
    producer.flush();
    for (java.util.concurrent.Future<?> f : sent) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("cannot send to " + requestsTopic, e);
      }
    }
  }

  /** When this fixture first saw a result for the request (epoch milliseconds). */
  public Long firstArrivalMillis(String requestId) {
    return firstArrivalMillis.get(requestId);
  }

  private void send(ProducerRecord<byte[], byte[]> record) {
    try {
      producer.send(record).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot send to " + record.topic(), e);
    }
  }

  /** The group's committed offset of each request partition. */
  public Map<Integer, Long> committedOffsets() {
    try (AdminClient admin = clients.admin()) {
      Map<Integer, Long> out = new HashMap<>();
      admin
          .listConsumerGroupOffsets(groupId)
          .partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, om) -> out.put(tp.partition(), om.offset()));
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Per request partition, how far the group's committed offset is behind the end offset (0 for
   * each when every request is committed).
   */
  public Map<Integer, Long> uncommitted() {
    Map<Integer, Long> committed = committedOffsets();
    Map<Integer, Long> behind = new HashMap<>();
    endOffsets().forEach((p, end) -> behind.put(p, end - committed.getOrDefault(p, 0L)));
    return behind;
  }

  /** Puts {@code n} inputs and returns their claim checks ({@code prefix-0} ...). */
  public List<TranslateRequest> inputs(String prefix, int n, String model, int edge) {
    List<TranslateRequest> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i;
      putInput(id, TestModels.image(edge, edge, id.hashCode()));
      out.add(claimCheck(id, model, null, Direction.AtoB, edge, edge));
    }
    return out;
  }

  /** GET on a worker's side server: {@code /healthz}, {@code /readyz}, {@code /metrics}. */
  public static java.net.http.HttpResponse<String> side(int port, String path) {
    try {
      return java.net.http.HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .build()
          .send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The end offset of each request partition. */
  public Map<Integer, Long> endOffsets() {
    try (AdminClient admin = clients.admin()) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 3; p++) {
        latest.put(new TopicPartition(requestsTopic, p), OffsetSpec.latest());
      }
      Map<Integer, Long> out = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every result received for a request (more than one after a redelivery). */
  public List<TranslateResult> results(String requestId) {
    return results.getOrDefault(requestId, List.of());
  }

  public Map<String, List<TranslateResult>> allResults() {
    return Collections.unmodifiableMap(results);
  }

  public List<ConsumerRecord<byte[], byte[]>> deadLetters() {
    return List.copyOf(deadLetters);
  }

  public static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> r) {
    return DeadLetter.fromHeaders(r.headers());
  }

  /** The output image a result points to. */
  public BufferedImage output(TranslateResult result) {
    byte[] bytes =
        store
            .get(result.outputKey())
            .orElseThrow(() -> new AssertionError("no object " + result.outputKey()));
    try {
      return ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops every worker of this test gracefully (a crashed one stays crashed). */
  public void closeWorkers() {
    for (InferenceWorker w : workers) {
      w.close();
    }
  }

  @Override
  public void close() {
    closeWorkers();
    running = false;
    try {
      collector.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
    clients.close();
  }
}
