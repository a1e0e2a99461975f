package io.cyclegan.model.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.nn.GradMode;
import io.cyclegan.model.nn.Network;
import io.cyclegan.model.nn.PatchDiscriminator;
import io.cyclegan.model.nn.ResnetGenerator;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.cyclegan.model.translate.Direction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator PyTorch computed (scripts/interop/make_fixtures.py, eval mode) against ours, loaded
 * the way the inference worker loads a version: import, our generators archive, translator.
 */
class PyTorchParityTest {

  /** float32, max absolute difference. */
  private static final double TOLERANCE = 1e-4;

  private static Map<String, HostTensor> cases;
  private static NDManager manager;
  private static CycleGanTranslator translator;

  @BeforeAll
  static void importFixture() throws Exception {
    cases = Fixtures.cases();
    manager = NDManager.newBaseManager(Device.cpu());
    ModelImport imported = ModelImport.of(PthReader.read(Fixtures.file("generator.pth")), null);
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    imported.write(archive, 32, Map.of());
    translator =
        CycleGanTranslator.load(new ByteArrayInputStream(archive.toByteArray()), Device.cpu());
  }

  @AfterAll
  static void close() {
    translator.close();
    manager.close();
  }

  @Test
  void shouldMatchPyTorchAt32x32() {
    double diff = maxAbsDiff(translate("input_32x32"), cases.get("output_32x32"));
    System.out.printf("interop parity 32x32 (batch 2): max abs diff %.3g%n", diff);
    assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void shouldMatchPyTorchAt22x30ThroughTheTranslatorsPadding() {
    double diff = maxAbsDiff(translate("input_22x30"), cases.get("output_padded_22x30"));
    System.out.printf("interop parity 22x30 (padded to 24x32, cropped): max abs diff %.3g%n", diff);
    assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void shouldMatchTheBarePyTorchNetworkOnASizeThatIsNotAMultipleOf4() throws Exception {
    StateDictMapping.Generator g =
        StateDictMapping.generator(PthReader.read(Fixtures.file("generator.pth")));
    try (NDManager call = manager.newSubManager();
        ResnetGenerator net = new ResnetGenerator(call, "G", g.blocks(), g.ngf())) {
      g.tensors().forEach((k, v) -> v.copyInto(net.parameters().get(k), k));
      HostTensor in = cases.get("input_22x30");
      HostTensor expected = cases.get("output_raw_22x30");
      float[] out =
          GradMode.withoutGradients(
              () -> {
                NDArray y = net.forward(in.toArray(call));
                assertThat(y.getShape().getShape()).containsExactly(expected.shape());
                return y.toFloatArray();
              });
      double diff = Fixtures.maxAbsDiff(out, expected.data());
      System.out.printf("interop parity bare network 22x30 -> 24x32: max abs diff %.3g%n", diff);
      assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
    }
  }

  @Test
  void shouldRefuseTheDirectionAOneFileImportLacks() {
    assertThat(translator.supports(Direction.A_TO_B)).isTrue();
    assertThat(translator.supports(Direction.B_TO_A)).isFalse();
    try (NDManager call = manager.newSubManager()) {
      NDArray x = cases.get("input_32x32").toArray(call);
      assertThatThrownBy(() -> translator.translate(x, Direction.B_TO_A))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("no BtoA generator")
          .hasMessageContaining("--b2a");
    }
  }

  @Test
  void shouldNameOurParametersExactlyAsTheOfficialLayout() {
    try (NDManager call = manager.newSubManager();
        ResnetGenerator g = new ResnetGenerator(call, "G", 9, 64);
        PatchDiscriminator d = new PatchDiscriminator(call, "D", 64)) {
      assertThat(shapes(g))
          .containsExactlyEntriesOf(shapesAsLists(OfficialLayout.generator(9, 64)));
      assertThat(shapes(d))
          .containsExactlyEntriesOf(shapesAsLists(OfficialLayout.discriminator(64)));
    }
  }

  private static Map<String, java.util.List<Long>> shapes(Network n) {
    Map<String, java.util.List<Long>> out = new java.util.LinkedHashMap<>();
    n.parameters().forEach((k, v) -> out.put(k, boxed(v.getShape().getShape())));
    return out;
  }

  private static Map<String, java.util.List<Long>> shapesAsLists(Map<String, long[]> m) {
    Map<String, java.util.List<Long>> out = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, boxed(v)));
    return out;
  }

  private static java.util.List<Long> boxed(long[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }

  private static float[] translate(String input) {
    try (NDManager call = manager.newSubManager()) {
      return translator.translate(cases.get(input).toArray(call), Direction.A_TO_B).toFloatArray();
    }
  }

  private static double maxAbsDiff(float[] ours, HostTensor theirs) {
    return Fixtures.maxAbsDiff(ours, theirs.data());
  }
}
