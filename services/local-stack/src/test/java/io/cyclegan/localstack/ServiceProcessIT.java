package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessIT {

  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final long MIB = 1024 * 1024;

  @Test
  void shouldRunShutdownHookWhenTerminated() throws Exception {
    try (ServiceProcess service = sleepy().build().start()) {
      service.awaitLog("ready", STARTUP);

      int exitCode = service.terminate();

      // 143 is 128 + SIGTERM, the JVM's own answer to it; 0 if the hook path ends in exit(0).
      assertThat(exitCode).isIn(143, 0);
      assertThat(service.isAlive()).isFalse();
      assertThat(service.exitCode()).hasValue(exitCode);
      assertThat(Files.readString(service.logFile())).contains("bye");
    }
  }

  @Test
  void shouldSkipShutdownHookWhenKilled() throws Exception {
    try (ServiceProcess service = sleepy().build().start()) {
      service.awaitLog("ready", STARTUP);

      int exitCode = service.kill();

      assertThat(exitCode).isEqualTo(137);
      assertThat(service.isAlive()).isFalse();
      assertThat(Files.readString(service.logFile())).doesNotContain("bye");
    }
  }

  @Test
  void shouldPassEnvJvmOptionsPropertiesAndArgsWhenStarted() throws Exception {
    try (ServiceProcess service =
        sleepy()
            .optEnv(Map.of("SLEEPY_GREETING", "hello from the test"))
            .optJvmOptions(List.of("-Xmx256m"))
            .optSystemProperties(Map.of("sleepy.name", "dormouse"))
            .optArgs(List.of("a", "b"))
            .build()
            .start()) {
      service.awaitLog("ready", STARTUP);

      String log = Files.readString(service.logFile());
      assertThat(log)
          .contains("env=hello from the test")
          .contains("property=dormouse")
          .contains("args=a,b");
      long maxMemory =
          log.lines()
              .filter(line -> line.startsWith("maxMemory="))
              .mapToLong(line -> Long.parseLong(line.substring("maxMemory=".length())))
              .findFirst()
              .orElseThrow();
      // The JVM reports a little less than -Xmx with some collectors (one survivor space).
      assertThat(maxMemory).isBetween(200 * MIB, 256 * MIB);
    }
  }

  @Test
  void shouldStartNewRunAndKeepEarlierLogWhenRestarted(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("logs").resolve("sleepy.log");
    try (ServiceProcess service = sleepy().optLogFile(log).build().start()) {
      service.awaitLog("ready", STARTUP);
      long firstPid = service.pid();

      service.restart();
      service.awaitLog("ready", STARTUP);

      assertThat(service.pid()).isNotEqualTo(firstPid);
      assertThat(service.isAlive()).isTrue();
      assertThat(service.logFile()).isEqualTo(log);
      String text = Files.readString(log);
      assertThat(text.split("ready", -1)).hasSize(3);
      assertThat(text).contains("bye");
      assertThat(service.logTail(1)).isEqualTo("ready");
    }
    assertThat(log).exists();
  }

  @Test
  void shouldFailWithExitCodeAndLogTailWhenProcessExitsBeforeLogging() {
    try (ServiceProcess service =
        ServiceProcess.builder().setMainClass("io.cyclegan.localstack.NoSuchMain").build()) {
      service.start();

      assertThatThrownBy(() -> service.awaitLog("ready", STARTUP))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("exited with code 1")
          .hasMessageContaining("NoSuchMain");
      assertThat(service.exitCode()).hasValue(1);
    }
  }

  @Test
  void shouldDeleteItsTemporaryLogWhenClosed() {
    ServiceProcess service = sleepy().build();
    Path log = service.logFile();

    service.close();

    assertThat(log).doesNotExist();
  }

  private static ServiceProcess.Builder sleepy() {
    return ServiceProcess.builder().setMainClass(SleepyService.class.getName());
  }
}
