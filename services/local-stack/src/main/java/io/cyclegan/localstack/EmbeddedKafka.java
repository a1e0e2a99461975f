package io.cyclegan.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka node in KRaft combined mode (broker and controller in one process), listening on
 * loopback only, formatted and started in-process from the Kafka jars.
 */
final class EmbeddedKafka {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path logDir;
  private final int port;
  private final int advertisedPort;
  private final int controllerPort;
  private KafkaRaftServer server;

  /**
   * @param port the client listener's port
   * @param advertisedPort the port put in metadata for clients; another than {@code port} when a
   *     {@link FaultProxy} in front of the broker must stay in the path of every connection, since
   *     clients reconnect to the advertised address after the bootstrap
   * @param controllerPort the KRaft controller listener's port
   */
  EmbeddedKafka(Path logDir, int port, int advertisedPort, int controllerPort) {
    this.logDir = logDir;
    this.port = port;
    this.advertisedPort = advertisedPort;
    this.controllerPort = controllerPort;
  }

  /** The broker's own listener, whatever it advertises. */
  String bootstrapServers() {
    return Ports.LOOPBACK + ":" + port;
  }

  int port() {
    return port;
  }

  synchronized boolean isRunning() {
    return server != null;
  }

  /** Formats the log directory on first use, then starts the node and waits until it serves. */
  synchronized void start() {
    if (server != null) {
      return;
    }
    refuseJvmExit();
    Properties props = serverProperties();
    formatIfNeeded(props);
    KafkaRaftServer started = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    try {
      started.startup();
    } catch (RuntimeException e) {
      IllegalStateException failure =
          new IllegalStateException("Kafka did not start on " + bootstrapServers(), e);
      try {
        started.shutdown();
        started.awaitShutdown();
      } catch (RuntimeException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    }
    server = started;
    awaitReady();
  }

  /** Stops the node; {@link #start()} brings it back on the same port and data. */
  synchronized void stop() {
    if (server == null) {
      return;
    }
    KafkaRaftServer stopping = server;
    server = null;
    stopping.shutdown();
    stopping.awaitShutdown();
  }

  /** Creates each topic that does not exist yet. */
  void createTopics(List<TopicSpec> topics) {
    if (topics.isEmpty()) {
      return;
    }
    List<NewTopic> newTopics = new ArrayList<>();
    for (TopicSpec topic : topics) {
      NewTopic newTopic = new NewTopic(topic.name(), topic.partitions(), (short) 1);
      if (topic.compacted()) {
        newTopic.configs(Map.of("cleanup.policy", "compact"));
      }
      newTopics.add(newTopic);
    }
    try (Admin admin = admin()) {
      for (Map.Entry<String, KafkaFuture<Void>> result :
          admin.createTopics(newTopics).values().entrySet()) {
        try {
          result.getValue().get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          // A reused data directory already holds the topics; that is what we want.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("could not create topic " + result.getKey(), e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("topics not created within " + READY_TIMEOUT, e);
    }
  }

  private Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            (int) READY_TIMEOUT.toMillis()));
  }

  private void awaitReady() {
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Kafka on " + bootstrapServers() + " is not answering", e);
    }
  }

  private Properties serverProperties() {
    String listener = "PLAINTEXT://" + Ports.LOOPBACK + ":" + port;
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    // A static voter set (rather than a dynamic, --standalone quorum) keeps no endpoint in the
    // log, so a reused data directory may come back on other ports.
    props.put("controller.quorum.voters", "1@" + Ports.LOOPBACK + ":" + controllerPort);
    props.put("listeners", listener + ",CONTROLLER://" + Ports.LOOPBACK + ":" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + advertisedPort);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", logDir.toString());
    // One node: every internal topic must fit replication factor 1.
    props.put("offsets.topic.replication.factor", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");
    // Fewer internal partitions: the first consumer group and transaction start much sooner.
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.num.partitions", "5");
    props.put("share.coordinator.state.topic.num.partitions", "5");
    // Tests should not wait 3 s for the first rebalance of every group.
    props.put("group.initial.rebalance.delay.ms", "0");
    // Tests create ad-hoc topics by producing to them.
    props.put("auto.create.topics.enable", "true");
    props.put("num.partitions", "1");
    // The default 128 MiB dedupe buffer is allocated on heap at start; compaction here is tiny.
    props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    props.put("num.network.threads", "2");
    props.put("num.io.threads", "2");
    props.put("num.recovery.threads.per.data.dir", "1");
    props.put("background.threads", "2");
    return props;
  }

  private void formatIfNeeded(Properties props) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return; // a kept data directory: same cluster, same topics
    }
    Path config = logDir.getParent().resolve("server.properties");
    try {
      Files.createDirectories(logDir);
      try (OutputStream out = Files.newOutputStream(config)) {
        props.store(out, "written by the cyclegan local stack to format the log directory");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka log directory " + logDir, e);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int status;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      // The storage tool rather than Formatter itself: it picks the feature levels and
      // bootstrap records for this release, which moved between Kafka versions.
      status =
          StorageTool.execute(
              new String[] {
                "format",
                "--config",
                config.toString(),
                "--cluster-id",
                Uuid.randomUuid().toString(),
                "--ignore-formatted"
              },
              print);
    } catch (Exception e) { // Scala code may throw checked exceptions undeclared
      throw new IllegalStateException("formatting " + logDir + " failed: " + output, e);
    }
    if (status != 0) {
      throw new IllegalStateException(
          "formatting " + logDir + " failed with status " + status + ": " + output);
    }
  }

  /**
   * Kafka calls {@code Exit.exit}/{@code Exit.halt} on fatal errors, which would end the test JVM
   * (or a CLI that embeds the stack) without a word; turn those into a logged exception.
   */
  private static void refuseJvmExit() {
    Exit.Procedure refuse =
        (status, message) -> {
          LOG.error("Kafka asked to exit the JVM with status {}: {}", status, message);
          throw new IllegalStateException(
              "embedded Kafka asked to exit the JVM with status " + status + ": " + message);
        };
    Exit.setExitProcedure(refuse);
    Exit.setHaltProcedure(refuse);
  }
}
