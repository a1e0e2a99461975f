package io.cyclegan.ingest.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.image.ImageRejectedException;
import org.junit.jupiter.api.Test;

class RejectReasonTest {

  @Test
  void shouldHaveAValidationReasonForEveryReasonTheValidatorGives() {
    // A reason with no counterpart here would fail its whole batch, and the batch is retried.
    for (ImageRejectedException.Reason reason : ImageRejectedException.Reason.values()) {
      assertThat(RejectReason.of(reason).name()).isEqualTo(reason.name());
      assertThat(RejectReason.of(reason).stage()).isEqualTo(RejectReason.Stage.VALIDATE);
    }
  }
}
