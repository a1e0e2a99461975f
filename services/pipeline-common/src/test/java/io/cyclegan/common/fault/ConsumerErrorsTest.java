package io.cyclegan.common.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.store.StoreException;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class ConsumerErrorsTest {

  @Test
  void shouldStopWhenNoRetryCanHelp() {
    assertThat(ConsumerErrors.classify(new SaslAuthenticationException("bad password")))
        .isEqualTo(ConsumerErrors.Action.STOP);
    assertThat(ConsumerErrors.classify(new GroupAuthorizationException("no rights")))
        .isEqualTo(ConsumerErrors.Action.STOP);
    assertThat(ConsumerErrors.classify(new FencedInstanceIdException("same id twice")))
        .isEqualTo(ConsumerErrors.Action.STOP);
  }

  @Test
  void shouldResetWhenTheCommittedOffsetIsGone() {
    assertThat(
            ConsumerErrors.classify(
                new OffsetOutOfRangeException(Map.of(new TopicPartition("t", 0), 5L))))
        .isEqualTo(ConsumerErrors.Action.RESET_OFFSETS);
  }

  @Test
  void shouldRetryTheBatchWhenAnOutputCouldNotBeMadeDurable() {
    assertThat(ConsumerErrors.classify(new TimeoutException("broker slow")))
        .isEqualTo(ConsumerErrors.Action.RETRY_BATCH);
    assertThat(ConsumerErrors.classify(new StoreException("store down", null)))
        .isEqualTo(ConsumerErrors.Action.RETRY_BATCH);
    assertThat(
            ConsumerErrors.classify(
                new io.cyclegan.common.store.StoreUnavailableException("store away", null)))
        .isEqualTo(ConsumerErrors.Action.RETRY_BATCH);
  }
}
