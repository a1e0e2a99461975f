package io.cyclegan.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A service's {@code main} run in a JVM of its own, so that a test can do to it what happens to a
 * deployed service: SIGTERM (a rolling update; shutdown hooks run), SIGKILL (the OOM killer, a lost
 * node; nothing runs) and a restart on the same data. A service inside the test JVM cannot be
 * killed without killing the test, and shares its heap and its {@code System.exit}.
 *
 * <pre>{@code
 * try (ServiceProcess worker =
 *     ServiceProcess.builder()
 *         .setMainClass("io.cyclegan.inference.InferenceWorkerMain")
 *         .optEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers()))
 *         .optJvmOptions(List.of("-Xmx256m"))
 *         .build()
 *         .start()) {
 *   worker.awaitLog("started", Duration.ofSeconds(60));
 *   worker.kill();
 *   worker.start();
 * }
 * }</pre>
 *
 * <p>The child runs the same {@code java} as this JVM with this JVM's class path by default, so a
 * test whose class path holds the service starts it without a jar. Its stdout and stderr go to one
 * log file, appended to across restarts; {@link #awaitLog(String, Duration)} looks only at what the
 * current run wrote, so that a restart's readiness line is not found in the previous run's output.
 */
public final class ServiceProcess implements AutoCloseable {

  private static final long POLL_MS = 50;
  private static final int TAIL_BYTES = 256 * 1024;
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);

  private final String mainClass;
  private final Map<String, String> env;
  private final List<String> jvmOptions;
  private final Map<String, String> systemProperties;
  private final List<String> args;
  private final String classpath;
  private final Path logFile;
  private final boolean deleteLogFile;
  private final Duration terminateTimeout;

  private Process process; // guarded by this
  private long runLogOffset; // guarded by this; where the current run's output starts
  private Path argFile; // guarded by this

  private ServiceProcess(Builder builder, Path logFile, boolean deleteLogFile) {
    this.mainClass = builder.mainClass;
    this.env = Map.copyOf(builder.env);
    this.jvmOptions = List.copyOf(builder.jvmOptions);
    this.systemProperties = Map.copyOf(builder.systemProperties);
    this.args = List.copyOf(builder.args);
    this.classpath = builder.classpath;
    this.logFile = logFile;
    this.deleteLogFile = deleteLogFile;
    this.terminateTimeout = builder.terminateTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the JVM; its output is appended to {@link #logFile()}.
   *
   * @return this, for {@code builder()...build().start()}
   * @throws IllegalStateException when it is running already
   */
  public synchronized ServiceProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(mainClass + " is running already, pid " + process.pid());
    }
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmOptions);
    systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    // Linux refuses a single argument over 128 KiB; a build's class path can come near that.
    command.add("@" + classpathArgFile());
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().putAll(env);
    try {
      runLogOffset = Files.size(logFile);
      process = builder.start();
      // No input: a child that reads stdin sees its end at once instead of waiting forever.
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
    }
    return this;
  }

  /** SIGKILL: no shutdown hook runs. Waits for the exit and returns its code (137 on Linux). */
  public int kill() {
    Process running = requireStarted();
    running.destroyForcibly();
    if (!waitFor(running, KILL_TIMEOUT)) {
      throw new IllegalStateException(
          mainClass + " (pid " + running.pid() + ") still runs " + KILL_TIMEOUT + " after SIGKILL");
    }
    return running.exitValue();
  }

  /**
   * SIGTERM: shutdown hooks run. Waits for the exit and returns its code (143 after a JVM's own
   * SIGTERM handling, or what the service passed to {@code System.exit}).
   *
   * @throws IllegalStateException when it still runs after the terminate timeout; it is then killed
   */
  public int terminate() {
    Process running = requireStarted();
    running.destroy();
    if (!waitFor(running, terminateTimeout)) {
      kill();
      throw new IllegalStateException(
          mainClass
              + " (pid "
              + running.pid()
              + ") did not exit within "
              + terminateTimeout
              + " of SIGTERM and was killed; last lines of "
              + logFile
              + ":\n"
              + logTail(20));
    }
    return running.exitValue();
  }

  /** Terminates the process if it runs ({@link #terminate()}), then starts it again. */
  public ServiceProcess restart() {
    if (isAlive()) {
      terminate();
    }
    return start();
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The operating system's id of the current (or last) run. */
  public long pid() {
    return requireStarted().pid();
  }

  /** The last run's exit code; empty while it runs or before the first start. */
  public synchronized OptionalInt exitCode() {
    if (process == null || process.isAlive()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(process.exitValue());
  }

  /** Where stdout and stderr of every run go. */
  public Path logFile() {
    return logFile;
  }

  /** The last {@code lines} lines of the log, all runs together; for assertion messages. */
  public String logTail(int lines) {
    if (lines < 0) {
      throw new IllegalArgumentException("lines must not be negative, was " + lines);
    }
    List<String> all;
    try {
      long size = Files.size(logFile);
      all = readFrom(Math.max(0, size - TAIL_BYTES)).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + logFile, e);
    }
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /**
   * Waits until the current run has written {@code text} to its log.
   *
   * @throws IllegalStateException when the process exits first or {@code timeout} passes; the
   *     message ends with the log's last lines
   */
  public void awaitLog(String text, Duration timeout) {
    Objects.requireNonNull(text, "text");
    Process running = requireStarted();
    long offset;
    synchronized (this) {
      offset = runLogOffset;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      // Read the log before asking whether the process lives: a line written just before the
      // exit is then still found.
      boolean exited = !running.isAlive();
      if (currentRunOutput(offset).contains(text)) {
        return;
      }
      if (exited) {
        throw new IllegalStateException(
            mainClass
                + " exited with code "
                + running.exitValue()
                + " before it logged \""
                + text
                + "\"; last lines of "
                + logFile
                + ":\n"
                + logTail(20));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            mainClass
                + " did not log \""
                + text
                + "\" within "
                + timeout
                + "; last lines of "
                + logFile
                + ":\n"
                + logTail(20));
      }
      pause();
    }
  }

  /**
   * Kills the process if it runs and deletes the files this harness made (the class path argument
   * file, and the log unless one was given).
   */
  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      kill();
    }
    try {
      if (argFile != null) {
        Files.deleteIfExists(argFile);
        argFile = null;
      }
      if (deleteLogFile) {
        Files.deleteIfExists(logFile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the files of " + mainClass, e);
    }
  }

  @Override
  public synchronized String toString() {
    return "ServiceProcess["
        + mainClass
        + (process == null ? ", not started" : ", pid " + process.pid())
        + (isAlive() ? ", alive" : "")
        + ", log "
        + logFile
        + "]";
  }

  private synchronized Process requireStarted() {
    if (process == null) {
      throw new IllegalStateException(mainClass + " has not been started");
    }
    return process;
  }

  private String currentRunOutput(long offset) {
    try {
      return readFrom(offset);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + logFile, e);
    }
  }

  private String readFrom(long offset) throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(logFile)) {
      long size = channel.size();
      if (size <= offset) {
        return "";
      }
      ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(size - offset));
      channel.position(offset);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // read until the size seen above
      }
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }
  }

  /** Writes {@code -cp <classpath>} once to a launcher argument file. */
  private synchronized Path classpathArgFile() {
    if (argFile == null) {
      // In an argument file a quoted argument may hold spaces; backslashes and quotes are escaped.
      String quoted = "\"" + classpath.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      try {
        argFile = Files.createTempFile("service-process-classpath-", ".args");
        Files.writeString(argFile, "-cp " + quoted + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the class path argument file", e);
      }
    }
    return argFile;
  }

  private static String javaBinary() {
    Path javaHome = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(javaHome)) {
      return javaHome.toString();
    }
    return ProcessHandle.current()
        .info()
        .command()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no java binary at " + javaHome + " and the current command is unknown"));
  }

  private static boolean waitFor(Process running, Duration timeout) {
    try {
      return running.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for pid " + running.pid(), e);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a log line", e);
    }
  }

  /** What to run and how; only the main class is required. */
  public static final class Builder {

    private String mainClass;
    private Map<String, String> env = Map.of();
    private List<String> jvmOptions = List.of();
    private Map<String, String> systemProperties = Map.of();
    private List<String> args = List.of();
    private String classpath = System.getProperty("java.class.path");
    private Path logFile;
    private Duration terminateTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /** The fully qualified name of the class whose {@code main} to run. */
    public Builder setMainClass(String mainClass) {
      this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
      return this;
    }

    /** Variables added to (or replacing in) the environment this JVM passes on; default none. */
    public Builder optEnv(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    /** Options before the main class, such as {@code -Xmx256m}; default none. */
    public Builder optJvmOptions(List<String> jvmOptions) {
      this.jvmOptions = List.copyOf(jvmOptions);
      return this;
    }

    /** Passed as {@code -Dkey=value}; default none. */
    public Builder optSystemProperties(Map<String, String> systemProperties) {
      this.systemProperties = Map.copyOf(systemProperties);
      return this;
    }

    /** Arguments of {@code main}; default none. */
    public Builder optArgs(List<String> args) {
      this.args = List.copyOf(args);
      return this;
    }

    /** The child's class path; default this JVM's {@code java.class.path}. */
    public Builder optClasspath(String classpath) {
      this.classpath = Objects.requireNonNull(classpath, "classpath");
      return this;
    }

    /** Where stdout and stderr go, appended; default a temporary file deleted on close. */
    public Builder optLogFile(Path logFile) {
      this.logFile = Objects.requireNonNull(logFile, "logFile");
      return this;
    }

    /** How long {@link ServiceProcess#terminate()} waits for the exit; default 30 s. */
    public Builder optTerminateTimeout(Duration terminateTimeout) {
      Objects.requireNonNull(terminateTimeout, "terminateTimeout");
      if (terminateTimeout.isNegative() || terminateTimeout.isZero()) {
        throw new IllegalArgumentException(
            "terminate timeout must be positive, was " + terminateTimeout);
      }
      this.terminateTimeout = terminateTimeout;
      return this;
    }

    /** Checks the options and makes the log file; nothing starts yet. */
    public ServiceProcess build() {
      if (mainClass == null || mainClass.isBlank()) {
        throw new IllegalStateException("the main class is required: call setMainClass");
      }
      if (classpath == null || classpath.isBlank()) {
        throw new IllegalStateException(
            "no class path: this JVM has no java.class.path; call optClasspath");
      }
      try {
        if (logFile != null) {
          Path parent = logFile.toAbsolutePath().getParent();
          if (parent != null) {
            Files.createDirectories(parent);
          }
          if (!Files.exists(logFile)) {
            Files.createFile(logFile);
          }
          return new ServiceProcess(this, logFile, false);
        }
        String simpleName = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        return new ServiceProcess(
            this, Files.createTempFile("service-" + simpleName + "-", ".log"), true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the log file " + logFile, e);
      }
    }
  }
}
