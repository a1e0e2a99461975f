package io.cyclegan.common.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListCursorTest {

  @Test
  void shouldWriteTheDocumentedVersionOneFormatAndReadItBack() {
    // docs/http-api.md's example: base64url("1:horse2zebra") without padding.
    assertThat(ListCursor.of("horse2zebra")).isEqualTo("MTpob3JzZTJ6ZWJyYQ");
    assertThat(ListCursor.name("MTpob3JzZTJ6ZWJyYQ")).isEqualTo("horse2zebra");
    String key = "datasets/d/A/" + "f".repeat(64) + ".png";
    assertThat(ListCursor.name(ListCursor.of(key))).isEqualTo(key);
  }

  @Test
  void shouldRefuseCursorsItDidNotWrite() {
    for (String bad :
        new String[] {
          "Mjpob3JzZQ", // "2:horse": another version
          "not base64!",
          "MTo", // "1:": no name
          ListCursor.of("a\r\nb"), // control characters
          "A".repeat(ListCursor.MAX_CHARS + 1),
          ""
        }) {
      assertThatThrownBy(() -> ListCursor.name(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> ListCursor.name(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
