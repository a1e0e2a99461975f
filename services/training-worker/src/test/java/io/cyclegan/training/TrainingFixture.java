package io.cyclegan.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.config.ServiceSettings;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingEvent;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.ServiceProcess;
import io.cyclegan.training.job.JobState;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One test's corner of the shared stack: its own command topic (3 partitions) and consumer group,
 * so earlier tests' commands are never read again, plus helpers to seed datasets, send commands and
 * read a job's events.
 */
final class TrainingFixture implements AutoCloseable {
  /** The smallest network the model accepts, trained on 32 px crops. */
  /**
   * {@code params} for a job that a test crashes after its first checkpoint and resumes on a second
   * worker: 16 epochs of decay after the first, so that the first worker is still training when the
   * test crashes it. With one, the rest of the job (an epoch of two steps, a checkpoint, the
   * publication) took about 0.2 s and sometimes finished first, leaving nothing to resume.
   */
  static Map<String, Object> resumable(Map<String, Object> params) {
    Map<String, Object> p = new LinkedHashMap<>(params);
    p.put("epochs", 1);
    p.put("decayEpochs", 16);
    p.put("checkpointEvery", 1);
    return p;
  }

  static Map<String, Object> tinyParams(int epochs, int decayEpochs) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("epochs", epochs);
    p.put("decayEpochs", decayEpochs);
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

  final LocalStack stack;
  final String suffix = UUID.randomUUID().toString().substring(0, 8);
  final String commandsTopic = "cyclegan.training.commands.it-" + suffix;
  final String group = "cyclegan-training-it-" + suffix;
  final Path cacheDir;
  final ObjectStore store;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> events;
  private final Map<String, List<ReceivedEvent>> received = new HashMap<>();

  /** An event as read, with the headers the schema has no field for. */
  record ReceivedEvent(TrainingEvent event, Map<String, String> headers) {
    TrainingEvent.Type type() {
      return event.type();
    }
  }

