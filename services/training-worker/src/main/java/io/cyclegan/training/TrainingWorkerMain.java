package io.cyclegan.training;

import io.cyclegan.common.runtime.Shutdown;

/** Composition root: reads the environment once, starts the worker, stops it on SIGTERM. */
public final class TrainingWorkerMain {
  private TrainingWorkerMain() {}

  public static void main(String[] args) {
    // DJL must never download at run time: the native library ships in the image.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    TrainingWorker worker =
        Shutdown.startOrExit(
            "training-worker",
            () -> new TrainingWorker(TrainingConfig.fromEnv(System.getenv()), "0.0.0.0"));
    worker.start();
  }
}
