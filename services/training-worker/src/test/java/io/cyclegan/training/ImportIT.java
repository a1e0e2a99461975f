package io.cyclegan.training;

import static io.cyclegan.common.messages.TrainingEvent.Type.accepted;
import static io.cyclegan.common.messages.TrainingEvent.Type.completed;
import static io.cyclegan.common.messages.TrainingEvent.Type.duplicate;
import static io.cyclegan.common.messages.TrainingEvent.Type.failed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.Device;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.ModelAnnouncement;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.messages.TrainingCommand.ImportFiles;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.cyclegan.model.translate.Direction;
import io.cyclegan.training.artifacts.JobKeys;
import io.cyclegan.training.job.JobStatus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code import} command end to end: PyTorch generators uploaded under {@code imports/{id}/}
 * become a model version that the translator loads, and whatever the strict readers or the key
 * check refuse fails the import naming it, publishing nothing. The fixtures are cyclegan-model's
 * (made by PyTorch: ngf 8, 3 residual blocks; and a pickle that would call {@code os.system}).
 */
@ExtendWith(LocalStackExtension.class)
class ImportIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private TrainingFixture fixture;

  @BeforeEach
  void setUp(LocalStack stack) throws Exception {
    fixture = new TrainingFixture(stack);
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  @Test
  void shouldPublishUploadedGeneratorsAsAVersionOnceAndRefuseWhatTheReadersRefuse()
      throws Exception {
    String model = fixture.name("h2z");
    String ok = fixture.name("imp-ok");
    String evil = fixture.name("imp-evil");
    String elsewhere = fixture.name("imp-elsewhere");
    String missing = fixture.name("imp-missing");
    upload(ObjectKeys.importFile(ok, "a2b.bin"), "interop/generator.pth");
    upload(ObjectKeys.importFile(ok, "b2a.bin"), "interop/generator.safetensors");
    upload(ObjectKeys.importFile(evil, "a2b.bin"), "interop/malicious.pth");

    try (TrainingWorker worker = fixture.startWorker("w1")) {
      fixture.send(
          TrainingCommand.importModel(
              ok,
              model,
              new ImportFiles(
                  ObjectKeys.importFile(ok, "a2b.bin"), ObjectKeys.importFile(ok, "b2a.bin"), 64)));
      await()
          .atMost(TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(ok)).containsExactly(accepted, completed));
      assertThat(fixture.events(ok).get(1).event().modelVersion()).isEqualTo(ok);
      assertThat(fixture.state(ok).state()).isEqualTo(JobStatus.completed);
      ModelAnnouncement latest =
          MessageCodec.decode(
              fixture.store.get(ObjectKeys.modelLatest(model)).orElseThrow(),
              ModelAnnouncement.class);
      assertThat(latest.version()).isEqualTo(ok);
      assertThat(latest.imageSize()).isEqualTo(64);
      assertThat(fixture.announcements(model))
          .extracting(ModelAnnouncement::version)
          .containsExactly(ok);
      assertThat(
              new String(
                  fixture.store.get(JobKeys.modelConfig(model, ok)).orElseThrow(),
                  StandardCharsets.UTF_8))
          .contains("\"importedFrom\"", "\"format\":\"pth\"", "\"format\":\"safetensors\"");
      try (CycleGanTranslator translator =
          CycleGanTranslator.load(
              new ByteArrayInputStream(
                  fixture.store.get(ObjectKeys.modelGenerators(model, ok)).orElseThrow()),
              Device.cpu())) {
        assertThat(translator.architecture().ngf()).isEqualTo(8);
        assertThat(translator.architecture().generatorBlocks()).isEqualTo(3);
        assertThat(translator.supports(Direction.A_TO_B)).isTrue();
        assertThat(translator.supports(Direction.B_TO_A)).isTrue();
        List<BufferedImage> out =
            translator.translate(
                List.of(new BufferedImage(20, 12, BufferedImage.TYPE_INT_RGB)), Direction.B_TO_A);
        assertThat(out.get(0).getWidth()).isEqualTo(20);
      }

      // The same import id again: nothing is imported twice, no second version.
      fixture.send(
          TrainingCommand.importModel(
              ok, model, new ImportFiles(ObjectKeys.importFile(ok, "a2b.bin"), null, 64)));
      await()
          .atMost(TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(ok)).contains(duplicate));

      fixture.send(
          TrainingCommand.importModel(
              evil, model, new ImportFiles(ObjectKeys.importFile(evil, "a2b.bin"), null, 256)));
      // Another import's upload, through a key outside this import's prefix.
      fixture.send(
          TrainingCommand.importModel(
              elsewhere, model, new ImportFiles(ObjectKeys.importFile(ok, "a2b.bin"), null, 256)));
      fixture.send(
          TrainingCommand.importModel(
              missing,
              model,
              new ImportFiles(ObjectKeys.importFile(missing, "a2b.bin"), null, 256)));
      for (String bad : List.of(evil, elsewhere, missing)) {
        await()
            .atMost(TIMEOUT)
            .untilAsserted(() -> assertThat(fixture.types(bad)).as(bad).contains(failed));
        assertThat(fixture.state(bad).state()).as(bad).isEqualTo(JobStatus.failed);
        assertThat(fixture.deadLetters(bad)).as("dead letter of " + bad).hasSize(1);
        assertThat(fixture.store.exists(ObjectKeys.modelGenerators(model, bad))).as(bad).isFalse();
      }
      assertThat(error(evil)).contains("import refused", "os.system", "not allowed");
      assertThat(error(elsewhere))
          .contains("field 'import.a2b'", "expected an object key imports/" + elsewhere + "/");
      assertThat(error(missing))
          .contains("no uploaded file at " + ObjectKeys.importFile(missing, "a2b.bin"));
      assertThat(fixture.announcements(model))
          .extracting(ModelAnnouncement::version)
          .containsExactly(ok);
    }
  }

  private String error(String jobId) {
    return fixture.events(jobId).stream()
        .filter(e -> e.type() == failed)
        .findFirst()
        .orElseThrow()
        .event()
        .error();
  }

  private void upload(String key, String resource) throws IOException {
    try (InputStream in = ImportIT.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      fixture.store.put(key, in.readAllBytes(), "application/octet-stream");
    }
  }
}
