package io.cyclegan.common.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"horse2zebra", "a", "v1.2", "my_model-3", "0abc"})
  void shouldAcceptValidNames(String name) {
    assertThat(Names.require("dataset", name)).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "A/B", "", " ", "Zebra", "-x", ".hidden", "a..b", "a/b", "x\n"})
  void shouldRefuseBadNames(String name) {
    assertThatThrownBy(() -> Names.require("dataset", name))
        .isInstanceOf(Names.InvalidNameException.class)
        .hasMessageContaining("invalid dataset");
  }

  @Test
  void shouldRefuseNullAndHundredCharacterNames() {
    assertThatThrownBy(() -> Names.require("model", null))
        .isInstanceOf(Names.InvalidNameException.class);
    assertThatThrownBy(() -> Names.require("model", "a".repeat(100)))
        .isInstanceOf(Names.InvalidNameException.class)
        .hasMessageContaining("1-63 characters");
    assertThat(Names.isValid("a".repeat(63))).isTrue();
  }

  @Test
  void shouldBuildKeysOnlyFromValidNames() {
    assertThat(ObjectKeys.datasetImage("h2z", "A", "ab".repeat(32)))
        .isEqualTo("datasets/h2z/A/" + "ab".repeat(32) + ".png");
    assertThat(ObjectKeys.resultOutput("Req-1")).isEqualTo("results/Req-1/output.png");
    assertThatThrownBy(() -> ObjectKeys.jobState("../../etc"))
        .isInstanceOf(Names.InvalidNameException.class);
    assertThatThrownBy(() -> ObjectKeys.requestInput("a/../b"))
        .isInstanceOf(Names.InvalidNameException.class);
    assertThatThrownBy(() -> ObjectKeys.datasetDomainPrefix("h2z", "C"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("domain");
  }
}
