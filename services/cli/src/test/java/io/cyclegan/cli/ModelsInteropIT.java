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
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.data.ImageSource;
import io.cyclegan.model.interop.PthReader;
import io.cyclegan.model.interop.SafeTensors;
import io.cyclegan.model.interop.StateDict;
import io.cyclegan.model.train.CycleGanTrainer;
import io.cyclegan.model.train.TrainingListener;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.cyclegan.model.translate.Direction;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
        .contains(
            "imported "
                + model
                + " version v1: a ResnetGenerator with ngf 8 and 3 residual blocks, serves AtoB");
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

  /**
   * The official NLayerDiscriminator (n_layers 3, instance norm, so every conv has a bias) with ndf
   * 4: its state_dict keys and shapes, written out here rather than taken from our layout code.
   */
  private static final Map<String, List<Long>> OFFICIAL_D_NDF4 =
      Map.ofEntries(
          Map.entry("model.0.weight", List.of(4L, 3L, 4L, 4L)),
          Map.entry("model.0.bias", List.of(4L)),
          Map.entry("model.2.weight", List.of(8L, 4L, 4L, 4L)),
          Map.entry("model.2.bias", List.of(8L)),
          Map.entry("model.5.weight", List.of(16L, 8L, 4L, 4L)),
          Map.entry("model.5.bias", List.of(16L)),
          Map.entry("model.8.weight", List.of(32L, 16L, 4L, 4L)),
          Map.entry("model.8.bias", List.of(32L)),
          Map.entry("model.11.weight", List.of(1L, 32L, 4L, 4L)),
          Map.entry("model.11.bias", List.of(1L)));

  @Test
  void shouldExportTheDiscriminatorsOfARealTrainingCheckpointInTheOfficialLayout(@TempDir Path work)
      throws Exception {
    String model = "it-export-d-" + shortId();
    List<BufferedImage> images = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      BufferedImage image = new BufferedImage(36, 36, BufferedImage.TYPE_INT_RGB);
      image.setRGB(i, i, 0xff8040);
      images.add(image);
    }
    CycleGanConfig config =
        CycleGanConfig.builder()
            .optEpochs(1)
            .optDecayEpochs(0)
            .optImageSize(32)
            .optLoadSize(36)
            .optGeneratorBlocks(1)
            .optNgf(4)
            .optNdf(4)
            .optDevice("cpu")
            .build();
    ByteArrayOutputStream checkpoint = new ByteArrayOutputStream();
    Map<String, float[]> trainedD = new LinkedHashMap<>();
    try (CycleGanTrainer trainer =
        CycleGanTrainer.builder()
            .setConfig(config)
            .setDomainA(ImageSource.ofImages(images))
            .setDomainB(ImageSource.ofImages(images))
            .optDevice(Device.cpu())
            .build()) {
      trainer.train(new TrainingListener() {}, () -> false);
      trainer.saveCheckpoint(checkpoint);
      trainer
          .model()
          .discriminatorParameters()
          .forEach((k, v) -> trainedD.put(k, v.toFloatArray()));
    }
    clients
        .store()
        .put(
            ObjectKeys.modelVersionPrefix(model, "v1") + "checkpoints/epoch-1.ckpt",
            checkpoint.toByteArray(),
            "application/octet-stream");

    for (String format : List.of("pth", "safetensors")) {
      Path out = work.resolve(format);
      CliRun.Result exported =
          CliRun.run(
              stack,
              "models",
              "export",
              model,
              "--version",
              "v1",
              "--with-discriminators",
              "--format",
              format,
              "--out",
              out.toString());

      assertThat(exported.exitCode()).as(exported.toString()).isEqualTo(ExitCodes.OK);
      for (String net : List.of("D_A", "D_B")) {
        Path file = out.resolve("latest_net_" + net + "." + format);
        StateDict d =
            format.equals("pth") ? PthReader.read(file) : SafeTensors.read(file).stateDict();
        assertThat(d.otherTensors()).as(net).isEmpty();
        assertThat(d.tensors().keySet())
            .as(net)
            .containsExactlyInAnyOrderElementsOf(OFFICIAL_D_NDF4.keySet());
        d.tensors()
            .forEach(
                (k, v) -> {
                  assertThat(Arrays.stream(v.shape()).boxed().toList())
                      .as(net + " " + k)
                      .isEqualTo(OFFICIAL_D_NDF4.get(k));
                  assertThat(v.data())
                      .as(net + " " + k)
                      .containsExactly(trainedD.get(net + "/" + k));
                });
      }
      assertThat(out.resolve("latest_net_G_A." + format)).exists();
      assertThat(out.resolve("latest_net_G_B." + format)).exists();
    }
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
