package io.cyclegan.localstack;

import java.util.concurrent.CountDownLatch;

/**
 * A stand-in service for {@link ServiceProcessIT}: says what it was given, says "ready", then waits
 * to be stopped; its shutdown hook says "bye", so a test can tell SIGTERM from SIGKILL.
 */
final class SleepyService {

  private SleepyService() {}

  public static void main(String[] args) throws InterruptedException {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("bye")));
    System.out.println("maxMemory=" + Runtime.getRuntime().maxMemory());
    System.out.println("env=" + System.getenv("SLEEPY_GREETING"));
    System.out.println("property=" + System.getProperty("sleepy.name"));
    System.out.println("args=" + String.join(",", args));
    System.out.println("ready");
    new CountDownLatch(1).await();
  }
}
