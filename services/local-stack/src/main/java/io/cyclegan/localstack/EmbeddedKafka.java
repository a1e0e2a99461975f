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
import java.util.HashMap;
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
  private final Security security;
  private KafkaRaftServer server;

  /**
   * SASL_SSL for clients and ACLs: the client listener authenticates SCRAM-SHA-512 users over TLS,
   * the broker's own listeners (inter-broker, controller) use mutual TLS with the server
   * certificate, whose subject is a super user, as is {@link #ADMIN_USER}; everyone else gets only
   * what an ACL grants ({@code StandardAuthorizer}, no ACL means no access).
   *
   * @param internalPort the inter-broker listener's port
   */
  record Security(LocalCertificates certificates, int internalPort) {}

  static final String SASL_MECHANISM = "SCRAM-SHA-512";
  static final String ADMIN_USER = "admin";
  static final String ADMIN_PASSWORD = "cyclegan-admin-secret";

  /**
   * @param port the client listener's port
   * @param advertisedPort the port put in metadata for clients; another than {@code port} when a
   *     {@link FaultProxy} in front of the broker must stay in the path of every connection, since
   *     clients reconnect to the advertised address after the bootstrap
   * @param controllerPort the KRaft controller listener's port
   */
  EmbeddedKafka(Path logDir, int port, int advertisedPort, int controllerPort) {
    this(logDir, port, advertisedPort, controllerPort, null);
  }

  /**
   * @param security {@code null} for one PLAINTEXT listener and no authorizer
   */
  EmbeddedKafka(Path logDir, int port, int advertisedPort, int controllerPort, Security security) {
    this.logDir = logDir;
    this.port = port;
    this.advertisedPort = advertisedPort;
    this.controllerPort = controllerPort;
    this.security = security;
  }

  /**
   * What a client needs to sign in as {@code user}: SASL_SSL, SCRAM-SHA-512 and the local
   * authority's certificate as a PEM trust store. Empty when the broker is not secured.
   */
  Map<String, String> clientSecurity(String user, String password) {
    if (security == null) {
      return Map.of();
    }
    return Map.of(
        "security.protocol",
        "SASL_SSL",
        "sasl.mechanism",
        SASL_MECHANISM,
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";",
        "ssl.truststore.type",
        "PEM",
        "ssl.truststore.location",
        security.certificates().caPem().toString());
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
      Map<String, String> configs = new HashMap<>(topic.configs());
      if (topic.compacted()) {
        configs.put("cleanup.policy", "compact");
      }
      newTopic.configs(configs);
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

  /** An admin client of the broker's own listener, as {@link #ADMIN_USER} when secured. */
  Admin admin() {
    Map<String, Object> props = new java.util.HashMap<>(clientSecurity(ADMIN_USER, ADMIN_PASSWORD));
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
    return Admin.create(props);
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
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    // A static voter set (rather than a dynamic, --standalone quorum) keeps no endpoint in the
    // log, so a reused data directory may come back on other ports.
    props.put("controller.quorum.voters", "1@" + Ports.LOOPBACK + ":" + controllerPort);
    props.put("controller.listener.names", "CONTROLLER");
    if (security == null) {
      props.put(
          "listeners",
          "PLAINTEXT://"
              + Ports.LOOPBACK
              + ":"
              + port
              + ",CONTROLLER://"
              + Ports.LOOPBACK
              + ":"
              + controllerPort);
      props.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + advertisedPort);
      props.put("inter.broker.listener.name", "PLAINTEXT");
      props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    } else {
      putSecurity(props);
    }
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

  private void putSecurity(Properties props) {
    String host = Ports.LOOPBACK + ":";
    props.put(
        "listeners",
        "CLIENT://"
            + host
            + port
            + ",INTERNAL://"
            + host
            + security.internalPort()
            + ",CONTROLLER://"
            + host
            + controllerPort);
    props.put(
        "advertised.listeners",
        "CLIENT://" + host + advertisedPort + ",INTERNAL://" + host + security.internalPort());
    props.put("inter.broker.listener.name", "INTERNAL");
    props.put("listener.security.protocol.map", "CLIENT:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL");
    // One key store for every TLS listener; the broker's own listeners also want the peer's
    // certificate, signed by the same authority (the broker talking to itself).
    props.put("ssl.keystore.type", "PKCS12");
    props.put("ssl.keystore.location", security.certificates().keyStore().toString());
    props.put("ssl.keystore.password", LocalCertificates.PASSWORD);
    props.put("ssl.key.password", LocalCertificates.PASSWORD);
    props.put("ssl.truststore.type", "PEM");
    props.put("ssl.truststore.location", security.certificates().caPem().toString());
    props.put("listener.name.internal.ssl.client.auth", "required");
    props.put("listener.name.controller.ssl.client.auth", "required");
    props.put("listener.name.client.ssl.client.auth", "none");
    props.put("listener.name.client.sasl.enabled.mechanisms", SASL_MECHANISM);
    props.put(
        "listener.name.client.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    props.put("super.users", "User:" + ADMIN_USER + ";User:" + LocalCertificates.SERVER_DN);
    props.put("allow.everyone.if.no.acl.found", "false");
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
    List<String> args =
        new ArrayList<>(
            List.of(
                "format",
                "--config",
                config.toString(),
                "--cluster-id",
                Uuid.randomUuid().toString(),
                "--ignore-formatted"));
    if (security != null) {
      // SCRAM users live in the cluster metadata; the admin must be there before the first
      // client can sign in and create the others.
      args.add("--add-scram");
      args.add(SASL_MECHANISM + "=[name=" + ADMIN_USER + ",password=" + ADMIN_PASSWORD + "]");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int status;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      // The storage tool rather than Formatter itself: it picks the feature levels and
      // bootstrap records for this release, which moved between Kafka versions.
      status = StorageTool.execute(args.toArray(String[]::new), print);
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
