package io.cyclegan.model.train;

import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.data.ImageSource;
import io.cyclegan.model.synthetic.SyntheticShapes;
import java.util.ArrayList;
import java.util.List;

/** Tiny trainers on the synthetic set, for tests that need whole steps. */
final class TrainerTestSupport {

  static final SyntheticShapes SHAPES = new SyntheticShapes(32, 5);

  private TrainerTestSupport() {}

  static CycleGanConfig tinyConfig(int epochs, int decayEpochs) {
    return CycleGanConfig.builder()
        .optImageSize(32)
        .optNgf(4)
        .optNdf(4)
        .optGeneratorBlocks(1)
        .optEpochs(epochs)
        .optDecayEpochs(decayEpochs)
        .optPoolSize(3)
        .optSeed(11)
        .optDevice("cpu")
        .build();
  }

  static CycleGanTrainer trainer(CycleGanConfig config, int sizeA, int sizeB) {
    return CycleGanTrainer.builder()
        .setConfig(config)
        .setDomainA(ImageSource.ofImages(SHAPES.trainA(0, sizeA)))
        .setDomainB(ImageSource.ofImages(SHAPES.trainB(0, sizeB)))
        .optLossReadEverySteps(1)
        .build();
  }

  /** Records every progress report's losses. */
  static final class Recorder implements TrainingListener {
    final List<TrainingProgress> progress = new ArrayList<>();
    final List<EpochSummary> epochs = new ArrayList<>();

    @Override
    public void onProgress(TrainingProgress p) {
      progress.add(p);
    }

    @Override
    public void onEpochEnd(EpochSummary s) {
      epochs.add(s);
    }

    List<float[]> losses() {
      return progress.stream().map(p -> p.losses().toArray()).toList();
    }
  }
}
