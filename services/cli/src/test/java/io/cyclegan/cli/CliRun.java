package io.cyclegan.cli;

import io.cyclegan.common.config.Env;
import io.cyclegan.localstack.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs the CLI in-process against a stack, as a user would from a shell, capturing its output. */
final class CliRun {

  /** What a run printed and returned. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private CliRun() {}

  /** The connection options that point the CLI at {@code stack}. */
  static List<String> connectionArgs(LocalStack stack) {
    return List.of(
        "--bootstrap-servers", stack.bootstrapServers(),
        "--s3-endpoint", stack.s3Endpoint(),
        "--s3-access-key", stack.accessKey(),
        "--s3-secret-key", stack.secretKey(),
        "--bucket", stack.bucket());
  }

  static Result run(LocalStack stack, String... args) {
    return run(stack, Map.of(), args);
  }

  /** Runs {@code args} plus the stack's connection options, with {@code env} as the environment. */
  static Result run(LocalStack stack, Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(connectionArgs(stack));
    return runPlain(env, all.toArray(String[]::new));
  }

  static Result runPlain(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CycleganCli.commandLine(new CliContext(new Env(env), false));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }
}
