package io.cyclegan.cli;

import io.cyclegan.common.config.Env;

/**
 * What every command receives from outside: the environment it reads defaults from, and whether a
 * person is watching (a console is attached), which decides between live progress lines and plain
 * ones. Tests pass a literal environment and {@code interactive = false}.
 */
public record CliContext(Env env, boolean interactive) {

  public static CliContext system() {
    return new CliContext(Env.system(), System.console() != null);
  }
}
