package io.cyclegan.ingest;

import io.cyclegan.common.runtime.Shutdown;

/** The ingest process: reads the environment once, starts the service, stops it on SIGTERM. */
public final class IngestMain {
  private IngestMain() {}

  public static void main(String[] args) {
    Shutdown.startOrExit(
        IngestConfig.SERVICE,
        () ->
            new IngestService(IngestConfig.fromEnv(System.getenv()), IngestService.ALL_INTERFACES)
                // Exit on a separate thread: System.exit runs the shutdown hook, which waits for
                // the consumer thread that reported the error.
                .onFatal(e -> new Thread(() -> System.exit(1), "ingest-fatal-exit").start())
                .start());
  }
}
