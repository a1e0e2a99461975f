package io.cyclegan.cli.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.OutputFormat;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OutputNamesTest {

  @Test
  void shouldNameOutputsAfterTheInputAndDirectionAndNumberClashes() {
    OutputNames names = new OutputNames(Path.of("out"), Direction.AtoB);

    assertThat(names.forInput(Path.of("a/horse.jpg"))).isEqualTo(Path.of("out/horse-AtoB.png"));
    assertThat(names.forInput(Path.of("b/horse.png"))).isEqualTo(Path.of("out/horse-2-AtoB.png"));
    assertThat(names.forInput(Path.of("noext"))).isEqualTo(Path.of("out/noext-AtoB.png"));
  }

  @Test
  void shouldNameJpegOutputsWithTheJpegExtension() {
    OutputNames names = new OutputNames(Path.of("out"), Direction.BtoA, OutputFormat.jpeg);

    assertThat(names.forInput(Path.of("horse.png"))).isEqualTo(Path.of("out/horse-BtoA.jpg"));
    assertThat(names.forInput(Path.of("x/horse.jpg"))).isEqualTo(Path.of("out/horse-2-BtoA.jpg"));
  }
}
