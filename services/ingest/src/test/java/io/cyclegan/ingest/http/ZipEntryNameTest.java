package io.cyclegan.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ZipEntryNameTest {

  @Test
  void shouldKeepOnlyTheBaseNameWhenImagesAreInNestedFolders() {
    assertThat(ZipEntryName.of("horses/brown/h1.JPG")).isEqualTo(new ZipEntryName.Image("h1.JPG"));
    assertThat(ZipEntryName.of("z.png")).isEqualTo(new ZipEntryName.Image("z.png"));
    assertThat(ZipEntryName.of("a\\b\\c.jpeg")).isEqualTo(new ZipEntryName.Image("c.jpeg"));
  }

  @Test
  void shouldRefusePathsThatLeaveTheArchive() {
    assertThat(ZipEntryName.of("../../x.png")).isInstanceOf(ZipEntryName.Unsafe.class);
    assertThat(ZipEntryName.of("a/../../x.png")).isInstanceOf(ZipEntryName.Unsafe.class);
    assertThat(ZipEntryName.of("..\\x.png")).isInstanceOf(ZipEntryName.Unsafe.class);
    assertThat(ZipEntryName.of("/etc/x.png")).isInstanceOf(ZipEntryName.Unsafe.class);
    assertThat(ZipEntryName.of("\\\\server\\x.png")).isInstanceOf(ZipEntryName.Unsafe.class);
    assertThat(ZipEntryName.of("C:\\x.png")).isInstanceOf(ZipEntryName.Unsafe.class);
    assertThat(ZipEntryName.of("a/x\u0000.png")).isInstanceOf(ZipEntryName.Unsafe.class);
    assertThat(ZipEntryName.of("")).isInstanceOf(ZipEntryName.Unsafe.class);
  }

  @Test
  void shouldAcceptNamesThatOnlyLookLikeTraversal() {
    assertThat(ZipEntryName.of("...png/x.png")).isEqualTo(new ZipEntryName.Image("x.png"));
    assertThat(ZipEntryName.of("a..b.png")).isEqualTo(new ZipEntryName.Image("a..b.png"));
  }

  @Test
  void shouldSkipFilesThatAreNoImagesByName() {
    assertThat(ZipEntryName.of("docs/readme.txt")).isInstanceOf(ZipEntryName.Skip.class);
    assertThat(ZipEntryName.of("LICENSE")).isInstanceOf(ZipEntryName.Skip.class);
    assertThat(ZipEntryName.of("a/.DS_Store")).isInstanceOf(ZipEntryName.Skip.class);
    assertThat(ZipEntryName.of("__MACOSX/a/._x.png")).isInstanceOf(ZipEntryName.Skip.class);
  }

  @Test
  void shouldLetUnsupportedImageFormatsThroughToValidationWhenNamedAsImages() {
    // The validator then names the format, which tells the user more than "skipped".
    assertThat(ZipEntryName.of("anim.gif")).isEqualTo(new ZipEntryName.Image("anim.gif"));
  }
}
