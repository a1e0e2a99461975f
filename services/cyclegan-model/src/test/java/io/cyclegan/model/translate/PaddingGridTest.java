package io.cyclegan.model.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PaddingGridTest {

  @Test
  void shouldRoundUpToTheNextMultipleOfFourWhenEdgeIsOffGrid() {
    assertThat(PaddingGrid.roundUp(5)).isEqualTo(8);
    assertThat(PaddingGrid.roundUp(62)).isEqualTo(64);
    assertThat(PaddingGrid.roundUp(63)).isEqualTo(64);
  }

  @Test
  void shouldKeepTheEdgeWhenItIsOnGrid() {
    assertThat(PaddingGrid.roundUp(0)).isZero();
    assertThat(PaddingGrid.roundUp(64)).isEqualTo(64);
  }

  @Test
  void shouldRefuseANegativeEdge() {
    assertThatThrownBy(() -> PaddingGrid.roundUp(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
