package io.cyclegan.common.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeadLetterCursorTest {

  @Test
  void shouldReadBackWhatItWrote() {
    DeadLetterCursor cursor = new DeadLetterCursor(Map.of(1, 7L, 0, 5L), Map.of(0, 9L, 1, 7L));

    assertThat(cursor.text()).isEqualTo("0=5:9,1=7:7");
    assertThat(DeadLetterCursor.parse(cursor.text())).isEqualTo(cursor);
  }

  @Test
  void shouldAcceptAPositionWithoutAStop() {
    DeadLetterCursor cursor = DeadLetterCursor.parse("0=3,2=4:8");

    assertThat(cursor.next()).isEqualTo(Map.of(0, 3L, 2, 4L));
    assertThat(cursor.stop()).isEqualTo(Map.of(2, 8L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0", "0=-5", "-1=2", "0=1,0=2", "0=5:4", "0=1:2:3", "x=1", "0=1;"})
  void shouldRefuseWhatItDidNotWrite(String forged) {
    assertThatThrownBy(() -> DeadLetterCursor.parse(forged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a dead-letter cursor");
  }
}
