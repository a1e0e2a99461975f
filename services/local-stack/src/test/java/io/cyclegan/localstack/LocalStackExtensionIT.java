package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class LocalStackExtensionIT {

  private final LocalStack fromConstructor;

  LocalStackExtensionIT(LocalStack stack) {
    this.fromConstructor = stack;
  }

  @Test
  void shouldGiveOneSharedRunningStackWhenAskedInAnyWay(LocalStack fromMethod) {
    assertThat(fromMethod).isSameAs(fromConstructor).isSameAs(LocalStackExtension.sharedStack());
    assertThat(fromMethod.isKafkaRunning()).isTrue();
    assertThat(fromMethod.bootstrapServers()).startsWith("127.0.0.1:");
    assertThat(fromMethod.s3Endpoint()).startsWith("http://127.0.0.1:");
    assertThat(fromMethod.region()).isEqualTo("us-east-1");
    assertThat(fromMethod.bucket()).isEqualTo("cyclegan");
    assertThat(fromMethod.accessKey()).isEqualTo("cyclegan");
    assertThat(fromMethod.secretKey()).isEqualTo("cyclegan-secret");
  }
}
