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

  /**
   * On a new thread given four threads, as libtorch would choose on a 4-core node whatever the
   * container's CPU quota (the module's tests run libtorch on one, pom.xml): what {@code fit}
   * returns, and the count in effect after it.
   */
  private static int[] fitFromFour(int processors, boolean operatorChose) throws Exception {
    return onFreshThread(
        () -> {
          EngineThreads.useIntraOp(4);
          return new int[] {EngineThreads.fit(processors, operatorChose), EngineThreads.intraOp()};
        });
  }

  @Test
  void shouldLowerLibtorchsCountToTheProcessorsTheJvmMayUse() throws Exception {
    assertThat(fitFromFour(2, false)).containsExactly(2, 2);
  }

  @Test
  void shouldNeverRaiseLibtorchsCount() throws Exception {
    assertThat(fitFromFour(16, false)).containsExactly(4, 4);
  }

  @Test
  void shouldKeepTheCountAnOperatorChose() throws Exception {
    assertThat(fitFromFour(2, true)).containsExactly(4, 4);
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
