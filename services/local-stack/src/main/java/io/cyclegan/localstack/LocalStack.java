package io.cyclegan.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * A real Apache Kafka broker (KRaft, one node) and a real S3-compatible server (S3Proxy on a
 * folder), both on loopback ports, with the bucket and the topics created.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.builder().build().start()) {
 *   String bootstrap = stack.bootstrapServers(); // 127.0.0.1:<port>
 *   String s3 = stack.s3Endpoint();              // http://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * <p>Everything about the broker is sized for one node: replication factor 1 for every topic,
 * internal ones included; topics are also auto-created on first use; consumer groups rebalance
 * without the usual initial delay.
 *
 * <p>For fault-injection tests either server can be stopped and started again on the same port and
 * data ({@link #stopKafka()}, {@link #stopS3()}), and {@link Builder#optFaultProxies(boolean)} puts
 * a {@link FaultProxy} in front of each, so a test can refuse, blackhole or slow down the traffic.
 */
public final class LocalStack implements AutoCloseable {

  /** Port 0: pick a free loopback port. */
  public static final int ANY_PORT = 0;

  /** Kafka's usual port, used by {@link LocalStackMain}. */
  public static final int WELL_KNOWN_KAFKA_PORT = 9092;

  /** MinIO's usual port, used by {@link LocalStackMain}. */
  public static final int WELL_KNOWN_S3_PORT = 9000;

  public static final String DEFAULT_ACCESS_KEY = "cyclegan";
  public static final String DEFAULT_SECRET_KEY = "cyclegan-secret";
  public static final String DEFAULT_BUCKET = "cyclegan";

  /** The region S3 clients should send; the server accepts any, MinIO's client needs one. */
  public static final String REGION = "us-east-1";

  // S3 bucket naming rules, the subset that works path-style on every client.
  private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private final int requestedKafkaPort;
  private final int requestedS3Port;
  private final Path requestedDataDir;
  private final String accessKey;
  private final String secretKey;
  private final String bucket;
  private final List<TopicSpec> topics;
  private final boolean faultProxies;
  private final boolean secured;

  private Path dataDir;
  private LocalCertificates certificates;
  private boolean deleteDataDir;
  private FaultProxy kafkaProxy;
  private EmbeddedKafka kafka;
  private EmbeddedS3 s3;
  private FaultProxy s3Proxy;

  private LocalStack(Builder builder) {
    this.requestedKafkaPort = builder.kafkaPort;
    this.requestedS3Port = builder.s3Port;
    this.requestedDataDir = builder.dataDir;
    this.accessKey = builder.accessKey;
    this.secretKey = builder.secretKey;
    this.bucket = builder.bucket;
    this.topics = builder.topics;
    this.faultProxies = builder.faultProxies;
    this.secured = builder.secured;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts Kafka, creates the topics, starts S3 and creates the bucket. A requested port that is
   * taken fails with a {@link PortInUseException} before anything starts.
   *
   * @return this stack, for {@code LocalStack.builder().build().start()}
   */
  public synchronized LocalStack start() {
    if (kafka != null) {
      throw new IllegalStateException("local stack already started");
    }
    if (requestedKafkaPort != ANY_PORT) {
      Ports.requireFree("Kafka", requestedKafkaPort, "; choose another with --kafka-port");
    }
    if (requestedS3Port != ANY_PORT) {
      Ports.requireFree("S3", requestedS3Port, "; choose another with --s3-port");
    }
    QuietLogging.apply();
    try {
      dataDir = prepareDataDir();
      if (secured) {
        certificates = LocalCertificates.in(dataDir.resolve("tls"));
      }
      startKafkaAndProxy();
      kafka.createTopics(topics);
      // Behind a proxy the requested port is the proxy's, the one clients are given.
      s3 =
          new EmbeddedS3(
              dataDir.resolve("s3"),
              faultProxies ? ANY_PORT : requestedS3Port,
              accessKey,
              secretKey,
              certificates);
      s3.start(bucket);
      if (faultProxies) {
        s3Proxy = FaultProxy.to(Ports.LOOPBACK, s3.port()).optListenPort(requestedS3Port).start();
      }
      return this;
    } catch (RuntimeException e) {
      try {
        close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Without proxies the broker listens on the requested port and advertises it. With them the proxy
   * takes the requested port and the broker a free one, yet advertises the proxy's: clients connect
   * again to the advertised address after the bootstrap, and every connection must go through the
   * proxy for its faults to reach them. The proxy starts first, since the broker's own admin client
   * (topic creation) follows that address too.
   */
  private void startKafkaAndProxy() {
    Path logDir = dataDir.resolve("kafka").resolve("logs");
    if (faultProxies) {
      int brokerPort = freeOtherThan(requestedKafkaPort);
      kafkaProxy =
          FaultProxy.to(Ports.LOOPBACK, brokerPort).optListenPort(requestedKafkaPort).start();
      int controllerPort = freeOtherThan(brokerPort, kafkaProxy.port());
      kafka =
          new EmbeddedKafka(
              logDir,
              brokerPort,
              kafkaProxy.port(),
              controllerPort,
              security(brokerPort, kafkaProxy.port(), controllerPort));
    } else {
      int kafkaPort = requestedKafkaPort == ANY_PORT ? Ports.pickFree() : requestedKafkaPort;
      int controllerPort = freeOtherThan(kafkaPort);
      kafka =
          new EmbeddedKafka(
              logDir, kafkaPort, kafkaPort, controllerPort, security(kafkaPort, controllerPort));
    }
    kafka.start();
  }

  private EmbeddedKafka.Security security(int... taken) {
    return secured ? new EmbeddedKafka.Security(certificates, freeOtherThan(taken)) : null;
  }

  /** Stops the broker alone; the S3 server, the port and the data stay. */
  public void stopKafka() {
    requireStarted().stop();
  }

  /** Starts the broker again after {@link #stopKafka()}, on the same port with the same data. */
  public void startKafka() {
    requireStarted().start();
  }

  public synchronized boolean isKafkaRunning() {
    return kafka != null && kafka.isRunning();
  }

  /**
   * Stops the S3 server alone: clients get "connection refused" until {@link #startS3()}. Kafka,
   * the port, the credentials and the objects stay.
   */
  public void stopS3() {
    requireS3().stop();
  }

  /**
   * Starts the S3 server again after {@link #stopS3()}, on the same port with the same objects and
   * credentials; clients keep their endpoint.
   */
  public void startS3() {
    requireS3().start(bucket);
  }

  public synchronized boolean isS3Running() {
    return s3 != null && s3.isRunning();
  }

  /** {@code 127.0.0.1:<port>}; the Kafka proxy's address when fault proxies are on. */
  public synchronized String bootstrapServers() {
    EmbeddedKafka started = requireStarted();
    return kafkaProxy != null ? kafkaProxy.address() : started.bootstrapServers();
  }

  /**
   * {@code http://127.0.0.1:<port>}, path-style; the S3 proxy's when fault proxies are on; {@code
   * https} when the stack is {@linkplain Builder#optSecurity(boolean) secured}.
   */
  public String s3Endpoint() {
    return (secured ? "https" : "http") + "://" + Ports.LOOPBACK + ":" + s3Port();
  }

  /** Whether the stack was built with {@link Builder#optSecurity(boolean)}. */
  public boolean isSecured() {
    return secured;
  }

  /**
   * The local certificate authority (PEM) that signed the broker's and the S3 server's certificate:
   * what clients of a secured stack trust ({@code S3_CA_FILE}, {@code
   * KAFKA_SSL_TRUSTSTORE_LOCATION} with type {@code PEM}).
   *
   * @throws IllegalStateException when the stack is not secured or not started
   */
  public synchronized Path caFile() {
    if (!secured) {
      throw new IllegalStateException(
          "this local stack is not secured; build it with optSecurity(true)");
    }
    if (certificates == null) {
      throw new IllegalStateException("local stack is not started");
    }
    return certificates.caPem();
  }

  /**
   * Client properties to sign in to a secured broker as {@code user} (SASL_SSL, SCRAM-SHA-512, the
   * local authority trusted), without {@code bootstrap.servers}; empty when the stack is not
   * secured.
   */
  public Map<String, String> kafkaSecurity(String user, String password) {
    return requireStarted().clientSecurity(user, password);
  }

  /**
   * Creates or updates a SCRAM-SHA-512 user on a secured broker; the user may do nothing until an
   * ACL allows it.
   */
  public void createKafkaUser(String user, String password) {
    if (!secured) {
      throw new IllegalStateException(
          "this local stack is not secured; build it with optSecurity(true)");
    }
    try (Admin admin = requireStarted().admin()) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating Kafka user " + user, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create Kafka user " + user, e);
    }
  }

  /**
   * An admin client signed in as the super user ({@value EmbeddedKafka#ADMIN_USER} on a secured
   * stack): for tests that create ACLs. The caller closes it.
   */
  public Admin kafkaAdmin() {
    return requireStarted().admin();
  }

  /** The port of {@link #s3Endpoint()}: the S3 proxy's when fault proxies are on. */
  public synchronized int s3Port() {
    EmbeddedS3 started = requireS3();
    return s3Proxy != null ? s3Proxy.port() : started.port();
  }

  /**
   * The proxy in front of the broker, whose address {@link #bootstrapServers()} gives and the
   * broker advertises.
   *
   * @throws IllegalStateException when the stack was built without {@link
   *     Builder#optFaultProxies(boolean)} or is not started
   */
  public synchronized FaultProxy kafkaProxy() {
    return requireProxy(kafkaProxy);
  }

  /**
   * The proxy in front of the S3 server, whose endpoint {@link #s3Endpoint()} gives.
   *
   * @throws IllegalStateException when the stack was built without {@link
   *     Builder#optFaultProxies(boolean)} or is not started
   */
  public synchronized FaultProxy s3Proxy() {
    return requireProxy(s3Proxy);
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  public String region() {
    return REGION;
  }

  /**
   * The environment variables a service reads to reach this stack ({@code KAFKA_BOOTSTRAP_SERVERS},
   * {@code S3_ENDPOINT}, {@code S3_REGION}, {@code S3_BUCKET}, {@code S3_ACCESS_KEY}, {@code
   * S3_SECRET_KEY}): the one place tests, {@code cyclegan up} and the chaos run take them from.
   */
  public Map<String, String> connectionEnv() {
    return connectionEnv(EmbeddedKafka.ADMIN_USER, EmbeddedKafka.ADMIN_PASSWORD);
  }

  /**
   * {@link #connectionEnv()} signed in to Kafka as {@code user}: on a secured stack, also {@code
   * KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_SASL_JAAS_CONFIG}, {@code
   * KAFKA_SSL_TRUSTSTORE_TYPE}, {@code KAFKA_SSL_TRUSTSTORE_LOCATION} and {@code S3_CA_FILE}. On a
   * plain one the user is ignored.
   */
  public Map<String, String> connectionEnv(String user, String password) {
    Map<String, String> env = new TreeMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
    env.put("S3_ENDPOINT", s3Endpoint());
    env.put("S3_REGION", region());
    env.put("S3_BUCKET", bucket());
    env.put("S3_ACCESS_KEY", accessKey());
    env.put("S3_SECRET_KEY", secretKey());
    if (secured) {
      kafkaSecurity(user, password)
          .forEach(
              (key, value) ->
                  env.put("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
      env.put("S3_CA_FILE", caFile().toString());
    }
    return Map.copyOf(env);
  }

  public String bucket() {
    return bucket;
  }

  /** The topics created on start. */
  public List<TopicSpec> topics() {
    return topics;
  }

  /** Where Kafka's log and the S3 objects live ({@code kafka/} and {@code s3/<bucket>/}). */
  public synchronized Path dataDir() {
    if (dataDir == null) {
      throw new IllegalStateException("local stack is not started");
    }
    return dataDir;
  }

  /**
   * Stops both servers (and proxies, in the reverse order of start) and deletes the data directory
   * if the stack made it.
   */
  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    if (s3Proxy != null) {
      s3Proxy.close();
      s3Proxy = null;
    }
    if (s3 != null) {
      try {
        s3.stop();
      } catch (RuntimeException e) {
        failure = e;
      }
      s3 = null;
    }
    if (kafka != null) {
      try {
        kafka.stop();
      } catch (RuntimeException e) {
        failure = addTo(failure, e);
      }
      kafka = null;
    }
    if (kafkaProxy != null) {
      kafkaProxy.close();
      kafkaProxy = null;
    }
    if (deleteDataDir && dataDir != null) {
      try {
        deleteRecursively(dataDir);
      } catch (UncheckedIOException e) {
        failure = addTo(failure, e);
      }
      deleteDataDir = false;
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    // No secret key here: toString ends up in logs.
    return "LocalStack[kafka="
        + (kafka == null ? "stopped" : kafka.bootstrapServers())
        + ", s3Port="
        + (s3 == null ? "stopped" : String.valueOf(s3.port()))
        + (faultProxies ? ", faultProxies" : "")
        + (secured ? ", secured" : "")
        + ", bucket="
        + bucket
        + ", accessKey="
        + accessKey
        + "]";
  }

  private synchronized EmbeddedKafka requireStarted() {
    if (kafka == null) {
      throw new IllegalStateException("local stack is not started");
    }
    return kafka;
  }

  private synchronized EmbeddedS3 requireS3() {
    if (s3 == null) {
      throw new IllegalStateException("local stack is not started");
    }
    return s3;
  }

  private FaultProxy requireProxy(FaultProxy proxy) {
    if (!faultProxies) {
      throw new IllegalStateException(
          "this local stack has no fault proxies; build it with optFaultProxies(true)");
    }
    if (proxy == null) {
      throw new IllegalStateException("local stack is not started");
    }
    return proxy;
  }

  private Path prepareDataDir() {
    try {
      if (requestedDataDir == null) {
        deleteDataDir = true;
        return Files.createTempDirectory("cyclegan-local-stack-");
      }
      return Files.createDirectories(requestedDataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + requestedDataDir, e);
    }
  }

  private static int freeOtherThan(int... taken) {
    while (true) {
      int candidate = Ports.pickFree();
      if (IntStream.of(taken).noneMatch(port -> port == candidate)) {
        return candidate;
      }
    }
  }

  private static RuntimeException addTo(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  /** Options of a {@link LocalStack}; every one has a default. */
  public static final class Builder {

    private int kafkaPort = ANY_PORT;
    private int s3Port = ANY_PORT;
    private Path dataDir;
    private String accessKey = DEFAULT_ACCESS_KEY;
    private String secretKey = DEFAULT_SECRET_KEY;
    private String bucket = DEFAULT_BUCKET;
    private List<TopicSpec> topics = TopicSpec.defaults();
    private boolean faultProxies;
    private boolean secured;

    private Builder() {}

    /** Kafka's client port on 127.0.0.1; default {@link #ANY_PORT}. */
    public Builder optKafkaPort(int port) {
      this.kafkaPort = checkPort("Kafka", port);
      return this;
    }

    /** The S3 port on 127.0.0.1; default {@link #ANY_PORT}. */
    public Builder optS3Port(int port) {
      this.s3Port = checkPort("S3", port);
      return this;
    }

    /**
     * Where Kafka's log and the objects are kept; kept after close, and reused (topics and objects
     * included) by the next start. Default: a temporary folder deleted on close.
     */
    public Builder optDataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** S3 credentials; default {@value #DEFAULT_ACCESS_KEY} / {@value #DEFAULT_SECRET_KEY}. */
    public Builder optCredentials(String accessKey, String secretKey) {
      this.accessKey = requireText("accessKey", accessKey);
      this.secretKey = requireText("secretKey", secretKey);
      return this;
    }

    /** The bucket created on start; default {@value #DEFAULT_BUCKET}. */
    public Builder optBucket(String bucket) {
      this.bucket = Objects.requireNonNull(bucket, "bucket");
      return this;
    }

    /** The topics created on start, replacing the default set {@link TopicSpec#defaults()}. */
    public Builder optTopics(List<TopicSpec> topics) {
      this.topics = List.copyOf(topics);
      return this;
    }

    /**
     * Puts a {@link FaultProxy} in front of Kafka and one in front of S3, in pass mode; default
     * false. The proxies take the requested ports and clients get their addresses ({@link
     * LocalStack#bootstrapServers()}, {@link LocalStack#s3Endpoint()}); the servers listen on free
     * ports behind them. With a proxy in front, a stopped server shows as a connection that is
     * accepted and closed, not as a refusal: call {@link FaultProxy#refuse()} for that. The
     * broker's own start-up check follows the advertised address too, so {@link
     * LocalStack#startKafka()} needs the Kafka proxy passing.
     */
    public Builder optFaultProxies(boolean faultProxies) {
      this.faultProxies = faultProxies;
      return this;
    }

    /**
     * Secures both servers; default false. Kafka: the client listener speaks SASL_SSL with
     * SCRAM-SHA-512 users, and ACLs are enforced ({@code StandardAuthorizer}; no ACL, no access),
     * with {@code admin} as the only super user a client can sign in as ({@link
     * LocalStack#connectionEnv()} signs in as it; {@link LocalStack#createKafkaUser} adds others).
     * S3: HTTPS only. Both present a certificate signed by a local authority made on first start
     * ({@link LocalStack#caFile()}), valid for {@code 127.0.0.1} and {@code localhost}.
     */
    public Builder optSecurity(boolean secured) {
      this.secured = secured;
      return this;
    }

    public LocalStack build() {
      if (!BUCKET_NAME.matcher(bucket).matches()) {
        throw new IllegalArgumentException(
            "bucket name "
                + bucket
                + " is not a valid S3 bucket name: expected 3 to 63 characters of a-z, 0-9, '.'"
                + " and '-', starting and ending with a letter or digit");
      }
      if (kafkaPort != ANY_PORT && kafkaPort == s3Port) {
        throw new IllegalArgumentException(
            "Kafka and S3 cannot share port " + kafkaPort + "; give them different ports");
      }
      Set<String> names = new HashSet<>();
      List<String> duplicates = new ArrayList<>();
      for (TopicSpec topic : topics) {
        if (!names.add(topic.name())) {
          duplicates.add(topic.name());
        }
      }
      if (!duplicates.isEmpty()) {
        throw new IllegalArgumentException("topics listed more than once: " + duplicates);
      }
      return new LocalStack(this);
    }

    private static int checkPort(String what, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            what + " port must be between 0 (any free port) and 65535, was " + port);
      }
      return port;
    }

    private static String requireText(String what, String value) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }
  }
}
