package io.cyclegan.cli.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The settings of one chaos run.
 *
 * @param length how long faults are injected under load (the warm-up before it, starting the stack,
 *     uploading the data set and training the first model, is not counted)
 * @param seed the seed of the fault schedule (and of the synthetic images)
 * @param outDir the run folder, {@code <out>/<timestamp>}, is made under it
 * @param requestsPerSecond translation requests sent per second
 * @param drain how long to wait, after the load stops, for outstanding results and jobs
 * @param datasetImages training images per domain
 * @param jobEvery a new training job starts this often while none runs
 * @param jobEpochs epochs at constant learning rate of each job after the first (as many again of
 *     decay)
 */
record ChaosOptions(
    Duration length,
    long seed,
    Path outDir,
    double requestsPerSecond,
    Duration drain,
    int datasetImages,
    Duration jobEvery,
    int jobEpochs) {

  ChaosOptions {
    if (length.isNegative() || length.isZero()) {
      throw new IllegalArgumentException("--minutes must be positive, was " + length);
    }
    if (datasetImages < 2) {
      throw new IllegalArgumentException("--images must be at least 2, was " + datasetImages);
    }
    if (jobEpochs < 1) {
      throw new IllegalArgumentException("--job-epochs must be at least 1, was " + jobEpochs);
    }
  }
}
