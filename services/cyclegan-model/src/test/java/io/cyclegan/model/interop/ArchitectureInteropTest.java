package io.cyclegan.model.interop;

import static io.cyclegan.model.interop.Fixtures.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.checkpoint.TensorArchive;
import io.cyclegan.model.interop.StateDictFiles.Format;
import io.cyclegan.model.nn.Network;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import io.cyclegan.model.train.CycleGanModel;
import io.cyclegan.model.train.TrainingCheckpoint;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.cyclegan.model.translate.Direction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch interop of the {@link NetworkSpec} architectures: exports of U-Net, batch norm, dropout,
 * {@code n_layers}, pixel and grayscale networks are official state_dicts (keys in the official
 * order, {@code num_batches_tracked} as int64) that map back to the same spec and values, and an
 * official {@code unet_128} saved by {@code torch.save} imports and translates as PyTorch does.
 */
class ArchitectureInteropTest {

  private static final CycleGanConfig CONFIG =
      CycleGanConfig.fromParams(
          Map.of("imageSize", 32, "ngf", 2, "ndf", 2, "generatorBlocks", 1, "device", "cpu"));

  /** float32, max absolute difference (as ArchitectureParityTest). */
  private static final double TOLERANCE = 1e-4;

  static Stream<Arguments> specs() {
    return Stream.of(
        Arguments.of(
            NetworkSpec.builder()
                .optGenerator(NetworkSpec.Generator.UNET_128)
                .optDiscriminator(NetworkSpec.Discriminator.N_LAYERS)
                .optDiscriminatorLayers(2)
                .optNorm(Norm.BATCH)
                .optInputChannels(1)
                .optOutputChannels(3)
                .optNgf(2)
                .optNdf(2)
                .build(),
            Format.PTH),
        Arguments.of(
            NetworkSpec.builder()
                .optGenerator(NetworkSpec.Generator.UNET_256)
                .optDiscriminator(NetworkSpec.Discriminator.PIXEL)
                .optNorm(Norm.NONE)
                .optNgf(1)
                .optNdf(2)
                .build(),
            Format.SAFETENSORS),
        Arguments.of(
            NetworkSpec.builder()
                .optGeneratorBlocks(2)
                .optDiscriminator(NetworkSpec.Discriminator.PIXEL)
                .optNorm(Norm.BATCH)
                .optDropout(true)
                .optOutputChannels(1)
                .optNgf(2)
                .optNdf(2)
                .build(),
            Format.SAFETENSORS),
        Arguments.of(
            NetworkSpec.builder()
                .optGenerator(NetworkSpec.Generator.RESNET_6BLOCKS)
                .optNorm(Norm.NONE)
                .optDropout(true)
                .optInputChannels(1)
                .optOutputChannels(1)
                .optNgf(2)
                .optNdf(2)
                .build(),
            Format.PTH));
  }

  @ParameterizedTest
  @MethodSource("specs")
  void shouldExportOfficialStateDictsThatMapBackToTheSameNetwork(
      NetworkSpec spec, Format format, @TempDir Path dir) throws Exception {
    TensorArchive.Contents archive;
    try (NDManager m = NDManager.newBaseManager(Device.cpu());
        CycleGanModel model = new CycleGanModel(m, CONFIG, spec)) {
      setBatchCounters(model.generatorBuffers(), 7);
      setBatchCounters(model.discriminatorBuffers(), 7);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TrainingCheckpoint.write(out, model, new TrainingCheckpoint.Position(0, 0, 0));
      archive =
          TensorArchive.read(new ByteArrayInputStream(out.toByteArray()), TrainingCheckpoint.MAGIC);
    }
    List<Path> files = ModelExport.write(archive, format, dir);
    assertThat(files).hasSize(4);
    Map<String, Map<String, HostTensor>> ours = ModelExport.stateDicts(archive);
    for (Path file : files) {
      String net = file.getFileName().toString().replaceAll("^latest_net_|\\..*$", "");
      StateDict read =
          format == Format.PTH ? PthReader.read(file) : SafeTensors.read(file).stateDict();
      assertThat(read.otherTensors()).isEmpty();
      boolean generator = net.startsWith("G");
      // G_A and D_B are A's side (spec as given), G_B and D_A the swapped channels.
      boolean swapped = net.equals("G_B") || net.equals("D_A");
      NetworkSpec expected = swapped ? spec.reversed() : spec;
      Map<String, HostTensor> mapped;
      if (generator) {
        StateDictMapping.Generator g = StateDictMapping.generator(read);
        assertThat(g.spec().generator().isResnet()).isEqualTo(spec.generator().isResnet());
        assertThat(g.spec().generatorBlocks()).isEqualTo(spec.generatorBlocks());
        assertThat(g.spec().norm()).isEqualTo(spec.norm());
        assertThat(g.spec().ngf()).isEqualTo(spec.ngf());
        assertThat(g.spec().inputChannels()).isEqualTo(expected.inputChannels());
        assertThat(g.spec().outputChannels()).isEqualTo(expected.outputChannels());
        // A U-Net's dropout is not in its state_dict; a ResNet's moves its keys.
        assertThat(g.spec().dropout()).isEqualTo(spec.generator().isResnet() && spec.dropout());
        assertThat(read.tensors().keySet())
            .containsExactlyElementsOf(OfficialLayout.generator(expected).keySet());
        mapped = g.tensors();
      } else {
        StateDictMapping.Discriminator d = StateDictMapping.discriminator(read);
        assertThat(d.spec().discriminator()).isEqualTo(spec.discriminator());
        assertThat(d.spec().discriminatorLayers()).isEqualTo(spec.discriminatorLayers());
        assertThat(d.spec().norm()).isEqualTo(spec.norm());
        assertThat(d.spec().ndf()).isEqualTo(spec.ndf());
        assertThat(d.spec().inputChannels()).isEqualTo(expected.inputChannels());
        assertThat(read.tensors().keySet())
            .containsExactlyElementsOf(OfficialLayout.discriminator(expected).keySet());
        mapped = d.tensors();
      }
      Map<String, HostTensor> original = ours.get(net);
      assertThat(mapped.keySet()).containsExactlyElementsOf(original.keySet());
      original.forEach(
          (k, v) -> {
            assertThat(mapped.get(k).shape()).as(k).containsExactly(v.shape());
            assertThat(mapped.get(k).data()).as(k).containsExactly(v.data());
          });
      if (spec.norm() == Norm.BATCH) {
        assertThat(mapped).anySatisfy((k, v) -> assertThat(k).endsWith(".num_batches_tracked"));
        mapped.forEach(
            (k, v) -> {
              if (k.endsWith(".num_batches_tracked")) {
                assertThat(v.data()).containsExactly(7f);
              }
            });
        assertInt64Counters(file, format);
      }
    }
  }

