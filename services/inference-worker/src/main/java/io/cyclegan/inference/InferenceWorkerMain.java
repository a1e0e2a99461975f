package io.cyclegan.inference;

import io.cyclegan.common.runtime.Shutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference worker's composition root: environment in, worker started, hook to stop it. A loop
 * of the worker that dies takes the process down (exit status 1, through the shutdown hook), so
 * that Kubernetes or whoever runs it starts a fresh one instead of keeping a worker that looks
 * alive and serves nothing.
 */
public final class InferenceWorkerMain {
  private static final Logger log = LoggerFactory.getLogger(InferenceWorkerMain.class);

  private InferenceWorkerMain() {}

  public static void main(String[] args) {
    Shutdown.startOrExit(
        "inference",
        () -> {
          InferenceWorker worker = new InferenceWorker(InferenceConfig.fromEnv(System.getenv()));
          worker.liveness().onDeath(InferenceWorkerMain::exit);
          return worker.start();
        });
  }

  private static void exit(String deadLoop) {
    log.error("inference: {} died, exiting", deadLoop);
    // Not on the dying thread: the shutdown hook waits for the worker's threads.
    new Thread(() -> System.exit(1), "inference-exit").start();
  }
}
