package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class S3RestartIT {

  @Test
  void shouldServeEarlierObjectsOnSameEndpointWhenS3Restarted(LocalStack stack) throws Exception {
    String endpoint = stack.s3Endpoint();
    MinioClient minio = minio(stack);
    String key = "restart-" + UUID.randomUUID() + ".txt";
    byte[] body = "kept across a restart".getBytes(StandardCharsets.UTF_8);
    minio.putObject(
        PutObjectArgs.builder().bucket(stack.bucket()).object(key).stream(
                new ByteArrayInputStream(body), body.length, -1)
            .build());
    try {
      stack.stopS3();

      assertThat(stack.isS3Running()).isFalse();
      assertThat(stack.s3Endpoint()).isEqualTo(endpoint);
      assertThatThrownBy(
              () -> new Socket().connect(new InetSocketAddress(Ports.loopback(), stack.s3Port())))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("refused");
      assertThatThrownBy(() -> get(minio, stack, key)).isInstanceOf(ConnectException.class);
    } finally {
      // The stack is shared by every test of the run: bring S3 back whatever happened.
      stack.startS3();
    }

    assertThat(stack.isS3Running()).isTrue();
    assertThat(stack.s3Endpoint()).isEqualTo(endpoint);
    assertThat(get(minio, stack, key)).isEqualTo(body);
    assertThat(get(minio(stack), stack, key)).isEqualTo(body);
  }

  private static MinioClient minio(LocalStack stack) {
    return MinioClient.builder()
        .endpoint(stack.s3Endpoint())
        .credentials(stack.accessKey(), stack.secretKey())
        .region(stack.region())
        .build();
  }

  private static byte[] get(MinioClient minio, LocalStack stack, String key) throws Exception {
    try (GetObjectResponse response =
        minio.getObject(GetObjectArgs.builder().bucket(stack.bucket()).object(key).build())) {
      return response.readAllBytes();
    }
  }
}
