package io.cyclegan.model.interop;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.nn.GradMode;
import io.cyclegan.model.nn.Network;
import io.cyclegan.model.nn.NetworkFactory;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.nn.Norm;
import io.cyclegan.model.nn.PatchDiscriminator;
import io.cyclegan.model.nn.PixelDiscriminator;
import io.cyclegan.model.nn.ResnetGenerator;
import io.cyclegan.model.nn.UnetGenerator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The U-Net, batch norm, {@code n_layers} and pixel networks against the official ones in PyTorch
 * (scripts/interop/make_arch_fixtures.py): the same state_dict keys in the same order, the same
 * output in eval mode and, for batch norm, in training mode, and the same running statistics after
 * one training-mode forward; and {@link OfficialLayout}'s tables equal to PyTorch's state_dicts and
 * to our networks.
 */
class ArchitectureParityTest {

  /** float32, max absolute difference. */
  private static final double TOLERANCE = 1e-4;

  private static NDManager manager;

  @BeforeAll
  static void start() {
    manager = NDManager.newBaseManager(Device.cpu());
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "unet6-instance", net(m -> new UnetGenerator(m, "G", 6, 1, Norm.INSTANCE, true, 3, 3))),
        Arguments.of(
            "unet6-batch", net(m -> new UnetGenerator(m, "G", 6, 1, Norm.BATCH, false, 1, 1))),
        Arguments.of(
            "resnet2-batch",
            net(m -> new ResnetGenerator(m, "G", resnet(4).optNorm(Norm.BATCH).build()))),
        Arguments.of(
            "resnet2-none-dropout",
            net(
                m ->
                    new ResnetGenerator(
                        m,
                        "G",
                        resnet(2)
                            .optNorm(Norm.NONE)
                            .optDropout(true)
                            .optOutputChannels(1)
                            .build()))),
        Arguments.of(
            "nlayers4-batch",
            net(
                m ->
                    new PatchDiscriminator(
                        m,
                        "D",
                        NetworkSpec.builder()
                            .optDiscriminator(NetworkSpec.Discriminator.N_LAYERS)
                            .optDiscriminatorLayers(4)
                            .optNdf(2)
                            .optNorm(Norm.BATCH)
                            .optInputChannels(1)
                            .build()))),
        Arguments.of("pixel-batch", net(m -> new PixelDiscriminator(m, "D", pixel(Norm.BATCH)))),
        Arguments.of(
            "pixel-instance", net(m -> new PixelDiscriminator(m, "D", pixel(Norm.INSTANCE)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void shouldComputeWhatPyTorchComputes(String name, Function<NDManager, Network> factory)
      throws Exception {
    Map<String, HostTensor> file =
        SafeTensors.read(Fixtures.file("arch/" + name + ".safetensors")).stateDict().tensors();
    Map<String, HostTensor> state = withPrefix(file, "state/");
    try (NDManager call = manager.newSubManager();
        Network net = factory.apply(call)) {
      assertThat(List.copyOf(net.stateDict().keySet()))
          .as("state_dict keys in the reference order")
          .containsExactlyElementsOf(state.keySet());
      state.forEach((k, v) -> v.copyInto(net.stateDict().get(k), k));
      HostTensor input = file.get("input");

      net.setTraining(false);
      double evalDiff = Fixtures.maxAbsDiff(forward(net, input, call), data(file, "output_eval"));
      System.out.printf("arch parity %s eval: max abs diff %.3g%n", name, evalDiff);
      assertThat(evalDiff).isLessThanOrEqualTo(TOLERANCE);

      if (file.containsKey("output_train")) {
        net.setTraining(true);
        double trainDiff =
            Fixtures.maxAbsDiff(forward(net, input, call), data(file, "output_train"));
        System.out.printf("arch parity %s train: max abs diff %.3g%n", name, trainDiff);
        assertThat(trainDiff).isLessThanOrEqualTo(TOLERANCE);
        Map<String, HostTensor> after = withPrefix(file, "state_after_train/");
        assertThat(after).isNotEmpty();
        assertThat(net.buffers().keySet()).containsExactlyElementsOf(after.keySet());
        for (Map.Entry<String, HostTensor> e : after.entrySet()) {
          double diff =
              Fixtures.maxAbsDiff(
                  net.buffers().get(e.getKey()).toFloatArray(), e.getValue().data());
          assertThat(diff).as(e.getKey()).isLessThanOrEqualTo(1e-5);
        }
      }
    }
  }

  static Stream<Arguments> layouts() {
    NetworkSpec.Builder nLayers =
        NetworkSpec.builder()
            .optDiscriminator(NetworkSpec.Discriminator.N_LAYERS)
            .optDiscriminatorLayers(4)
            .optNdf(2)
            .optNorm(Norm.BATCH)
            .optInputChannels(1);
    return Stream.of(
        Arguments.of("resnet2-batch", true, resnet(4).optNorm(Norm.BATCH).build()),
        Arguments.of(
            "resnet2-none-dropout",
            true,
            resnet(2).optNorm(Norm.NONE).optDropout(true).optOutputChannels(1).build()),
        Arguments.of("nlayers4-batch", false, nLayers.build()),
        Arguments.of("pixel-batch", false, pixel(Norm.BATCH)),
        Arguments.of("pixel-instance", false, pixel(Norm.INSTANCE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layouts")
  void shouldListPyTorchsKeysAndShapesInTheOfficialLayout(
      String name, boolean generator, NetworkSpec spec) throws Exception {
    Map<String, HostTensor> state =
        withPrefix(
            SafeTensors.read(Fixtures.file("arch/" + name + ".safetensors")).stateDict().tensors(),
            "state/");
    Map<String, long[]> layout =
        generator ? OfficialLayout.generator(spec) : OfficialLayout.discriminator(spec);
    assertThat(List.copyOf(layout.keySet())).containsExactlyElementsOf(state.keySet());
    state.forEach((k, v) -> assertThat(layout.get(k)).as(k).containsExactly(v.shape()));
  }

  @ParameterizedTest
  @CsvSource({
    "unet_256, batch, true, 3, 1",
    "unet_128, instance, false, 1, 3",
    "unet_128, none, true, 3, 3",
    "resnet_6blocks, batch, true, 1, 3",
    "resnet_9blocks, none, false, 3, 3"
  })
  void shouldNameOurStateAsTheOfficialLayoutWhenGenerator(
      String generator, String norm, boolean dropout, int in, int out) {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optGenerator(NetworkSpec.Generator.fromWireName(generator))
            .optNorm(Norm.fromWireName(norm))
            .optDropout(dropout)
            .optInputChannels(in)
            .optOutputChannels(out)
            .optNgf(2)
            .build();
    try (NDManager call = manager.newSubManager();
        Network g = NetworkFactory.generator(call, "G", spec)) {
      assertSameLayout(g, OfficialLayout.generator(spec));
    }
  }

  @ParameterizedTest
  @CsvSource({"basic, 3, batch", "n_layers, 1, none", "n_layers, 6, instance", "pixel, 0, none"})
  void shouldNameOurStateAsTheOfficialLayoutWhenDiscriminator(
      String discriminator, int layers, String norm) {
    NetworkSpec spec =
        NetworkSpec.builder()
            .optDiscriminator(NetworkSpec.Discriminator.fromWireName(discriminator))
            .optDiscriminatorLayers(layers)
            .optNorm(Norm.fromWireName(norm))
            .optNdf(2)
            .build();
    try (NDManager call = manager.newSubManager();
        Network d = NetworkFactory.discriminator(call, "D", spec)) {
      assertSameLayout(d, OfficialLayout.discriminator(spec));
    }
  }

  private static void assertSameLayout(Network net, Map<String, long[]> layout) {
    assertThat(List.copyOf(net.stateDict().keySet())).containsExactlyElementsOf(layout.keySet());
    net.stateDict()
        .forEach(
            (k, v) -> assertThat(v.getShape().getShape()).as(k).containsExactly(layout.get(k)));
  }

  private static float[] forward(Network net, HostTensor input, NDManager call) {
    return GradMode.withoutGradients(() -> net.forward(input.toArray(call)).toFloatArray());
  }

  private static float[] data(Map<String, HostTensor> file, String key) {
    assertThat(file).containsKey(key);
    return file.get(key).data();
  }

  private static Map<String, HostTensor> withPrefix(Map<String, HostTensor> t, String prefix) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    t.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  private static Function<NDManager, Network> net(Function<NDManager, Network> f) {
    return f;
  }

  private static NetworkSpec.Builder resnet(int ngf) {
    return NetworkSpec.builder().optGeneratorBlocks(2).optNgf(ngf);
  }

  private static NetworkSpec pixel(Norm norm) {
    return NetworkSpec.builder()
        .optDiscriminator(NetworkSpec.Discriminator.PIXEL)
        .optNdf(4)
        .optNorm(norm)
        .build();
  }
}
