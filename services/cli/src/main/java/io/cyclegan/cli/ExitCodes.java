package io.cyclegan.cli;

/** The exit statuses of every command, so scripts can tell the outcomes apart. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;

  /** The operation ran and failed: a job failed or was cancelled, a file was rejected. */
  public static final int FAILED = 1;

  /** Bad arguments: picocli's own status for usage errors. */
  public static final int USAGE = 2;

  /** No answer in time (results, the ingest service's progress). */
  public static final int TIMEOUT = 3;

  /** {@code train} sent a start for a job id that already exists. */
  public static final int EXISTS = 4;
}
