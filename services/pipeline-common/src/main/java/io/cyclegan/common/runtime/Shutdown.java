package io.cyclegan.common.runtime;

import io.cyclegan.common.config.ConfigException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a service's {@code main} starts: config errors are one line and exit code 2. */
public final class Shutdown {
  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

  private Shutdown() {}

  /**
   * Builds the service, registers a shutdown hook that closes it, and returns it. A {@link
   * ConfigException} prints its one line and exits with status 2.
   */
  public static <T extends AutoCloseable> T startOrExit(String service, Supplier<T> build) {
    T running;
    try {
      running = build.get();
    } catch (ConfigException e) {
      System.err.println(service + ": configuration error: " + e.getMessage());
      System.exit(2);
      return null;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("{}: shutting down", service);
                  try {
                    running.close();
                  } catch (Exception e) {
                    log.error("{}: error while shutting down", service, e);
                  }
                },
                service + "-shutdown"));
    return running;
  }
}
