package io.cyclegan.model.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.model.CycleGanConfig;
import io.cyclegan.model.data.Augmentation;
import io.cyclegan.model.data.Batch;
import io.cyclegan.model.data.BatchPrefetcher;
import io.cyclegan.model.data.ImageSource;
import io.cyclegan.model.data.ImageTensors;
import io.cyclegan.model.data.UnalignedSampler;
import io.cyclegan.model.device.DeviceSelector;
import io.cyclegan.model.nn.GradMode;
import io.cyclegan.model.nn.Network;
import io.cyclegan.model.nn.NetworkSpec;
import io.cyclegan.model.sample.SampleGrid;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one CycleGAN from two image sources: the epoch loop, learning-rate schedule, prefetching,
 * progress and epoch callbacks, cancellation, checkpoints, exports and sample grids.
 *
 * <p>Use from one thread: {@link #train} and everything called from its callbacks run on it (DJL
 * allows one gradient collector per JVM, so one trainer trains at a time per JVM).
 *
 * <pre>{@code
 * CycleGanConfig config = CycleGanConfig.fromParams(params);
 * try (CycleGanTrainer trainer = CycleGanTrainer.builder()
 *     .setConfig(config)
 *     .setDomainA(ImageSource.ofDirectory(cache.resolve("A")))
 *     .setDomainB(ImageSource.ofDirectory(cache.resolve("B")))
 *     .build()) {
 *   trainer.resume(in);                       // optional
 *   trainer.train(listener, cancelled::get);
 *   trainer.exportGenerators(out);
 * }
 * }</pre>
 */
