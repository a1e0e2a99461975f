package io.cyclegan.common.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Logs one event with a {@code requestId} in the MDC through the services' logback.xml. */
public final class LogFormatProbeMain {
  static final String MESSAGE = "log format probe";
  static final String REQUEST_ID = "req-42";

  private LogFormatProbeMain() {}

  public static void main(String[] args) {
    Logger log = LoggerFactory.getLogger(LogFormatProbeMain.class);
    MDC.put("requestId", REQUEST_ID);
    try {
      log.info(MESSAGE);
    } finally {
      MDC.remove("requestId");
    }
  }
}
