package io.cyclegan.localstack;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests a running {@link LocalStack}: one per test run (JVM), started on first
 * use with the default options (free ports, default topics, bucket {@value
 * LocalStack#DEFAULT_BUCKET}) and closed when the run ends.
 *
 * <pre>{@code
 * @ExtendWith(LocalStackExtension.class)
 * class IngestIT {
 *   @Test
 *   void shouldStoreImageWhenReceived(LocalStack stack) { ... stack.bootstrapServers() ... }
 * }
 * }</pre>
 *
 * <p>A {@code LocalStack} parameter is resolved in test constructors, test methods and lifecycle
 * methods; {@link #sharedStack()} returns the same stack from anywhere (a static field initialiser,
 * a helper).
 *
 * <p>The stack is shared, so a test that stops the broker ({@link LocalStack#stopKafka()}) or the
 * S3 server ({@link LocalStack#stopS3()}) must start it again ({@link LocalStack#startKafka()},
 * {@link LocalStack#startS3()}) before it returns, in a {@code finally}. As a safety net the
 * extension restarts a server it finds stopped before each test, so one forgetful test does not
 * fail every test after it.
 */
public final class LocalStackExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalStackExtension.class);

  private static LocalStack shared;

  private static boolean exitHookAdded;

  /**
   * The stack of this run, started if it is not yet. JUnit closes it at the end of the run once any
   * test class has used the extension; otherwise the JVM's exit does.
   */
  public static synchronized LocalStack sharedStack() {
    if (shared == null) {
      shared = LocalStack.builder().build().start();
      if (!exitHookAdded) {
        // For a stack reached only through this method, outside the extension: its temporary
        // folder should not outlive the JVM either.
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(LocalStackExtension::closeAtExit, "local-stack-test-shutdown"));
        exitHookAdded = true;
      }
    }
    return shared;
  }

  private static synchronized void closeAtExit() {
    if (shared != null) {
      closeShared(shared);
    }
  }

  private static synchronized void closeShared(LocalStack stack) {
    try {
      stack.close();
    } finally {
      if (shared == stack) {
        shared = null;
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    stackFor(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    LocalStack stack = stackFor(context);
    if (!stack.isKafkaRunning()) {
      stack.startKafka();
    }
    if (!stack.isS3Running()) {
      stack.startS3();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return stackFor(context);
  }

  /**
   * Registers the shared stack in the root store, whose values JUnit closes when the whole run
   * ends, not when the test class ends.
   */
  private static LocalStack stackFor(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(SharedStack.class, key -> new SharedStack(), SharedStack.class)
        .stack();
  }

  /** The root-store entry; JUnit calls {@link #close()} at the end of the run. */
  private static final class SharedStack implements AutoCloseable {

    private final LocalStack stack = sharedStack();

    LocalStack stack() {
      return stack;
    }

    @Override
    public void close() {
      closeShared(stack);
    }
  }
}
