package io.cyclegan.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.interop.ModelImport;
import io.cyclegan.model.interop.OfficialLayout;
import io.cyclegan.model.interop.StateDict;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InitialWeightsTest {

  private static CycleGanConfig config(long seed, int ngf) {
    return CycleGanConfig.builder()
        .optImageSize(32)
        .optNgf(ngf)
        .optNdf(4)
        .optGeneratorBlocks(2)
        .optSeed(seed)
        .optDevice("cpu")
        .build();
  }

  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void shouldStartFromAVersionsGeneratorsAndItsCheckpointsDiscriminators() throws Exception {
    CycleGanModel source = new CycleGanModel(manager, config(1, 4));
    CycleGanModel target = new CycleGanModel(manager, config(2, 4));
    assertThat(same(source.generatorParameters(), target.generatorParameters())).isFalse();

    InitialWeights.apply(
        target,
        new ByteArrayInputStream(generators(source)),
        new ByteArrayInputStream(checkpoint(source)));

    assertThat(same(source.generatorParameters(), target.generatorParameters())).isTrue();
    assertThat(same(source.discriminatorParameters(), target.discriminatorParameters())).isTrue();
  }

  @Test
  void shouldKeepFreshDiscriminatorsWithoutACheckpoint() throws Exception {
    CycleGanModel source = new CycleGanModel(manager, config(1, 4));
    CycleGanModel target = new CycleGanModel(manager, config(2, 4));
    Map<String, float[]> before = copy(target.discriminatorParameters());

    InitialWeights.apply(target, new ByteArrayInputStream(generators(source)), null);

    assertThat(same(source.generatorParameters(), target.generatorParameters())).isTrue();
    target
        .discriminatorParameters()
        .forEach((k, v) -> assertThat(v.toFloatArray()).as(k).containsExactly(before.get(k)));
  }

  @Test
  void shouldRefuseAnotherArchitectureNamingItAndChangeNothing() throws Exception {
    CycleGanModel source = new CycleGanModel(manager, config(1, 8));
    CycleGanModel target = new CycleGanModel(manager, config(2, 4));
    Map<String, float[]> before = copy(target.generatorParameters());

    assertThatThrownBy(
            () -> InitialWeights.apply(target, new ByteArrayInputStream(generators(source)), null))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessageContaining("ngf: checkpoint 8, requested 4");
    target
        .generatorParameters()
        .forEach((k, v) -> assertThat(v.toFloatArray()).as(k).containsExactly(before.get(k)));
  }

  @Test
  void shouldRefuseAOneDirectionImport() throws Exception {
    Map<String, HostTensor> g = new LinkedHashMap<>();
    OfficialLayout.generator(2, 4)
        .forEach(
            (k, s) ->
                g.put(
                    k,
                    new HostTensor(
                        s, new float[(int) Arrays.stream(s).reduce(1, (a, b) -> a * b)])));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ModelImport.of(StateDict.of(g), null).write(out, 32, Map.of());
    CycleGanModel target = new CycleGanModel(manager, config(2, 4));

    assertThatThrownBy(
            () -> InitialWeights.apply(target, new ByteArrayInputStream(out.toByteArray()), null))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessageContaining("fine-tuning needs both generators, but this version has only AtoB");
  }

  private static byte[] generators(CycleGanModel m) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrainingCheckpoint.writeGenerators(out, m, new TrainingCheckpoint.Position(1, 0, 10));
    return out.toByteArray();
  }

  private static byte[] checkpoint(CycleGanModel m) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TrainingCheckpoint.write(out, m, new TrainingCheckpoint.Position(1, 0, 10));
    return out.toByteArray();
  }

  private static Map<String, float[]> copy(Map<String, NDArray> params) {
    Map<String, float[]> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  private static boolean same(Map<String, NDArray> a, Map<String, NDArray> b) {
    return a.keySet().equals(b.keySet())
        && a.keySet().stream()
            .allMatch(k -> Arrays.equals(a.get(k).toFloatArray(), b.get(k).toFloatArray()));
  }
}