public final class CycleGanTrainer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CycleGanTrainer.class);

  private final CycleGanConfig config;
  private final ImageSource domainA;
  private final ImageSource domainB;
  private final Device device;
  private final int lossReadEverySteps;
  private final int prefetchBatches;
  private final NDManager manager;
  private final CycleGanModel model;
  private final UnalignedSampler sampler;
  private final Augmentation augmentation;
  private final LearningRateSchedule schedule;
  private final NetworkSpec spec;
  private int epoch;
  private int stepInEpoch;
  private long globalStep;

  private CycleGanTrainer(Builder b) {
    this.config = b.config;
    this.domainA = b.domainA;
    this.domainB = b.domainB;
    this.device = b.device != null ? b.device : DeviceSelector.select(config.device());
    this.lossReadEverySteps = b.lossReadEverySteps;
    this.prefetchBatches = b.prefetchBatches;
    this.manager = NDManager.newBaseManager(device);
    manager.setName("trainer");
    this.spec = b.network != null ? b.network : NetworkSpec.of(config);
    this.model = new CycleGanModel(manager, config, spec);
    this.sampler = new UnalignedSampler(config.seed(), domainA.size(), domainB.size());
    this.augmentation =
        new Augmentation(config.loadSize(), config.imageSize(), config.preprocess(), config.flip());
    this.schedule =
        new LearningRateSchedule(
            config.lrPolicy(), config.epochs(), config.decayEpochs(), config.lrDecayIters());
    LOG.info(
        "CycleGAN trainer on {}: |A| = {}, |B| = {}, {} steps per epoch, {} epochs, generator"
            + " {}{} ngf {} ({} parameters), discriminator {} ndf {} ({} parameters),"
            + " norm {}, channels {} -> {}",
        device,
        domainA.size(),
        domainB.size(),
        stepsPerEpoch(),
        config.totalEpochs(),
        spec.generator().wireName(),
        spec.generator().isResnet() ? " (" + spec.generatorBlocks() + " blocks)" : "",
        spec.ngf(),
        model.generatorA().parameterCount(),
        spec.discriminator().wireName(),
        spec.ndf(),
        model.discriminatorA().parameterCount(),
        spec.norm().wireName(),
        spec.inputChannels(),
        spec.outputChannels());
  }

  /** A builder; {@code setConfig}, {@code setDomainA} and {@code setDomainB} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains from the current position to the last epoch, or until {@code cancelled} returns true
   * (checked before every step).
   *
   * @throws TrainingDivergedException when the losses read after a step are not finite
   */
  public TrainingOutcome train(TrainingListener listener, BooleanSupplier cancelled)
      throws InterruptedException {
    Objects.requireNonNull(listener, "listener");
    int size = config.imageSize();
    while (epoch < config.totalEpochs()) {
      double lr = learningRate();
      long epochStart = System.nanoTime();
      int length = sampler.epochLength();
      try (BatchPrefetcher batches =
          new BatchPrefetcher(
              domainA,
              domainB,
              sampler.epoch(epoch),
              length,
              augmentation,
              config.batchSize(),
              stepInEpoch * config.batchSize(),
              prefetchBatches,
              spec.inputChannels(),
              spec.outputChannels())) {
        long windowStart = System.nanoTime();
        int windowImages = 0;
        Batch batch;
        while ((batch = batches.next()) != null) {
          if (cancelled.getAsBoolean()) {
            LOG.info("training cancelled at epoch {} step {}", epoch + 1, stepInEpoch);
            return TrainingOutcome.CANCELLED;
          }
          boolean lastOfEpoch = stepInEpoch + 1 == stepsPerEpoch();
          boolean read = (globalStep + 1) % lossReadEverySteps == 0 || lastOfEpoch;
          LossValues losses;
          try (NDManager step = manager.newSubManager()) {
            NDArray realA =
                Network.upload(
                    step, batch.a(), new Shape(batch.count(), spec.inputChannels(), size, size));
            NDArray realB =
                Network.upload(
                    step, batch.b(), new Shape(batch.count(), spec.outputChannels(), size, size));
            losses = model.trainStep(step, realA, realB, lr, read);
          }
          if (losses != null && !losses.allFinite()) {
            // Checked where the losses are read (every lossReadEverySteps, and the last step of
            // every epoch, so before each checkpoint): nothing diverged is saved or published.
            throw new TrainingDivergedException(epoch + 1, stepInEpoch + 1, globalStep + 1, losses);
          }
          stepInEpoch++;
          globalStep++;
          windowImages += batch.count();
          if (losses != null) {
            double seconds = (System.nanoTime() - windowStart) / 1e9;
            listener.onProgress(
                new TrainingProgress(
                    epoch + 1,
                    config.totalEpochs(),
                    stepInEpoch,
                    stepsPerEpoch(),
                    globalStep,
                    losses,
                    windowImages / seconds,
                    lr));
            windowStart = System.nanoTime();
            windowImages = 0;
          }
        }
      }
      int finished = epoch + 1;
      epoch++;
      stepInEpoch = 0;
      boolean last = epoch == config.totalEpochs();
      boolean due =
          last || (config.checkpointEvery() > 0 && finished % config.checkpointEvery() == 0);
      listener.onEpochEnd(
          new EpochSummary(
              finished,
              config.totalEpochs(),
              globalStep,
              (System.nanoTime() - epochStart) / 1e9,
              due,
              last));
    }
    return TrainingOutcome.COMPLETED;
  }

  /**
   * Writes a full checkpoint of the current position (call between steps: from a callback, after
   * {@link #train} returned, or before it).
   */
  public void saveCheckpoint(OutputStream out) throws IOException {
    TrainingCheckpoint.write(out, model, position());
  }

  /**
   * Loads a full checkpoint and continues from its position. Refuses a damaged stream ({@link
   * io.cyclegan.model.checkpoint.CorruptCheckpointException}) or another architecture ({@link
   * io.cyclegan.model.checkpoint.IncompatibleCheckpointException}) without changing anything.
   */
  public void resume(InputStream in) throws IOException {
    TrainingCheckpoint.Position p = TrainingCheckpoint.read(in, model);
    if (p.epoch() > config.totalEpochs()) {
      LOG.warn(
          "checkpoint is at epoch {}, past the configured {}", p.epoch(), config.totalEpochs());
    }
    epoch = p.epoch();
    stepInEpoch = p.stepInEpoch();
    globalStep = p.globalStep();
    LOG.info("resumed at epoch {} step {} (global step {})", epoch + 1, stepInEpoch, globalStep);
  }

  /** Writes both generators with their architecture, for inference. */
  public void exportGenerators(OutputStream out) throws IOException {
    TrainingCheckpoint.writeGenerators(out, model, position());
  }

  /**
   * Renders real A | fake B | rec A over real B | fake A | rec B for one image of each domain,
   * resized to {@code imageSize} (grayscale for a 1-channel domain). The generators run in eval
   * mode, as the translator runs them (batch norm on its running statistics, no dropout), and are
   * put back in the mode they were in.
   */
  public BufferedImage renderSampleGrid(BufferedImage a, BufferedImage b) {
    int size = config.imageSize();
    int ca = model.spec().inputChannels();
    int cb = model.spec().outputChannels();
    float[] hostA = ImageTensors.toChw(ImageTensors.resizeBicubic(a, size, size), ca);
    float[] hostB = ImageTensors.toChw(ImageTensors.resizeBicubic(b, size, size), cb);
    Network gA = model.generatorA();
    Network gB = model.generatorB();
    boolean trainingA = gA.isTraining();
    boolean trainingB = gB.isTraining();
    gA.setTraining(false);
    gB.setTraining(false);
    try {
      return GradMode.withoutGradients(
          () -> {
            try (NDManager step = manager.newSubManager()) {
              NDArray realA = Network.upload(step, hostA, new Shape(1, ca, size, size));
              NDArray realB = Network.upload(step, hostB, new Shape(1, cb, size, size));
              NDArray fakeB = gA.forward(realA);
              NDArray fakeA = gB.forward(realB);
              NDArray[] row = {realA, fakeB, gB.forward(fakeB), realB, fakeA, gA.forward(fakeA)};
              int[] channels = {ca, cb, ca, cb, ca, cb};
              BufferedImage[] images = new BufferedImage[row.length];
              for (int i = 0; i < row.length; i++) {
                images[i] = ImageTensors.fromChw(row[i].toFloatArray(), 0, size, size, channels[i]);
              }
              return SampleGrid.render(
                  images[0], images[1], images[2], images[3], images[4], images[5]);
            }
          });
    } finally {
      gA.setTraining(trainingA);
      gB.setTraining(trainingB);
    }
  }

  /** A sample grid of the first image of each domain. */
  public BufferedImage renderSampleGrid() throws IOException {
    return renderSampleGrid(domainA.load(0), domainB.load(0));
  }

  /** The learning rate of the current epoch. */
  public double learningRate() {
    return schedule.rate(config.lr(), Math.min(epoch, config.totalEpochs() - 1));
  }

  /** Steps per epoch: max(|A|, |B|) / batchSize, rounded up (the last batch may be smaller). */
  public int stepsPerEpoch() {
    return (sampler.epochLength() + config.batchSize() - 1) / config.batchSize();
  }

  /** The 0-based epoch to run next. */
  public int epoch() {
    return epoch;
  }

  /** The step of the current epoch to run next. */
  public int stepInEpoch() {
    return stepInEpoch;
  }

  /** Steps done since the start of the run. */
  public long globalStep() {
    return globalStep;
  }

  /** The device training runs on. */
  public Device device() {
    return device;
  }

  /** The configuration. */
  public CycleGanConfig config() {
    return config;
  }

  /** The networks and optimizer state (for tests and tools). */
  public CycleGanModel model() {
    return model;
  }

  /** The manager that owns everything of this trainer (its array count is a leak check). */
  public NDManager manager() {
    return manager;
  }

  private TrainingCheckpoint.Position position() {
    return new TrainingCheckpoint.Position(epoch, stepInEpoch, globalStep);
  }

  @Override
  public void close() {
    manager.close();
  }

  /** Builder: {@code setX} required, {@code optX} optional. */
  public static final class Builder {
    private CycleGanConfig config;
    private ImageSource domainA;
    private ImageSource domainB;
    private Device device;
    private int lossReadEverySteps = 50;
    private int prefetchBatches = 4;
    private NetworkSpec network;

    private Builder() {}

    /**
     * Trains {@code network} instead of what the config names ({@link NetworkSpec#of}); its widths
     * and blocks win over the config's.
     */
    public Builder optNetwork(NetworkSpec network) {
      this.network = network;
      return this;
    }

    public Builder setConfig(CycleGanConfig config) {
      this.config = config;
      return this;
    }

    public Builder setDomainA(ImageSource domainA) {
      this.domainA = domainA;
      return this;
    }

    public Builder setDomainB(ImageSource domainB) {
      this.domainB = domainB;
      return this;
    }

    /** Overrides the config's {@code device} with an already chosen DJL device. */
    public Builder optDevice(Device device) {
      this.device = device;
      return this;
    }

    /**
     * Reads losses to the host (a device synchronisation) every this many steps, and at each
     * epoch's last step; default 50.
     */
    public Builder optLossReadEverySteps(int steps) {
      if (steps < 1) {
        throw new IllegalArgumentException("lossReadEverySteps must be >= 1, was " + steps);
      }
      this.lossReadEverySteps = steps;
      return this;
    }

    /** Batches prepared ahead on the background thread; default 4. */
    public Builder optPrefetchBatches(int batches) {
      if (batches < 1) {
        throw new IllegalArgumentException("prefetchBatches must be >= 1, was " + batches);
      }
      this.prefetchBatches = batches;
      return this;
    }

    /** Creates the networks (initialised from the seed) on the selected device. */
    public CycleGanTrainer build() {
      Objects.requireNonNull(config, "config is required");
      Objects.requireNonNull(domainA, "domainA is required");
      Objects.requireNonNull(domainB, "domainB is required");
      return new CycleGanTrainer(this);
    }
  }
}
