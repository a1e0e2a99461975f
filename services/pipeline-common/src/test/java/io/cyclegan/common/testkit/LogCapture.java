package io.cyclegan.common.testkit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of the JVM while open (a Logback {@link ListAppender} on the root
 * logger), so a test can show that no value from a request forged a log line.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger root;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    this.root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
  }

  /**
   * Every text of the captured events that carries {@code marker} (the formatted message and each
   * logging-context value) where a line break comes right before it: a forged line.
   */
  public List<String> forgedLines(String marker) {
    List<String> forged = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(appender.list)) {
      List<String> texts = new ArrayList<>();
      texts.add(e.getFormattedMessage());
      texts.addAll(e.getMDCPropertyMap().values());
      for (String t : texts) {
        if (t != null && t.matches("(?s).*[\\r\\n\\u0085\\u2028\\u2029]\\s*" + marker + ".*")) {
          forged.add(t);
        }
      }
    }
    return forged;
  }

  /** How many captured events carry {@code marker} in their message or logging context. */
  public long mentioning(String marker) {
    return List.copyOf(appender.list).stream()
        .filter(
            e ->
                e.getFormattedMessage().contains(marker)
                    || e.getMDCPropertyMap().values().stream().anyMatch(v -> v.contains(marker)))
        .count();
  }

  /**
   * The names of the loggers whose captured events carry {@code value} under {@code mdcKey} in
   * their logging context (which services logged about one request or trace, say).
   */
  public java.util.Set<String> loggersWith(String mdcKey, String value) {
    java.util.Set<String> loggers = new java.util.TreeSet<>();
    for (ILoggingEvent e : List.copyOf(appender.list)) {
      if (value.equals(e.getMDCPropertyMap().get(mdcKey))) {
        loggers.add(e.getLoggerName());
      }
    }
    return loggers;
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
