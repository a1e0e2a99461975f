package io.cyclegan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingParametersTest {

  @Test
  void shouldDeclareEveryConfigComponentInTheTableInOrder() {
    assertThat(
            Arrays.stream(CycleGanConfig.class.getRecordComponents())
                .map(RecordComponent::getName)
                .toList())
        .isEqualTo(TrainingParameters.names());
  }

  @Test
  void shouldOfferABuilderMethodForEveryParameter() {
    for (TrainingParameter p : TrainingParameters.ALL) {
      String method =
          "opt" + p.name().substring(0, 1).toUpperCase(Locale.ROOT) + p.name().substring(1);
      assertThat(Arrays.stream(CycleGanConfig.Builder.class.getMethods()).map(Method::getName))
          .as("builder method for %s", p.name())
          .contains(method);
    }
  }

  @Test
  void shouldGiveEveryParameterADocAndADefaultThatValidates() {
    Map<String, Object> defaults = CycleGanConfig.defaults().toParams();
    for (TrainingParameter p : TrainingParameters.ALL) {
      assertThat(p.doc()).as(p.name()).isNotBlank();
      assertThat(p.defaultValue() != null || p.defaultRule() != null).as(p.name()).isTrue();
      assertThat(defaults).containsKey(p.name());
    }
  }

  @Test
  void shouldRefuseAValueJustOutsideEachLowerBound() {
    for (TrainingParameter p : TrainingParameters.ALL) {
      if (p.min() == null) {
        continue;
      }
      double outside = p.minExclusive() ? p.min() : p.min() - 1;
      Object value = p.kind() == TrainingParameter.Kind.NUMBER ? outside : (Object) (long) outside;
      assertThatThrownBy(() -> CycleGanConfig.fromParams(Map.of(p.name(), value)))
          .as(p.name())
          .hasMessageStartingWith(p.name() + " must be");
    }
  }

  @Test
  void shouldTurnAnIgnoreCaseJavaPatternIntoAnEcmaOne() {
    assertThat(TrainingParameter.ecmaPattern("(?i)cpu|gpu:\\d+"))
        .isEqualTo("^([cC][pP][uU]|[gG][pP][uU]:[0-9]+)$");
  }
}
