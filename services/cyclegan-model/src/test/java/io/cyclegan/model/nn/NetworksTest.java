package io.cyclegan.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworksTest {

  @ParameterizedTest
  @CsvSource({"9, 64, 11378179", "6, 64, 7837699"})
  void shouldHaveReferenceParameterCountWhenGenerator(int blocks, int ngf, long expected) {
    try (NDManager m = NDManager.newBaseManager();
        ResnetGenerator g = new ResnetGenerator(m, "G", blocks, ngf)) {
      assertThat(g.parameterCount()).isEqualTo(expected);
      assertThat(g.parameters()).containsKeys("model.1.weight", "model.10.conv_block.5.bias");
    }
  }

  @ParameterizedTest
  @CsvSource({"64, 2764737"})
  void shouldHaveReferenceParameterCountWhenPatchGan(int ndf, long expected) {
    try (NDManager m = NDManager.newBaseManager();
        PatchDiscriminator d = new PatchDiscriminator(m, "D", ndf)) {
      assertThat(d.parameterCount()).isEqualTo(expected);
      assertThat(d.parameters()).containsKeys("model.0.weight", "model.11.bias");
    }
  }

  @ParameterizedTest
  @CsvSource({"256, 9, 30", "128, 6, 14", "64, 6, 6"})
  void shouldKeepImageSizeAndGivePatchMapWhenForward(int size, int blocks, int patches) {
    // Narrow networks keep this fast; the shapes do not depend on the width.
    try (NDManager m = NDManager.newBaseManager();
        ResnetGenerator g = new ResnetGenerator(m, "G", blocks, 4);
        PatchDiscriminator d = new PatchDiscriminator(m, "D", 4)) {
      g.initialize(1);
      d.initialize(2);
      NDArray x = m.randomUniform(-1, 1, new Shape(2, 3, size, size));
      NDArray y = g.forward(x);
      assertThat(y.getShape()).isEqualTo(new Shape(2, 3, size, size));
      assertThat(y.abs().max().getFloat()).isLessThanOrEqualTo(1f);
      assertThat(d.forward(y).getShape()).isEqualTo(new Shape(2, 1, patches, patches));
    }
  }
}
