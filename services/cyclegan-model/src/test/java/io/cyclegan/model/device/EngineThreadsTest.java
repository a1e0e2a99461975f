package io.cyclegan.model.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

class EngineThreadsTest {

  /** Runs {@code body} on a new thread and puts libtorch's count back afterwards. */
  private static <T> T onFreshThread(Callable<T> body) throws Exception {
    FutureTask<T> task =
        new FutureTask<>(
            () -> {
              int before = EngineThreads.intraOp();
              try {
                return body.call();
              } finally {
                EngineThreads.useIntraOp(before);
              }
            });
    Thread thread = new Thread(task, "engine-threads-test");
    thread.start();
    return task.get();
  }

  // The module's tests run libtorch on one thread (pom.xml); each case first gives the thread
  // four, as libtorch would choose on a 4-core node whatever the container's CPU quota.

  @Test
  void shouldLowerLibtorchsCountToTheProcessorsTheJvmMayUse() throws Exception {
    int[] fitted =
        onFreshThread(
            () -> {
              EngineThreads.useIntraOp(4);
              return new int[] {EngineThreads.fit(2, false), EngineThreads.intraOp()};
            });

    assertThat(fitted).containsExactly(2, 2);
  }

  @Test
  void shouldNeverRaiseLibtorchsCount() throws Exception {
    int[] fitted =
        onFreshThread(
            () -> {
              EngineThreads.useIntraOp(4);
              return new int[] {EngineThreads.fit(16, false), EngineThreads.intraOp()};
            });

    assertThat(fitted).containsExactly(4, 4);
  }

  @Test
  void shouldKeepTheCountAnOperatorChose() throws Exception {
    int[] fitted =
        onFreshThread(
            () -> {
              EngineThreads.useIntraOp(4);
              return new int[] {EngineThreads.fit(2, true), EngineThreads.intraOp()};
            });

    assertThat(fitted).containsExactly(4, 4);
  }

  @Test
  void shouldTakeTheEnvironmentOrDjlsPropertyAsTheOperatorsChoice() {
    Properties none = new Properties();
    Properties djl = new Properties();
    djl.setProperty("ai.djl.pytorch.num_threads", "3");

    assertThat(EngineThreads.operatorChose(Map.of(), none)).isFalse();
    assertThat(EngineThreads.operatorChose(Map.of("OMP_NUM_THREADS", " "), none)).isFalse();
    assertThat(EngineThreads.operatorChose(Map.of("OMP_NUM_THREADS", "4"), none)).isTrue();
    assertThat(EngineThreads.operatorChose(Map.of("MKL_NUM_THREADS", "4"), none)).isTrue();
    assertThat(EngineThreads.operatorChose(Map.of(), djl)).isTrue();
  }

  @Test
  void shouldRefuseNoProcessors() {
    assertThatThrownBy(() -> EngineThreads.fit(0, false))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
