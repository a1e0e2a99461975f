package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The secured stack: SASL_SSL with SCRAM users and ACLs on Kafka, HTTPS on S3. */
class SecuredStackIT {

  private static LocalStack stack;

  @BeforeAll
  static void start() {
    stack = LocalStack.builder().optSecurity(true).optTopics(List.of()).build().start();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void shouldAdvertiseHttpsAndSaslSslWhenSecured() {
    assertThat(stack.s3Endpoint()).startsWith("https://127.0.0.1:");
    assertThat(stack.connectionEnv())
        .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
        .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
        .containsEntry("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM")
        .containsEntry("S3_CA_FILE", stack.caFile().toString());
  }

  @Test
  void shouldRefuseAUserWithoutAnAclAndAllowItOnceGranted() throws Exception {
    stack.createKafkaUser("writer", "writer-secret");
    String topic = "secured-topic";

    assertThatThrownBy(() -> send("writer", "writer-secret", topic))
        .hasCauseInstanceOf(TopicAuthorizationException.class);

    try (Admin admin = stack.kafkaAdmin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      admin
          .createAcls(
              List.of(
                  new AclBinding(
                      new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                      new AccessControlEntry(
                          "User:writer", "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    // An idempotent producer needs no IDEMPOTENT_WRITE on the cluster: WRITE on a topic implies it.
    // The broker applies a new ACL from the metadata log a moment after the controller took it.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> send("writer", "writer-secret", topic));
  }

  @Test
  void shouldRefuseAWrongPassword() {
    stack.createKafkaUser("someone", "right");

    assertThatThrownBy(() -> send("someone", "wrong", "any-topic"))
        .hasCauseInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void shouldServeS3OnlyToClientsThatTrustTheLocalAuthority() throws Exception {
    URL url = new URL(stack.s3Endpoint() + "/");

    HttpsURLConnection untrusting = (HttpsURLConnection) url.openConnection();
    assertThatThrownBy(untrusting::getResponseCode).isInstanceOf(SSLHandshakeException.class);

    HttpsURLConnection trusting = (HttpsURLConnection) url.openConnection();
    trusting.setSSLSocketFactory(trustingOnly().getSocketFactory());
    // Unsigned: the server answers, with an S3 error, over a verified connection.
    assertThat(trusting.getResponseCode()).isEqualTo(403);
  }

  private static void send(String user, String password, String topic) throws Exception {
    Map<String, Object> props = new HashMap<>(stack.kafkaSecurity(user, password));
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
    } catch (org.apache.kafka.common.KafkaException e) {
      // A failed sign-in surfaces from send() itself, not through the future.
      throw new ExecutionException(e);
    }
  }

  private static SSLContext trustingOnly() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(stack.caFile())) {
      Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
      trust.setCertificateEntry("ca", ca);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