  TrainingFixture(LocalStack stack) throws Exception {
    this.stack = stack;
    this.cacheDir = Files.createTempDirectory("training-it-cache-");
    this.store = io.cyclegan.common.testkit.StackKit.store(stack);
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (Admin a = Admin.create(admin)) {
      a.createTopics(List.of(new NewTopic(commandsTopic, 3, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.events = new KafkaConsumer<>(c);
    String eventsTopic = "cyclegan.training.events";
    List<TopicPartition> parts =
        events.partitionsFor(eventsTopic).stream()
            .map(i -> new TopicPartition(eventsTopic, i.partition()))
            .toList();
    events.assign(parts);
    events.seekToEnd(parts);
    parts.forEach(events::position); // resolve now, so later events are not skipped
  }

  /** The environment of a worker on this fixture's topic and group, as a deployment sets it. */
  Map<String, String> env(String instanceId) {
    Map<String, String> env = new HashMap<>(stack.connectionEnv());
    env.put("CYCLEGAN_METRICS_PORT", "0");
    env.put("CYCLEGAN_GROUP_ID", group);
    env.put("CYCLEGAN_TOPIC_TRAINING_COMMANDS", commandsTopic);
    env.put("CYCLEGAN_CACHE_DIR", cacheDir.toString());
    env.put("CYCLEGAN_PROGRESS_EVERY_STEPS", "2");
    env.put("CYCLEGAN_DEVICE", "cpu");
    env.put("CYCLEGAN_INSTANCE_ID", instanceId + "-" + suffix);
    // The lease's time to live: a crashed worker's job moves within seconds.
    env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
    env.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
    return env;
  }

  TrainingConfig config(String instanceId) {
    return config(instanceId, Map.of());
  }

  /**
   * An in-process worker's config, with {@code extra} variables on top of {@link #env}. Dynamic
   * membership, so a closed worker leaves the group at once.
   */
  TrainingConfig config(String instanceId, Map<String, String> extra) {
    Map<String, String> env = env(instanceId);
    env.putAll(extra);
    TrainingConfig config = TrainingConfig.fromEnv(env);
    ServiceSettings s = config.settings();
    return config.withSettings(
        new ServiceSettings(
            s.kafka(),
            s.s3(),
            s.topics(),
            s.metricsPort(),
            s.instanceId(),
            false,
            s.groupId(),
            s.retry()));
  }

  /**
   * A training worker's main in a JVM of its own (not started), for real SIGKILL. Static membership
   * (its instance id) with a short session, so the group gives a killed worker's partitions away
   * within seconds.
   */
  ServiceProcess process(String instanceId) {
    Map<String, String> env = env(instanceId);
    env.put("OMP_WAIT_POLICY", "passive");
    return ServiceProcess.builder()
        .setMainClass(TrainingWorkerMain.class.getName())
        .optEnv(env)
        .optJvmOptions(List.of("-Xmx512m"))
        .optSystemProperties(Map.of("ai.djl.offline", "true"))
        .build();
  }

  /** A started worker whose consumer has its partitions. */
  TrainingWorker startWorker(String instanceId) throws InterruptedException {
    TrainingWorker worker = new TrainingWorker(config(instanceId), "127.0.0.1");
    worker.start();
    assertThat(worker.awaitReady(Duration.ofSeconds(60))).as("worker ready").isTrue();
    return worker;
  }

  String name(String base) {
    return base + "-" + suffix;
  }

  /** Writes {@code count} PNGs per domain under datasets/{dataset}/A and /B, content-addressed. */
  void seedDataset(String dataset, int count) {
    Random random = new Random(dataset.hashCode());
    for (String domain : List.of("A", "B")) {
      for (int i = 0; i < count; i++) {
        byte[] png = png(random, domain.equals("A"));
        store.put(ObjectKeys.datasetImage(dataset, domain, sha256(png)), png, "image/png");
      }
    }
  }

  private static byte[] png(Random random, boolean circles) {
    BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(random.nextInt(0xffffff)));
    g.fillRect(0, 0, 40, 40);
    g.setColor(new Color(random.nextInt(0xffffff)));
    int x = random.nextInt(20);
    int y = random.nextInt(20);
    if (circles) {
      g.fillOval(x, y, 16, 16);
    } else {
      g.fillRect(x, y, 16, 16);
    }
    g.dispose();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  void send(TrainingCommand command) {
    sendRaw(command.jobId(), MessageCodec.encode(command));
  }

  /** Sends a command with a {@code cg-principal} header, as ingest's HTTP API does. */
  void sendAs(String principal, TrainingCommand command) {
    sendWith(Map.of(io.cyclegan.common.messages.Headers.PRINCIPAL, principal), command);
  }

  /** Sends a command with these headers ({@code cg-principal}, {@code traceparent}...). */
  void sendWith(Map<String, String> headers, TrainingCommand command) {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(
            commandsTopic,
            command.jobId().getBytes(StandardCharsets.UTF_8),
            MessageCodec.encode(command));
    headers.forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
    try {
      producer.send(r).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  void sendRaw(String key, byte[] value) {
    sendAt(key, value);
  }

  /** Sends a command and says where it landed (to write a state.json that names it). */
  RecordMetadata sendAt(String key, byte[] value) {
    try {
      return producer
          .send(new ProducerRecord<>(commandsTopic, key.getBytes(StandardCharsets.UTF_8), value))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every event of {@code jobId} received so far, in order (one key, one partition). */
  synchronized List<ReceivedEvent> events(String jobId) {
    for (ConsumerRecord<byte[], byte[]> r : events.poll(Duration.ofMillis(200))) {
      TrainingEvent e = MessageCodec.decode(r.value(), TrainingEvent.class);
      Map<String, String> headers = new LinkedHashMap<>();
      for (Header h : r.headers()) {
        headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
      }
      received
          .computeIfAbsent(e.jobId(), k -> new ArrayList<>())
          .add(new ReceivedEvent(e, headers));
    }
    return List.copyOf(received.getOrDefault(jobId, List.of()));
  }

  /**
   * The events of {@code jobId} sent by the worker started as {@code instanceId}, told apart by
   * their CloudEvents source rather than by arrival: a crashed worker's last events may still be on
   * their way when the next one starts.
   */
  List<ReceivedEvent> eventsFrom(String jobId, String instanceId) {
    String source = "/cyclegan/training/" + instanceId + "-" + suffix;
    return events(jobId).stream()
        .filter(e -> source.equals(e.headers().get(Headers.CE_SOURCE)))
        .toList();
  }

  List<TrainingEvent.Type> types(String jobId) {
    return events(jobId).stream().map(ReceivedEvent::type).toList();
  }

  /**
   * Every announcement of {@code model} on {@code cyclegan.models} so far, oldest first (one read
   * of the topic from its beginning).
   */
  List<ModelAnnouncement> announcements(String model) {
    return keyedRecords("cyclegan.models", model).stream()
        .map(r -> MessageCodec.decode(r.value(), ModelAnnouncement.class))
        .toList();
  }

  /** The dead letters of this fixture's command topic keyed {@code key} (one read of the DLQ). */
  List<ConsumerRecord<byte[], byte[]>> deadLetters(String key) {
    return keyedRecords(commandsTopic + ".dlq", key);
  }

  private List<ConsumerRecord<byte[], byte[]>> keyedRecords(String topic, String key) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && key.equals(new String(r.key(), StandardCharsets.UTF_8))) {
            found.add(r);
          }
        }
      }
    }
    return found;
  }

  JobState state(String jobId) {
    return store.getJson(ObjectKeys.jobState(jobId), JobState.class).orElseThrow();
  }

  @Override
  public void close() {
    producer.close();
    events.close();
  }
}
