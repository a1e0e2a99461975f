package io.cyclegan.training;

import static io.cyclegan.common.messages.TrainingEvent.Type.checkpoint;
import static io.cyclegan.common.messages.TrainingEvent.Type.completed;
import static io.cyclegan.common.messages.TrainingEvent.Type.failed;
import static io.cyclegan.common.messages.TrainingEvent.Type.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.Device;
import io.cyclegan.common.messages.TrainingCommand;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.checkpoint.NetworkHeader;
import io.cyclegan.model.checkpoint.TensorArchive;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.train.TrainingCheckpoint;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.cyclegan.model.translate.Direction;
import io.cyclegan.training.TrainingFixture.ReceivedEvent;
import io.cyclegan.training.job.CheckpointRef;
import io.cyclegan.training.job.JobEvents;
import io.cyclegan.training.job.JobStatus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The #16 network choices end to end on the embedded stack: a job with each generator,
 * discriminator, norm and channel count trains a few steps, is resumed from its checkpoint by a
 * second worker, completes, stores its network spec with its generators, and the translator builds
 * that network and translates with it. (The 70x70 PatchGAN with a ResNet and instance norm, RGB, is
 * what every other training IT trains.)
 */
@ExtendWith(LocalStackExtension.class)
class ArchitecturesIT {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

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
  void shouldTrainResumeAndTranslateUnet128WithPixelGanBatchNormAndDropout() throws Exception {
    Map<String, Object> params = TrainingFixture.tinyParams(1, 1);
    params.remove("generatorBlocks");
    params.putAll(
        Map.of(
            "imageSize",
            128,
            "loadSize",
            132,
            "generator",
            "unet_128",
            "discriminator",
            "pixel",
            "norm",
            "batch",
            "dropout",
            true));
    NetworkSpec spec = trainAndResume("unet", params);
    assertThat(spec.generator()).isEqualTo(NetworkSpec.Generator.UNET_128);
    assertThat(spec.discriminator()).isEqualTo(NetworkSpec.Discriminator.PIXEL);
  }

  @Test
  void shouldTrainResumeAndTranslateGrayscaleResnetWithNLayersAndNoNorm() throws Exception {
    Map<String, Object> params = TrainingFixture.tinyParams(1, 1);
    params.putAll(
        Map.of(
            "generator",
            "resnet_6blocks",
            "discriminator",
            "n_layers",
            "discriminatorLayers",
            2,
            "norm",
            "none",
            "inputChannels",
            1,
            "outputChannels",
            1));
    NetworkSpec spec = trainAndResume("gray", params);
    // the free block count wins over the name's 6
    assertThat(spec.generatorBlocks()).isEqualTo(1);
    assertThat(spec.discriminatorLayers()).isEqualTo(2);
  }

  @Test
  void shouldTranslateARgbResnetWithItsTranslatorAfterAnNLayersRun() throws Exception {
    Map<String, Object> params = TrainingFixture.tinyParams(1, 1);
    params.putAll(Map.of("discriminator", "n_layers", "discriminatorLayers", 1));
    String model = trainAndResumeModel("nl1", params);
    byte[] generators =
        fixture.store.get(ObjectKeys.modelGenerators(model, "job-" + model)).orElseThrow();
    try (CycleGanTranslator translator =
        CycleGanTranslator.load(new ByteArrayInputStream(generators), Device.cpu())) {
      BufferedImage input =
          translator.preprocess(new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB));
      BufferedImage out = translator.translate(List.of(input), Direction.A_TO_B).get(0);
      assertThat(out.getWidth()).isEqualTo(32);
    }
  }

  @Test
  void shouldFailAUnetJobWhoseImageSizeItCannotHalveNamingTheRule() throws Exception {
    String jobId = fixture.name("job-unet-size");
    try (TrainingWorker worker = fixture.startWorker("w1")) {
      Map<String, Object> params = TrainingFixture.tinyParams(1, 1);
      params.remove("generatorBlocks");
      params.put("generator", "unet_256");
      fixture.send(TrainingCommand.start(jobId, "m", "d", params));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsExactly(failed));
      assertThat(fixture.events(jobId).get(0).event().error())
          .contains("imageSize must be a multiple of 256 for generator unet_256");
    }
  }

  /** Trains, resumes and checks the stored spec and a forward pass of the stored generators. */
  private NetworkSpec trainAndResume(String name, Map<String, Object> params) throws Exception {
    String model = trainAndResumeModel(name, params);
    byte[] generators =
        fixture.store.get(ObjectKeys.modelGenerators(model, "job-" + model)).orElseThrow();
    CycleGanConfig config = CycleGanConfig.fromParams(params);
    TensorArchive.Contents archive =
        TensorArchive.read(
            new ByteArrayInputStream(generators),
            TrainingCheckpoint.EXPORT_MAGIC,
            TrainingCheckpoint.MAGIC);
    NetworkSpec stored =
        NetworkHeader.fromJson(archive.header().getAsJsonObject(NetworkHeader.KEY));
    assertThat(stored).isEqualTo(NetworkSpec.of(config));

    // The translator builds the stored network and translates into B's channels.
    try (CycleGanTranslator translator =
        CycleGanTranslator.load(new ByteArrayInputStream(generators), Device.cpu())) {
      BufferedImage input =
          translator.preprocess(new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB));
      BufferedImage out = translator.translate(List.of(input), Direction.A_TO_B).get(0);
      assertThat(out.getWidth()).isEqualTo(config.imageSize());
      assertThat(out.getType())
          .isEqualTo(
              stored.outputChannels() == 1
                  ? BufferedImage.TYPE_BYTE_GRAY
                  : BufferedImage.TYPE_INT_RGB);
    }
    return stored;
  }

  private String trainAndResumeModel(String name, Map<String, Object> params) throws Exception {
    String dataset = fixture.name("shapes-" + name);
    String model = fixture.name("arch-" + name);
    String jobId = "job-" + model;
    fixture.seedDataset(dataset, 2);
    fixture.send(TrainingCommand.start(jobId, model, dataset, TrainingFixture.resumable(params)));

    TrainingWorker first = fixture.startWorker("w1");
    await()
        .atMost(JOB_TIMEOUT)
        .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(checkpoint, failed));
    first.crash();
    assertThat(fixture.types(jobId))
        .as("job %s: %s", jobId, fixture.events(jobId))
        .doesNotContain(failed, completed);
    CheckpointRef newest = fixture.state(jobId).latestCheckpoint().orElseThrow();

    try (TrainingWorker second = fixture.startWorker("w2")) {
      await()
          .atMost(JOB_TIMEOUT)
          .untilAsserted(() -> assertThat(fixture.types(jobId)).containsAnyOf(completed, failed));
    }
    assertThat(fixture.state(jobId).state())
        .as("job %s: %s", jobId, fixture.events(jobId))
        .isEqualTo(JobStatus.completed);
    ReceivedEvent resumed = fixture.eventsFrom(jobId, "w2").get(0);
    assertThat(resumed.type()).isEqualTo(started);
    assertThat(resumed.headers()).containsEntry(JobEvents.RESUMED_FROM_HEADER, newest.key());
    return model;
  }
}
