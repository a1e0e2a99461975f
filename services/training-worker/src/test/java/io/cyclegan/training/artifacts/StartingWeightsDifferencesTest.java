package io.cyclegan.training.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.model.CycleGanConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartingWeightsDifferencesTest {

  private static Map<String, Object> published(Map<String, Object> params) {
    return Map.of("params", params);
  }

  @Test
  void shouldNameEveryArchitectureParamThatDiffers() {
    CycleGanConfig job =
        CycleGanConfig.fromParams(
            Map.of("imageSize", 128, "generator", "unet_128", "norm", "batch", "ngf", 8));
    Map<String, Object> version = CycleGanConfig.fromParams(Map.of("ngf", 8)).toParams();

    assertThat(StartingWeights.differences(published(version), job, false))
        .containsExactly(
            "generator: version resnet_9blocks, job unet_128",
            "generatorBlocks: version 9, job 0",
            "norm: version instance, job batch");
  }

  @Test
  void shouldCompareDiscriminatorParamsOnlyWithDiscriminators() {
    CycleGanConfig job =
        CycleGanConfig.fromParams(Map.of("discriminator", "n_layers", "discriminatorLayers", 2));
    Map<String, Object> version = CycleGanConfig.defaults().toParams();

    assertThat(StartingWeights.differences(published(version), job, false)).isEmpty();
    assertThat(StartingWeights.differences(published(version), job, true))
        .containsExactly(
            "discriminator: version basic, job n_layers", "discriminatorLayers: version 3, job 2");
  }

  @Test
  void shouldTakeAVersionWithoutTheNewParamsAsTheirDefaults() {
    Map<String, Object> old = Map.of("generatorBlocks", 6, "ngf", 64.0, "ndf", 64);
    CycleGanConfig same = CycleGanConfig.fromParams(Map.of("generator", "resnet_6blocks"));
    CycleGanConfig gray =
        CycleGanConfig.fromParams(
            Map.of("generatorBlocks", 6, "inputChannels", 1, "outputChannels", 1));

    assertThat(StartingWeights.differences(published(old), same, true)).isEmpty();
    assertThat(StartingWeights.differences(published(old), gray, true))
        .containsExactly("inputChannels: version 3, job 1", "outputChannels: version 3, job 1");
  }
}
