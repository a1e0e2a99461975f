package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalStackTest {

  @Test
  void shouldFailNamingThePortBeforeStartingAnythingWhenKafkaPortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(Ports.loopback(), 0));
      int port = taken.getLocalPort();
      LocalStack stack = LocalStack.builder().optKafkaPort(port).build();

      assertThatThrownBy(stack::start)
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining("Kafka port " + port);
      assertThat(stack.isKafkaRunning()).isFalse();
      assertThatThrownBy(stack::bootstrapServers).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void shouldFailNamingThePortWhenS3PortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(Ports.loopback(), 0));
      int port = taken.getLocalPort();

      assertThatThrownBy(() -> LocalStack.builder().optS3Port(port).build().start())
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining("S3 port " + port);
    }
  }

  @Test
  void shouldRefuseBucketWhenNameIsNotValidForS3() {
    assertThatThrownBy(() -> LocalStack.builder().optBucket("My_Bucket").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("My_Bucket");
  }

  @Test
  void shouldRefuseTopicsWhenListedTwice() {
    List<TopicSpec> topics = List.of(TopicSpec.of("a", 1), TopicSpec.compacted("a", 1));

    assertThatThrownBy(() -> LocalStack.builder().optTopics(topics).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[a]");
  }

  @Test
  void shouldRefusePortWhenOutOfRange() {
    assertThatThrownBy(() -> LocalStack.builder().optKafkaPort(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("70000");
  }

  @Test
  void shouldRefuseSamePortForBothServers() {
    assertThatThrownBy(() -> LocalStack.builder().optKafkaPort(9100).optS3Port(9100).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("9100");
  }

  @Test
  void shouldKeepSecretKeyOutOfToString() {
    LocalStack stack = LocalStack.builder().optCredentials("key", "very-secret").build();

    assertThat(stack.toString()).contains("key").doesNotContain("very-secret");
  }

  @Test
  void shouldRefuseProxyAccessWhenBuiltWithoutFaultProxies() {
    LocalStack stack = LocalStack.builder().build();

    assertThatThrownBy(stack::kafkaProxy)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("optFaultProxies(true)");
    assertThatThrownBy(stack::s3Proxy)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("optFaultProxies(true)");
  }

  @Test
  void shouldRefuseS3RestartWhenNotStarted() {
    LocalStack stack = LocalStack.builder().build();

    assertThatThrownBy(stack::startS3).isInstanceOf(IllegalStateException.class);
    assertThat(stack.isS3Running()).isFalse();
  }
}
