package io.cyclegan.inference;

import io.cyclegan.common.runtime.Shutdown;

/** The inference worker's composition root: environment in, worker started, hook to stop it. */
public final class InferenceWorkerMain {
  private InferenceWorkerMain() {}

  public static void main(String[] args) {
    Shutdown.startOrExit(
        "inference", () -> new InferenceWorker(InferenceConfig.fromEnv(System.getenv())).start());
  }
}
