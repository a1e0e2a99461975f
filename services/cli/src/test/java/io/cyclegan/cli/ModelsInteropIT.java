package io.cyclegan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.testkit.StackKit;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.interop.PthReader;
import io.cyclegan.model.interop.SafeTensors;
import io.cyclegan.model.interop.StateDict;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.cyclegan.model.translate.Direction;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cyclegan models import} and {@code export} against the embedded stack, with the PyTorch
 * fixtures of cyclegan-model (scripts/interop/make_fixtures.py): an imported version must be what
 * the inference worker loads from a trained one, and compute what PyTorch computed.
 */
@ExtendWith(LocalStackExtension.class)
class ModelsInteropIT {

  private static final Path FIXTURES = Path.of("../cyclegan-model/src/test/resources/interop");

  private LocalStack stack;
  private StackKit clients;

  @BeforeEach
  void connect(LocalStack stack) {
    this.stack = stack;
    this.clients = new StackKit(stack);
  }

  @AfterEach
  void disconnect() {
    clients.close();
  }

  @Test
  void shouldPublishAnImportedPthAsAVersionTheTranslatorLoadsAndThatMatchesPyTorch()
      throws Exception {
    String model = "it-import-" + shortId();
    CliRun.Result result =
        CliRun.run(
            stack,
            "models",
            "import",
            model,
            "--a2b",
            FIXTURES.resolve("generator.pth").toString(),
            "--image-size",
            "32",
            "--version",
            "v1");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .contains("imported " + model + " version v1: ngf 8, 3 residual blocks, serves AtoB");
    byte[] generators = clients.store().get(ObjectKeys.modelGenerators(model, "v1")).orElseThrow();
    ModelAnnouncement latest =
        MessageCodec.decode(
            clients.store().get(ObjectKeys.modelLatest(model)).orElseThrow(),
            ModelAnnouncement.class);
    assertThat(latest.version()).isEqualTo("v1");
    assertThat(latest.imageSize()).isEqualTo(32);
    assertThat(latest.prefix()).isEqualTo(ObjectKeys.modelVersionPrefix(model, "v1"));
    List<ConsumerRecord<byte[], byte[]>> announced =
        clients.readAll(Topics.DEFAULTS.models()).stream()
            .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(model))
            .toList();
    assertThat(announced).hasSize(1);
    assertThat(MessageCodec.decode(announced.get(0).value(), ModelAnnouncement.class).version())
        .isEqualTo("v1");
    assertThat(clients.store().exists(ObjectKeys.modelVersionPrefix(model, "v1") + "config.json"))
        .isTrue();

    Map<String, HostTensor> cases =
        SafeTensors.read(FIXTURES.resolve("cases.safetensors")).stateDict().tensors();
    try (CycleGanTranslator t =
            CycleGanTranslator.load(new ByteArrayInputStream(generators), Device.cpu());
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      float[] ours =
          t.translate(cases.get("input_32x32").toArray(m), Direction.A_TO_B).toFloatArray();
      float[] theirs = cases.get("output_32x32").data();
      double max = 0;
      for (int i = 0; i < ours.length; i++) {
        max = Math.max(max, Math.abs(ours[i] - theirs[i]));
      }
      assertThat(max).isLessThanOrEqualTo(1e-4);
      assertThat(t.supports(Direction.B_TO_A)).isFalse();
    }
  }

  @Test
  void shouldExportTheNewestVersionBitForBitAndRefuseToOverwriteIt(@TempDir Path out)
      throws Exception {
    String model = "it-export-" + shortId();
    String pth = FIXTURES.resolve("generator.pth").toString();
    String safetensors = FIXTURES.resolve("generator.safetensors").toString();
    assertThat(
            CliRun.run(stack, "models", "import", model, "--a2b", pth, "--b2a", safetensors)
                .exitCode())
        .isEqualTo(ExitCodes.OK);

    CliRun.Result exported =
        CliRun.run(stack, "models", "export", model, "--format", "pth", "--out", out.toString());

    assertThat(exported.exitCode()).as(exported.toString()).isEqualTo(ExitCodes.OK);
    StateDict original = PthReader.read(Path.of(pth));
    for (String net : List.of("G_A", "G_B")) {
      StateDict back = PthReader.read(out.resolve("latest_net_" + net + ".pth"));
      assertThat(back.tensors().keySet()).containsExactlyElementsOf(original.tensors().keySet());
      original
          .tensors()
          .forEach(
              (k, v) ->
                  assertThat(Arrays.equals(back.tensors().get(k).data(), v.data()))
                      .as(net + " " + k)
                      .isTrue());
    }
    String version =
        MessageCodec.decode(
                clients.store().get(ObjectKeys.modelLatest(model)).orElseThrow(),
                ModelAnnouncement.class)
            .version();
    CliRun.Result again =
        CliRun.run(stack, "models", "import", model, "--a2b", pth, "--version", version);
    assertThat(again.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(again.err()).contains("already has a version " + version);
    CliRun.Result noCheckpoint =
        CliRun.run(
            stack,
            "models",
            "export",
            model,
            "--format",
            "safetensors",
            "--with-discriminators",
            "--out",
            out.toString());
    assertThat(noCheckpoint.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noCheckpoint.err()).contains("has no training checkpoint");
  }

  @Test
  void shouldRefuseAMaliciousPickleAndPublishNothing() {
    String model = "it-evil-" + shortId();
    CliRun.Result result =
        CliRun.run(
            stack,
            "models",
            "import",
            model,
            "--a2b",
            FIXTURES.resolve("malicious.pth").toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err()).contains("global os.system").contains("not allowed");
    assertThat(clients.store().exists(ObjectKeys.modelLatest(model))).isFalse();
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
