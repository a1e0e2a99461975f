package io.cyclegan.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.store.StoreException;
import io.cyclegan.common.store.StoreUnavailableException;
import io.cyclegan.inference.images.UnreadableImageException;
import io.cyclegan.inference.models.ModelLoadException;
import java.io.EOFException;
import java.net.ConnectException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class RequestFailureTest {

  @Test
  void shouldCallStoreAndBrokerOutagesTransient() {
    assertThat(
            new RequestFailure(
                    "input", new StoreUnavailableException("away", new ConnectException()))
                .isTransient())
        .isTrue();
    assertThat(new RequestFailure("result", new TimeoutException("not in metadata")).isTransient())
        .isTrue();
  }

  @Test
  void shouldCallTheWorkersOwnVerdictsPermanentWhateverTheyWrap() {
    assertThat(
            new RequestFailure(
                    "model", new ModelLoadException("truncated", new EOFException("end of file")))
                .isTransient())
        .isFalse();
    assertThat(
            new RequestFailure("input", new UnreadableImageException("not an image", null))
                .isTransient())
        .isFalse();
    assertThat(new RequestFailure("input", new StoreException("AccessDenied", null)).isTransient())
        .isFalse();
    assertThat(new RequestFailure("claim-check", "x", "bad claim check").isTransient()).isFalse();
  }

  @Test
  void shouldNameTheDependencyButNoAddressWhenTheDeadlinePasses() {
    RequestFailure last =
        new RequestFailure(
            "input",
            new StoreUnavailableException(
                "object store: get k failed: ConnectException: Failed to connect to"
                    + " /127.0.0.1:9000",
                new ConnectException()));
    RequestFailure f = RequestFailure.deadline(last, 600);
    assertThat(f.stage()).isEqualTo("deadline");
    assertThat(f.getMessage())
        .isEqualTo(
            "not answered within the request's deadline of 600 s: the object store was"
                + " unavailable (at stage input)");
    assertThat(last.getMessage()).doesNotContain("127.0.0.1").doesNotContain("9000");
  }

  @Test
  void shouldRemoveUrlsAndHostPortsFromMessages() {
    assertThat(RequestFailure.safe("GET http://minio.internal:9000/cyclegan/x failed"))
        .isEqualTo("GET <address> failed");
    assertThat(RequestFailure.safe("connect to /10.1.2.3:9092 refused"))
        .isEqualTo("connect to <address> refused");
    assertThat(RequestFailure.safe("minio.internal:9000 timed out"))
        .isEqualTo("<address> timed out");
  }
}
