package io.cyclegan.cli.chaos;

import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three services, each a JVM of its own started from this JVM's class path, configured from
 * environment variables exactly as in a deployment, logging to {@code <run>/logs/<service>.log}
 * (appended to across restarts).
 */
final class ServiceFleet implements AutoCloseable {

  /** How a service starts and how it says it is ready. */
  private record Spec(String mainClass, String heap, String readyLine, Map<String, String> env) {}

  static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  private final Map<String, ServiceProcess> processes = new LinkedHashMap<>();
  private final Map<String, String> readyLines = new HashMap<>();
  private final java.util.concurrent.atomic.AtomicBoolean closing =
      new java.util.concurrent.atomic.AtomicBoolean();

  private static Path apiTokens(Path runDir) {
    try {
      byte[] secret = new byte[32];
      new java.security.SecureRandom().nextBytes(secret);
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(secret);
      Path file = runDir.resolve("api-tokens");
      java.nio.file.Files.createDirectories(runDir);
      java.nio.file.Files.writeString(
          file, "chaos:" + java.util.HexFormat.of().formatHex(hash) + ":admin\n");
      return file;
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot write the API tokens file in " + runDir, e);
    }
  }

  ServiceFleet(LocalStack stack, Path runDir) {
    Map<String, String> common = new HashMap<>(stack.connectionEnv());
    common.put("CYCLEGAN_METRICS_PORT", "0");
    // libgomp spin-waiting starves every other JVM on a small machine.
    common.put("OMP_WAIT_POLICY", "passive");
    Map<String, Spec> specs = new LinkedHashMap<>();
    specs.put(
        "ingest",
        new Spec(
            "io.cyclegan.ingest.IngestMain",
            "-Xmx256m",
            "ingest ready",
            Map.of(
                "CYCLEGAN_HTTP_PORT",
                "0",
                "CYCLEGAN_INGEST_THREADS",
                "2",
                // The HTTP API authenticates (it listens on every interface); the run does not
                // call it, so the file holds the hash of a token nobody knows.
                "CYCLEGAN_API_TOKENS_FILE",
                apiTokens(runDir).toString())));
    specs.put(
        "training",
        new Spec(
            "io.cyclegan.training.TrainingWorkerMain",
            "-Xmx768m",
            "training worker chaos-training reading",
            Map.of(
                "CYCLEGAN_DEVICE", "cpu",
                "CYCLEGAN_CACHE_DIR", runDir.resolve("training-cache").toString(),
                "CYCLEGAN_PROGRESS_EVERY_STEPS", "10")));
    specs.put(
        "inference",
        new Spec(
            "io.cyclegan.inference.InferenceWorkerMain",
            "-Xmx512m",
            "inference worker consuming",
            Map.of("CYCLEGAN_DEVICE", "cpu")));
    specs.forEach(
        (name, spec) -> {
          Map<String, String> env = new HashMap<>(common);
          env.putAll(spec.env());
          // A fixed id: static group membership lets the restarted process take its partitions
          // back at once, as a pod of a StatefulSet would.
          env.put("CYCLEGAN_INSTANCE_ID", "chaos-" + name);
          processes.put(
              name,
              ServiceProcess.builder()
                  .setMainClass(spec.mainClass())
                  .optEnv(env)
                  .optJvmOptions(
                      List.of(
                          spec.heap(),
                          "-Dai.djl.offline=true",
                          // Two shared cores: one libtorch thread per worker.
                          "-Dai.djl.pytorch.num_threads=1",
                          "-Dai.djl.pytorch.num_interop_threads=1"))
                  .optLogFile(runDir.resolve("logs").resolve(name + ".log"))
                  .optTerminateTimeout(Duration.ofSeconds(60))
                  .build());
          readyLines.put(name, spec.readyLine());
        });
  }

  List<String> names() {
    return List.copyOf(processes.keySet());
  }

  ServiceProcess process(String name) {
    ServiceProcess p = processes.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no service " + name + ", expected one of " + names());
    }
    return p;
  }

  /** Starts every service, one after the other, each once the one before is ready. */
  void startAll() {
    for (String name : names()) {
      if (!startIfOpen(name)) {
        return;
      }
      awaitReady(name);
    }
  }

  /**
   * Starts the service's process unless the fleet is closing (Ctrl-C), so that no process is
   * started after {@link #close()} stopped them all; false when it did not start it.
   */
  synchronized boolean startIfOpen(String name) {
    if (closing.get()) {
      return false;
    }
    process(name).start();
    return true;
  }

  boolean isClosing() {
    return closing.get();
  }

  /** Waits for the current run's ready line; throws with the log's tail when it does not come. */
  void awaitReady(String name) {
    process(name).awaitLog(readyLines.get(name), READY_TIMEOUT);
  }

  /** SIGTERM to each, in reverse order; one that does not stop in time is killed. */
  @Override
  public void close() {
    closing.set(true);
    // Holding the lock waits for a start in progress, which then sees the flag next time.
    synchronized (this) {
      stopAll();
    }
  }

  private void stopAll() {
    List<String> reverse = new java.util.ArrayList<>(names());
    java.util.Collections.reverse(reverse);
    for (String name : reverse) {
      ServiceProcess p = processes.get(name);
      try {
        if (p.isAlive()) {
          p.terminate();
        }
      } catch (RuntimeException e) {
        // terminate() killed it already; the log keeps the reason.
      } finally {
        p.close();
      }
    }
  }
}
