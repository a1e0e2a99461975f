package io.cyclegan.common.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.fault.Dependency;
import io.cyclegan.common.fault.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A store call waiting on a store that has stopped answering ends at once when its thread is
 * interrupted (a service stopping), well before the read timeout, and without counting as a store
 * fault: the exchange runs on the caller's thread ({@link PlainHttp}), so its socket wait, not a
 * future, is what the interrupt must end.
 */
class ObjectStoreInterruptTest {
  @Test
  void anInterruptEndsACallWaitingOnASilentStore() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CountDownLatch requestSent = new CountDownLatch(1);
      Thread server =
          new Thread(
              () -> {
                try (Socket s = silent.accept()) {
                  InputStream in = s.getInputStream();
                  if (in.read() >= 0) {
                    requestSent.countDown();
                  }
                  in.readAllBytes(); // never answers; ends when the client closes
                } catch (IOException e) {
                  // the client went away
                }
              });
      server.setDaemon(true);
      server.start();
      Dependency dependency = new Dependency("object-store");
      ObjectStore store =
          new ObjectStore(
              S3Settings.of(
                  "http://127.0.0.1:" + silent.getLocalPort(), "bucket", "access", "secret"),
              new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(5)),
              dependency);
      CompletableFuture<Throwable> thrown = new CompletableFuture<>();
      Thread caller =
          new Thread(
              () -> {
                try {
                  store.get("some/key");
                  thrown.complete(null);
                } catch (Throwable t) {
                  thrown.complete(t);
                }
              });
      caller.start();
      assertThat(requestSent.await(10, TimeUnit.SECONDS)).isTrue();

      caller.interrupt();

      // Under the 15 s read timeout: only the interrupt can end the call this soon.
      Throwable t = thrown.get(10, TimeUnit.SECONDS);
      assertThat(t).isInstanceOf(StoreUnavailableException.class);
      assertThat(t.getCause()).isInstanceOf(InterruptedException.class);
      assertThat(dependency.isUp()).isTrue(); // a stop, not a store fault
      caller.join(10_000);
      assertThat(caller.isAlive()).isFalse();
    }
  }
}
