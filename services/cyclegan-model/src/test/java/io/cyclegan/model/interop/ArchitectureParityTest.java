package io.cyclegan.model.interop;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.nn.GradMode;
import io.cyclegan.model.nn.Network;
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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The U-Net, batch norm, {@code n_layers} and pixel networks against the official ones in PyTorch
 * (scripts/interop/make_arch_fixtures.py): the same state_dict keys in the same order, the same
 * output in eval mode and, for batch norm, in training mode, and the same running statistics after
 * one training-mode forward.
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