  @Test
  void shouldImportAnOfficialUnet128AndTranslateAsPyTorchDoes() throws Exception {
    StateDict official = PthReader.read(Fixtures.file("arch/import-unet128-batch-gray.pth"));
    ModelImport imported = ModelImport.of(official, official);
    NetworkSpec spec = imported.network();
    assertThat(spec.generator()).isEqualTo(NetworkSpec.Generator.UNET_128);
    assertThat(spec.norm()).isEqualTo(Norm.BATCH);
    assertThat(spec.inputChannels()).isEqualTo(1);
    assertThat(spec.outputChannels()).isEqualTo(1);
    assertThat(spec.ngf()).isEqualTo(1);
    assertThat(imported.a2b().tensors().get("model.model.1.model.2.num_batches_tracked").data())
        .containsExactly(1234f);
    assertThat(imported.dropped()).isEmpty();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    imported.write(out, 128, Map.of("a2b", "latest_net_G_A.pth"));
    Map<String, HostTensor> c =
        SafeTensors.read(Fixtures.file("arch/import-unet128-batch-gray.safetensors"))
            .stateDict()
            .tensors();
    try (CycleGanTranslator t =
            CycleGanTranslator.load(new ByteArrayInputStream(out.toByteArray()), Device.cpu());
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      assertThat(t.network()).isEqualTo(spec);
      HostTensor input = c.get("input");
      NDArray y = t.translate(input.toArray(m), Direction.A_TO_B);
      assertThat(y.getShape().getShape()).containsExactly(c.get("output_eval").shape());
      assertThat(Fixtures.maxAbsDiff(y.toFloatArray(), c.get("output_eval").data()))
          .isLessThan(TOLERANCE);
    }
  }

  @Test
  void shouldImportTheOfficialResnetFixturesWithBatchNormAndOneOutputChannel() throws Exception {
    for (String name : List.of("resnet2-batch", "resnet2-none-dropout")) {
      Map<String, HostTensor> c =
          SafeTensors.read(Fixtures.file("arch/" + name + ".safetensors")).stateDict().tensors();
      Map<String, HostTensor> state = new LinkedHashMap<>();
      c.forEach(
          (k, v) -> {
            if (k.startsWith("state/")) {
              state.put(k.substring(6), v);
            }
          });
      ModelImport imported = ModelImport.of(StateDict.of(state), null);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      imported.write(out, 16, Map.of());
      try (CycleGanTranslator t =
              CycleGanTranslator.load(new ByteArrayInputStream(out.toByteArray()), Device.cpu());
          NDManager m = NDManager.newBaseManager(Device.cpu())) {
        assertThat(t.supports(Direction.B_TO_A)).isFalse();
        NDArray y = t.translate(c.get("input").toArray(m), Direction.A_TO_B);
        assertThat(y.getShape().getShape()).as(name).containsExactly(c.get("output_eval").shape());
        assertThat(Fixtures.maxAbsDiff(y.toFloatArray(), c.get("output_eval").data()))
            .as(name)
            .isLessThan(TOLERANCE);
      }
    }
  }

  @Test
  void shouldRefuseAUnetOfAnotherDepthAndMismatchedDirections() throws Exception {
    Map<String, HostTensor> c =
        SafeTensors.read(Fixtures.file("arch/unet6-instance.safetensors")).stateDict().tensors();
    Map<String, HostTensor> state = new LinkedHashMap<>();
    c.forEach(
        (k, v) -> {
          if (k.startsWith("state/")) {
            state.put(k.substring(6), v);
          }
        });
    assertThatThrownBy(() -> StateDictMapping.generator(StateDict.of(state)))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessage(
            "this UnetGenerator has 6 downsamplings; only unet_128 (7) and unet_256 (8) are"
                + " supported");
    StateDict unet = PthReader.read(Fixtures.file("arch/import-unet128-batch-gray.pth"));
    Map<String, HostTensor> resnet = zeros(OfficialLayout.generator(3, 1));
    assertThatThrownBy(() -> ModelImport.of(unet, StateDict.of(resnet)))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessage(
            "the generators differ: AtoB is a UnetGenerator (unet_128) with ngf 1, norm batch, 1"
                + " -> 1 channels, BtoA a ResnetGenerator with ngf 1 and 3 residual blocks");
  }

  private static void assertInt64Counters(Path file, Format format) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (format == Format.PTH) {
      assertThat(text).contains("LongStorage");
    } else {
      assertThat(text).contains("\"I64\"");
    }
  }

  private static void setBatchCounters(Map<String, NDArray> buffers, float value) {
    buffers.forEach(
        (k, v) -> {
          if (k.endsWith(".num_batches_tracked")) {
            Network.assign(v, new float[] {value});
          }
        });
  }
}
