package io.cyclegan.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.ingest.routing.RejectReason;
import io.cyclegan.ingest.routing.RejectedInputException;
import org.junit.jupiter.api.Test;

class ApiExceptionTest {

  @Test
  void shouldMapEachRefusalToTheStatusAClientExpects() {
    assertThat(ApiException.statusOf(RejectReason.TOO_LARGE)).isEqualTo(413);
    assertThat(ApiException.statusOf(RejectReason.TOO_MANY_PIXELS)).isEqualTo(413);
    assertThat(ApiException.statusOf(RejectReason.UNSUPPORTED_FORMAT)).isEqualTo(415);
    assertThat(ApiException.statusOf(RejectReason.TEXT_NOT_IMAGE)).isEqualTo(415);
    assertThat(ApiException.statusOf(RejectReason.FORMAT_MISMATCH)).isEqualTo(415);
    assertThat(ApiException.statusOf(RejectReason.UNKNOWN_FORMAT)).isEqualTo(415);
    assertThat(ApiException.statusOf(RejectReason.TRUNCATED)).isEqualTo(400);
    assertThat(ApiException.statusOf(RejectReason.INVALID_DATASET)).isEqualTo(400);
    assertThat(ApiException.statusOf(RejectReason.UNEXPECTED)).isEqualTo(500);
  }

  @Test
  void shouldCarryTheReasonAndItsPrefixedMessageWhenMadeFromARefusal() {
    ApiException e =
        ApiException.of(
            new RejectedInputException(RejectReason.MISSING_MODEL, "missing header cg-model"));

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.reason()).isEqualTo("MISSING_MODEL");
    assertThat(e.getMessage()).isEqualTo("MISSING_MODEL: missing header cg-model");
  }
}
