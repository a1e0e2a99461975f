package io.cyclegan.ingest;

import io.cyclegan.common.runtime.Shutdown;

/** The ingest process: reads the environment once, starts the service, stops it on SIGTERM. */
public final class IngestMain {
  private IngestMain() {}

  public static void main(String[] args) {
    Shutdown.startOrExit(
        IngestConfig.SERVICE,
        () -> {
          IngestService ingest =
              new IngestService(
                  IngestConfig.fromEnv(System.getenv()), IngestService.ALL_INTERFACES);
          // A dead loop (the images consumer, the dead-letter topic) takes the process down, so
          // the pod restarts. Exit on a separate thread: System.exit runs the shutdown hook, which
          // waits for the thread that reported the death.
          ingest
              .runtime()
              .liveness()
              .onDeath(loop -> new Thread(() -> System.exit(1), "ingest-fatal-exit").start());
          return ingest.start();
        });
  }
}
