package io.cyclegan.inference.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.messages.ModelAnnouncement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelVersionsTest {

  private static ModelAnnouncement announcement(String version, Instant time) {
    return new ModelAnnouncement(
        ModelAnnouncement.SCHEMA,
        "m",
        version,
        "b",
        "models/m/" + version + "/",
        64,
        null,
        Map.of(),
        time,
        null,
        null);
  }

  @Test
  void shouldResolveTheNewestAnnouncedVersionUnlessPinned() {
    ModelVersions versions = new ModelVersions((m, deadline) -> Optional.empty());
    assertThat(versions.announce(announcement("v1", Instant.ofEpochSecond(10)))).isTrue();
    assertThat(versions.announce(announcement("v2", Instant.ofEpochSecond(20)))).isTrue();
    assertThat(versions.announce(announcement("v0", Instant.ofEpochSecond(5))))
        .as("a late replay of an older version")
        .isFalse();
    assertThat(versions.resolve("m", null)).isEqualTo(new ModelRef("m", "v2"));
    assertThat(versions.resolve("m", "v1")).isEqualTo(new ModelRef("m", "v1"));
  }

  @Test
  void shouldFallBackToTheLatestPointerWhenNothingWasAnnounced() {
    ModelVersions versions =
        new ModelVersions(
            (m, deadline) -> Optional.of(announcement("v7", Instant.ofEpochSecond(1))));
    assertThat(versions.resolve("m", null)).isEqualTo(new ModelRef("m", "v7"));
  }

  @Test
  void shouldNameTheModelWhenItIsUnknown() {
    ModelVersions versions = new ModelVersions((m, deadline) -> Optional.empty());
    assertThatThrownBy(() -> versions.resolve("ghost", null))
        .isInstanceOf(UnknownModelException.class)
        .hasMessageContaining("'ghost'")
        .hasMessageContaining("models/ghost/latest.json");
  }
}
