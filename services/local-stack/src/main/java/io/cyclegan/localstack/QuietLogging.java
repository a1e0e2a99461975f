package io.cyclegan.localstack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Turns the servers' own logging down to WARN.
 *
 * <p>Done in code rather than with a {@code logback.xml} in this jar, because a library's {@code
 * logback.xml} would shadow the configuration of every module that has this module on its test
 * class path. A logger that a configuration already sets explicitly keeps its level, so a module
 * can still ask for, say, {@code org.apache.kafka.clients} at DEBUG.
 */
final class QuietLogging {

  /**
   * Kafka's broker logs several hundred INFO lines on start (every config value, every partition it
   * loads); its clients log their whole config on creation; jclouds and Jetty log each request
   * handler they build.
   */
  static final List<String> NOISY_LOGGERS =
      List.of(
          "kafka",
          "org.apache.kafka",
          "state.change.logger",
          "org.jclouds",
          "jclouds",
          "org.eclipse.jetty",
          "org.gaul", // S3Proxy, and the Jetty it shades under org.gaul.shaded
          "io.netty",
          "com.azure",
          "reactor");

  private QuietLogging() {}

  static void apply() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding: its own configuration decides
    }
    for (String name : NOISY_LOGGERS) {
      Logger logger = context.getLogger(name);
      if (logger.getLevel() == null) {
        logger.setLevel(Level.WARN);
      }
    }
  }
}
