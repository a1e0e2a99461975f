package io.cyclegan.inference.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.store.StoreException;
import io.cyclegan.common.store.StoreUnavailableException;
import io.cyclegan.common.trust.ReasonCode;
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
    assertThat(
            new RequestFailure("claim-check", ReasonCode.BAD_CLAIM_CHECK, "x", "bad claim check")
                .isTransient())
        .isFalse();
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
            "DEADLINE_EXCEEDED: not answered within the request's deadline of 600 s: the object store was"
                + " unavailable (at stage input)");
    assertThat(last.getMessage()).doesNotContain("127.0.0.1").doesNotContain("9000");
  }

  @Test
  void shouldShowNoExceptionTextOfAStoreErrorToTheCaller() {
    RequestFailure f =
        new RequestFailure(
            "input",
            new StoreException(
                "object store: get requests/r/input.png in bucket secret-bucket at"
                    + " http://minio.internal:9000 failed",
                null));
    assertThat(f.reason()).isEqualTo(ReasonCode.INTERNAL);
    assertThat(f.getMessage())
        .startsWith("INTERNAL: ")
        .doesNotContain("secret-bucket")
        .doesNotContain("minio.internal");
    assertThat(f.detail()).contains("secret-bucket");
  }

  @Test
  void shouldNameTheModelButNotItsStoreWhenItDoesNotLoad() {
    RequestFailure f =
        new RequestFailure(
            "model",
            new ModelLoadException(
                "cannot load model: GET http://minio.internal:9000/cyclegan/models/m failed",
                null));
    assertThat(f.getMessage())
        .isEqualTo("MODEL_LOAD_FAILED: the model's files could not be loaded")
        .doesNotContain("minio");
  }
}
