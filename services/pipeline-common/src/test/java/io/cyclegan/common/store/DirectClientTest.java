package io.cyclegan.common.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import io.minio.GetObjectArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The lean GET and PUT path against MinIO's own, on the same error answers from a server: the
 * callers tell transient from permanent faults, and a missing object from an error, by the
 * exceptions MinIO throws, so the lean path must throw the same, through OkHttp and through {@link
 * PlainHttp}. (Its success path runs against the embedded S3 server, which checks every signature:
 * {@code ObjectStoreIT}, {@code ObjectStoreTlsIT}.)
 */
class DirectClientTest {
  private HttpServer server;
  private final AtomicReference<Answer> answer = new AtomicReference<>();
  private MinioClient minio;
  private DirectClient direct;
  private DirectClient plain;

  private record Answer(int status, String contentType, String body) {}

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          Answer a = answer.get();
          byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
          if (a.contentType() != null) {
            exchange.getResponseHeaders().add("Content-Type", a.contentType());
          }
          exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
    var http =
        ObjectStore.httpClient(Duration.ofSeconds(3), Duration.ofSeconds(5), Optional.empty());
    minio =
        MinioClient.builder()
            .endpoint(endpoint)
            .region("us-east-1")
            .credentials("access", "secret")
            .httpClient(http)
            .build();
    MinioAsyncClient base =
        MinioAsyncClient.builder()
            .endpoint(endpoint)
            .region("us-east-1")
            .credentials("access", "secret")
            .httpClient(http)
            .build();
    direct = new DirectClient(base);
    plain =
        new DirectClient(
            base, PlainHttp.forEndpoint(endpoint, Duration.ofSeconds(3), Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @ParameterizedTest(name = "{0} {1}: {3}, {4}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "404|application/xml|<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>|S3 error document|ErrorResponseException",
        "503|application/xml|<Error><Code>SlowDown</Code><Message>later</Message></Error>|throttled|ErrorResponseException",
        "403|application/xml; charset=utf-8|<Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>|bad signature|ErrorResponseException",
        "502|text/html|<html>bad gateway</html>|a proxy's page|InvalidResponseException",
        "500|NULL||nothing at all|InvalidResponseException",
        "500|application/xml||an empty XML answer|InvalidResponseException",
        "304|NULL||an empty 304|ServerException",
      })
  void shouldThrowWhatMinioThrowsForAnErrorAnswer(
      int status, String contentType, String body, String what, String thrown) throws Exception {
    answer.set(new Answer(status, contentType, body == null ? "" : body));

    Throwable minioGet =
        catchThrowable(
            () -> minio.getObject(GetObjectArgs.builder().bucket("bucket").object("key").build()));
    Throwable directGet =
        catchThrowable(
            () -> direct.get(GetObjectArgs.builder().bucket("bucket").object("key").build()));
    Throwable minioPut = catchThrowable(() -> minio.putObject(putArgs()));
    Throwable directPut = catchThrowable(() -> direct.put(putArgs(), bytes()));
    Throwable plainGet =
        catchThrowable(
            () -> plain.get(GetObjectArgs.builder().bucket("bucket").object("key").build()));
    Throwable plainPut = catchThrowable(() -> plain.put(putArgs(), bytes()));

    // What MinIO throws, so that the comparison below is about an answer, not a refused argument.
    assertThat(minioGet.getClass().getSimpleName()).isEqualTo(thrown);
    assertThat(minioPut.getClass().getSimpleName()).isEqualTo(thrown);
    assertSameFault(directGet, minioGet);
    assertSameFault(directPut, minioPut);
    assertSameFault(plainGet, minioGet);
    assertSameFault(plainPut, minioPut);
  }

  private static byte[] bytes() {
    return "payload".getBytes(StandardCharsets.UTF_8);
  }

  private static PutObjectArgs putArgs() {
    return PutObjectArgs.builder().bucket("bucket").object("key").contentType("text/plain").stream(
            new ByteArrayInputStream(bytes()), bytes().length, -1)
        .build();
  }

  private static void assertSameFault(Throwable ours, Throwable theirs) {
    assertThat(theirs).isNotNull();
    assertThat(ours).isNotNull().hasSameClassAs(theirs).hasMessage(theirs.getMessage());
    if (theirs instanceof ErrorResponseException e) {
      ErrorResponseException o = (ErrorResponseException) ours;
      assertThat(o.errorResponse().code()).isEqualTo(e.errorResponse().code());
      assertThat(o.errorResponse().message()).isEqualTo(e.errorResponse().message());
      assertThat(o.response().code()).isEqualTo(e.response().code());
    }
    if (theirs instanceof ServerException e) {
      assertThat(((ServerException) ours).statusCode()).isEqualTo(e.statusCode());
    }
    if (theirs instanceof InvalidResponseException) {
      assertThat(ours).isInstanceOf(InvalidResponseException.class);
    }
    assertThat(ObjectStore.isTransient(ours)).isEqualTo(ObjectStore.isTransient(theirs));
  }
}
