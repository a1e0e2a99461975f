package io.cyclegan.training;

import io.cyclegan.common.runtime.Shutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root: reads the environment once, starts the worker, stops it on SIGTERM. A loop of
 * the worker that dies (command loop, cancel watcher, a job thread ended by an Error) takes the
 * process down (exit status 1, through the shutdown hook, which checkpoints a running job), so that
 * whoever runs it starts a fresh one instead of keeping a worker that looks alive and reads
 * nothing.
 */
public final class TrainingWorkerMain {
  private static final Logger log = LoggerFactory.getLogger(TrainingWorkerMain.class);

  private TrainingWorkerMain() {}

  public static void main(String[] args) {
    // DJL must never download at run time: the native library ships in the image.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    Shutdown.startOrExit(
        "training-worker",
        () -> {
          TrainingWorker worker =
              new TrainingWorker(TrainingConfig.fromEnv(System.getenv()), "0.0.0.0");
          worker.liveness().onDeath(TrainingWorkerMain::exit);
          return worker.start();
        });
  }

  private static void exit(String deadLoop) {
    log.error("training-worker: {} died, exiting", deadLoop);
    // Not on the dying thread: the shutdown hook waits for the worker's threads.
    new Thread(() -> System.exit(1), "training-exit").start();
  }
}
