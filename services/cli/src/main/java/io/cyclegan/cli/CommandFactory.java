package io.cyclegan.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Creates commands with their {@link CliContext} through a constructor that takes one, and
 * everything else with picocli's default factory. This is the only dependency injection there is.
 */
final class CommandFactory implements CommandLine.IFactory {
  private final CliContext context;
  private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

  CommandFactory(CliContext context) {
    this.context = context;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    try {
      Constructor<K> withContext = type.getDeclaredConstructor(CliContext.class);
      withContext.setAccessible(true);
      return withContext.newInstance(context);
    } catch (NoSuchMethodException e) {
      return fallback.create(type);
    }
  }
}
