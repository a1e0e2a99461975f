package io.cyclegan.training.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.config.ConfigException;
import io.cyclegan.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPublishersTest {

  @Test
  void shouldLetOnlyTheListedPrincipalsPublishAProtectedModelAndAnyoneAnOpenOne(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("publishers.properties");
    Files.writeString(file, "horse=carol\n");
    ModelPublishers p =
        ModelPublishers.fromEnv(
            new Env(
                Map.of(
                    "CYCLEGAN_MODEL_PUBLISHERS",
                    "zebra=alice, bob",
                    "CYCLEGAN_MODEL_PUBLISHERS_FILE",
                    file.toString())));

    assertThat(p.allows("zebra", "alice")).isTrue();
    assertThat(p.allows("zebra", "bob")).isTrue();
    assertThat(p.allows("zebra", "mallory")).isFalse();
    assertThat(p.allows("zebra", null)).isFalse();
    assertThat(p.allows("horse", "carol")).isTrue();
    assertThat(p.allows("horse", "alice")).isFalse();
    assertThat(p.allows("open", null)).isTrue();
  }

  @Test
  void shouldRefusePathLikeModelsAndPrincipalsInTheList() {
    assertThatThrownBy(
            () -> ModelPublishers.fromEnv(new Env(Map.of("CYCLEGAN_MODEL_PUBLISHERS", "../x=a"))))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(
            () ->
                ModelPublishers.fromEnv(new Env(Map.of("CYCLEGAN_MODEL_PUBLISHERS", "zebra=a\nb"))))
        .isInstanceOf(ConfigException.class);
  }
}
