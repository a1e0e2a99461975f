package io.cyclegan.cli.listing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiCursorTest {

  @Test
  void shouldWriteTheCursorTheApiGivesOutForAName() {
    // The example of docs/http-api.md, "Pagination": the page ended on horse2zebra.
    assertThat(ApiCursor.of("horse2zebra")).isEqualTo("MTpob3JzZTJ6ZWJyYQ");
    assertThat(ApiCursor.name("MTpob3JzZTJ6ZWJyYQ")).isEqualTo("horse2zebra");
  }

  @Test
  void shouldRefuseACursorOfAnotherFormatSayingWhy() {
    assertThatThrownBy(() -> ApiCursor.name("Mjpob3JzZQ")) // "2:horse"
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("format this cyclegan does not read");
    assertThatThrownBy(() -> ApiCursor.name("not base64!"))
        .isInstanceOf(IllegalStateException.class);
  }
}
