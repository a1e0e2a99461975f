package io.cyclegan.model.interop;

import static io.cyclegan.model.interop.Fixtures.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StateDictMappingTest {

  private static StateDict fixture;

  @BeforeAll
  static void read() throws Exception {
    fixture = PthReader.read(Fixtures.file("generator.pth"));
  }

  @Test
  void shouldInferNgfAndBlocksFromTheFixture() {
    StateDictMapping.Generator g = StateDictMapping.generator(fixture);
    assertThat(g.ngf()).isEqualTo(8);
    assertThat(g.blocks()).isEqualTo(3);
    assertThat(g.tensors()).hasSize(24);
    assertThat(g.dropped()).isEmpty();
  }

  @Test
  void shouldInferTheOfficialNineBlockLayout() {
    Map<String, HostTensor> t = zeros(OfficialLayout.generator(9, 2));
    StateDictMapping.Generator g = StateDictMapping.generator(StateDict.of(t));
    assertThat(g.blocks()).isEqualTo(9);
    assertThat(g.ngf()).isEqualTo(2);
  }

  @Test
  void shouldRefuseAWrongShapeNamingTheTensor() {
    Map<String, HostTensor> t = copy();
    t.put("model.13.weight", zeros(new long[] {32, 8, 3, 3}));
    assertThatThrownBy(() -> StateDictMapping.generator(StateDict.of(t)))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessage(
            "tensor model.13.weight has shape [32, 8, 3, 3], expected [32, 16, 3, 3] for a"
                + " ResnetGenerator with ngf 8 and 3 residual blocks");
  }

  @Test
  void shouldRefuseAMissingTensorNamingIt() {
    Map<String, HostTensor> t = copy();
    t.remove("model.16.bias");
    assertThatThrownBy(() -> StateDictMapping.generator(StateDict.of(t)))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessageContaining("tensor model.16.bias is missing");
  }

  @Test
  void shouldReadNormParametersAsBatchNormAndRefuseTheInstanceNormBiases() {
    Map<String, HostTensor> t = copy();
    t.put("model.2.weight", zeros(new long[] {8}));
    t.put("model.2.running_mean", zeros(new long[] {8}));
    assertThatThrownBy(() -> StateDictMapping.generator(StateDict.of(t)))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessage(
            "unexpected tensor model.1.bias for a ResnetGenerator with ngf 8 and 3 residual"
                + " blocks, norm batch");
  }

  @Test
  void shouldMapAUnet() {
    NetworkSpec spec =
        NetworkSpec.builder().optGenerator(NetworkSpec.Generator.UNET_256).optNgf(2).build();
    Map<String, HostTensor> t = zeros(OfficialLayout.generator(spec));
    assertThat(StateDictMapping.generator(StateDict.of(t)).spec()).isEqualTo(spec);
  }

  @Test
  void shouldNameAUnetAsAUnetWhenItsShapesDoNotMatchOrItIsImported() {
    NetworkSpec spec =
        NetworkSpec.builder().optGenerator(NetworkSpec.Generator.UNET_256).optNgf(2).build();
    Map<String, HostTensor> t = zeros(OfficialLayout.generator(spec));
    assertThat(ModelImport.of(StateDict.of(t), null).describe())
        .isEqualTo("a UnetGenerator (unet_256) with ngf 2");

    t.put("model.model.1.model.1.weight", zeros(new long[] {4, 4, 4, 4}));
    assertThatThrownBy(() -> ModelImport.of(StateDict.of(t), null))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessage(
            "AtoB generator: tensor model.model.1.model.1.weight has shape [4, 4, 4, 4], expected"
                + " [4, 2, 4, 4] for a UnetGenerator (unet_256) with ngf 2");
  }

  @Test
  void shouldRecordAnImportedUnetAsTheParamsOfAJobWithTheSameGenerator() {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optGenerator(NetworkSpec.Generator.UNET_256)
            .optNorm(Norm.BATCH)
            .optNgf(2)
            .build();
    ModelImport imported =
        ModelImport.of(StateDict.of(zeros(OfficialLayout.generator(spec))), null);

    // A fine-tuning job compares its params with these (StartingWeights.differences): a job
    // asking for the same generator must read back the same generator side of the network.
    NetworkSpec recorded = NetworkSpec.of(CycleGanConfig.fromParams(imported.hyperparameters(256)));
    assertThat(recorded.generator()).isEqualTo(NetworkSpec.Generator.UNET_256);
    assertThat(recorded.generatorBlocks()).isZero();
    assertThat(recorded.norm()).isEqualTo(Norm.BATCH);
    assertThat(recorded.dropout()).isEqualTo(imported.network().dropout());
    assertThat(recorded.ngf()).isEqualTo(2);
    assertThat(recorded.inputChannels()).isEqualTo(imported.network().inputChannels());
    assertThat(recorded.outputChannels()).isEqualTo(imported.network().outputChannels());
  }

  @Test
  void shouldDescribeAnImportedResnetByItsBlocks() {
    assertThat(ModelImport.of(fixture, null).describe())
        .isEqualTo("a ResnetGenerator with ngf 8 and 3 residual blocks");
  }

  @Test
  void shouldAcceptDataParallelPrefixesAndDropStaleInstanceNormStatistics() {
    Map<String, HostTensor> t = new LinkedHashMap<>();
    copy().forEach((k, v) -> t.put("module." + k, v));
    t.put("module.model.2.running_mean", zeros(new long[] {8}));
    StateDict sd = new StateDict(t, Map.of("module.model.2.num_batches_tracked", "int64"));
    StateDictMapping.Generator g = StateDictMapping.generator(sd);
    assertThat(g.tensors().keySet()).containsExactlyElementsOf(fixture.tensors().keySet());
    assertThat(g.dropped()).containsExactly("model.2.running_mean", "model.2.num_batches_tracked");
  }

  @Test
  void shouldRefuseOtherDtypesNamingTheTensor() {
    StateDict sd = new StateDict(copy(), Map.of("model.1.extra", "float16"));
    assertThatThrownBy(() -> StateDictMapping.generator(sd))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessage("tensor model.1.extra is float16; only float32 is supported");
  }

  @Test
  void shouldRefuseGeneratorsOfDifferentArchitecturesNamingTheDirection() {
    Map<String, HostTensor> wide = zeros(OfficialLayout.generator(3, 16));
    assertThatThrownBy(() -> ModelImport.of(fixture, StateDict.of(wide)))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessageContaining(
            "AtoB is a ResnetGenerator with ngf 8 and 3 residual blocks, BtoA a ResnetGenerator"
                + " with ngf 16 and 3 residual blocks");
    Map<String, HostTensor> broken = copy();
    broken.remove("model.1.bias");
    assertThatThrownBy(() -> ModelImport.of(fixture, StateDict.of(broken)))
        .hasMessageStartingWith("BtoA generator: unexpected tensor model.4.bias");
  }

  @Test
  void shouldMapAnOfficialDiscriminatorAndRefuseAnotherDepth() {
    Map<String, HostTensor> d = zeros(OfficialLayout.discriminator(4));
    assertThat(StateDictMapping.discriminator(StateDict.of(d)).ndf()).isEqualTo(4);
    d.put("model.14.weight", zeros(new long[] {1, 32, 4, 4}));
    assertThatThrownBy(() -> StateDictMapping.discriminator(StateDict.of(d)))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessage(
            "tensor model.11.weight has shape [1, 32, 4, 4], expected [32, 32, 4, 4] for a 4-layer"
                + " PatchGAN with ndf 4");
  }

  private static Map<String, HostTensor> copy() {
    return new LinkedHashMap<>(fixture.tensors());
  }
}
