package io.cyclegan.inference.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.inference.TestModels;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InputImagesTest {

  @Test
  void shouldScaleDownKeepingTheAspectWhenTheLongerEdgeExceedsTheMaximum() {
    assertThat(InputImages.scaledSize(2000, 1000, 1024)).containsExactly(1024, 512);
    assertThat(InputImages.scaledSize(300, 1200, 600)).containsExactly(150, 600);
    assertThat(InputImages.scaledSize(64, 40, 64)).containsExactly(64, 40);
  }

  @Test
  void shouldReportScalingAndPadToAMultipleOfFour() {
    PreparedImage im = InputImages.prepare(TestModels.image(100, 50, 1), 64);
    assertThat(im.scaledDown()).isTrue();
    assertThat(im.width()).isEqualTo(64);
    assertThat(im.height()).isEqualTo(32);
    PreparedImage odd = InputImages.prepare(TestModels.image(30, 21, 1), 64);
    assertThat(odd.scaledDown()).isFalse();
    assertThat(odd.paddedWidth()).isEqualTo(32);
    assertThat(odd.paddedHeight()).isEqualTo(24);
    assertThat(odd.chw()).hasSize(3 * 32 * 24);
  }

  @Test
  void shouldSizeTheInputAsTheModelsOwnPreprocess() throws Exception {
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(TestModels.image(120, 90, 3), "png", png);
    byte[] cropping =
        TestModels.generators(4, 1, 5, io.cyclegan.model.data.Preprocess.RESIZE_AND_CROP);
    try (var translator = TestModels.translator(cropping)) {
      PreparedImage im = InputImages.prepare(png.toByteArray(), 1024, translator::preprocess);
      // resize_and_crop at imageSize 64: a centred 64 px crop of a 72 px square
      assertThat(im.width()).isEqualTo(64);
      assertThat(im.height()).isEqualTo(64);
      assertThat(im.originalWidth()).isEqualTo(64);
    }
    try (var translator = TestModels.translator(TestModels.generators(4, 1, 5))) {
      PreparedImage im = InputImages.prepare(png.toByteArray(), 1024, translator::preprocess);
      assertThat(im.width()).isEqualTo(120);
      assertThat(im.height()).isEqualTo(90);
    }
  }

  @Test
  void shouldPadByReflectionWithoutRepeatingTheEdge() {
    // One channel row [0 1 2 3 4] padded to 7 columns: ... 4 | 3 2.
    float[] chw = new float[3 * 5 * 5];
    for (int i = 0; i < chw.length; i++) {
      chw[i] = i % 5 + 10 * ((i / 5) % 5);
    }
    float[] out = InputImages.padReflect(chw, 5, 5, 7, 7);
    assertThat(java.util.Arrays.copyOfRange(out, 0, 7)).containsExactly(0, 1, 2, 3, 4, 3, 2);
    // Row 5 mirrors row 3, row 6 mirrors row 2.
    assertThat(out[5 * 7]).isEqualTo(30);
    assertThat(out[6 * 7 + 6]).isEqualTo(22);
  }

  @Test
  void shouldRefuseBytesThatAreNotAnImage() {
    assertThatThrownBy(() -> InputImages.prepare("nope".getBytes(StandardCharsets.UTF_8), 64))
        .isInstanceOf(UnreadableImageException.class)
        .hasMessageContaining("not a readable image");
  }

  @Test
  void shouldRefuseImagesSmallerThanTheGeneratorAccepts() {
    assertThatThrownBy(() -> InputImages.prepare(TestModels.image(4, 30, 1), 64))
        .isInstanceOf(UnreadableImageException.class)
        .hasMessageContaining("4x30");
  }
}
