package io.cyclegan.cli.chaos;

import io.cyclegan.localstack.FaultProxy;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.ServiceProcess;

/**
 * Runs one fault at a time against the local stack and the services, and says when it began and
 * ended. A fault always ends before {@link #inject} returns: the proxy passes again, the broker
 * runs, the service's new process is launched (and, when it could, reported ready).
 */
final class FaultInjector {

  /**
   * What happened.
   *
   * @param startedAtMs when the fault began (the signal sent, the proxy switched, the broker
   *     stopping)
   * @param endedAtMs when it ended: the proxy passing again, {@code startKafka} returned, the new
   *     process launched
   * @param readyAtMs for a service: when its new process logged that it was ready, or -1
   * @param exitCode for a service: the exit code of the process the fault stopped, or null
   * @param stopMs for a service: how long the signal took to end the process
   * @param note anything unusual (a SIGTERM that had to be followed by SIGKILL, a restart that did
   *     not get ready)
   */
  record Outcome(
      PlannedFault fault,
      long startedAtMs,
      long endedAtMs,
      long readyAtMs,
      Integer exitCode,
      long stopMs,
      String note) {}

  private final LocalStack stack;
  private final ServiceFleet fleet;
  private final RunLog log;

  FaultInjector(LocalStack stack, ServiceFleet fleet, RunLog log) {
    this.stack = stack;
    this.fleet = fleet;
    this.log = log;
  }

  Outcome inject(PlannedFault f) throws InterruptedException {
    log.say("fault %d: %s", f.index(), f.describe());
    return switch (f.kind()) {
      case KILL, TERM -> stopAndRestart(f);
      case BROKER_RESTART -> brokerRestart(f);
      case STORE_REFUSED, STORE_HUNG -> storeOutage(f);
    };
  }

  private Outcome stopAndRestart(PlannedFault f) throws InterruptedException {
    ServiceProcess p = fleet.process(f.service());
    long start = System.currentTimeMillis();
    Integer exit = null;
    String note = null;
    if (!p.isAlive()) {
      note = "was not running (exit " + p.exitCode() + ") when the fault began";
    } else if (f.kind() == FaultKind.KILL) {
      exit = p.kill();
    } else {
      try {
        exit = p.terminate();
      } catch (IllegalStateException e) {
        note = "did not exit within 60 s of SIGTERM and was killed";
        exit = p.exitCode().isPresent() ? p.exitCode().getAsInt() : null;
      }
    }
    long stopped = System.currentTimeMillis();
    Thread.sleep(f.durationMs());
    long end = System.currentTimeMillis();
    if (!fleet.startIfOpen(f.service())) {
      return new Outcome(f, start, end, -1, exit, stopped - start, "run stopping: not restarted");
    }
    long ready = -1;
    try {
      fleet.awaitReady(f.service());
      ready = System.currentTimeMillis();
    } catch (IllegalStateException e) {
      note = (note == null ? "" : note + "; ") + "restart not ready: " + firstLine(e.getMessage());
    }
    log.say(
        "fault %d: %s exited %s after %d ms, restarted, ready %s",
        f.index(),
        f.service(),
        exit,
        stopped - start,
        ready < 0 ? "NOT" : "in " + (ready - end) + " ms");
    return new Outcome(f, start, end, ready, exit, stopped - start, note);
  }

  private Outcome brokerRestart(PlannedFault f) throws InterruptedException {
    long start = System.currentTimeMillis();
    stack.stopKafka();
    try {
      Thread.sleep(f.durationMs());
    } finally {
      stack.startKafka();
    }
    long end = System.currentTimeMillis();
    log.say("fault %d: broker up again after %d ms", f.index(), end - start);
    return new Outcome(f, start, end, -1, null, 0, null);
  }

  private Outcome storeOutage(PlannedFault f) throws InterruptedException {
    FaultProxy proxy = stack.s3Proxy();
    long start = System.currentTimeMillis();
    if (f.kind() == FaultKind.STORE_REFUSED) {
      proxy.refuse();
    } else {
      proxy.blackhole();
    }
    try {
      Thread.sleep(f.durationMs());
    } finally {
      proxy.pass();
    }
    long end = System.currentTimeMillis();
    log.say("fault %d: store passing again after %d ms", f.index(), end - start);
    return new Outcome(f, start, end, -1, null, 0, null);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
