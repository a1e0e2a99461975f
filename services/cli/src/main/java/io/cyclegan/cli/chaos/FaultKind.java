package io.cyclegan.cli.chaos;

import java.util.Locale;

/**
 * The faults a chaos run injects. Process faults name the service they hit; the others hit the
 * infrastructure every service shares.
 */
enum FaultKind {
  /** SIGKILL of a service (nothing runs: the OOM killer, a lost node), then a start. */
  KILL,
  /** SIGTERM of a service (its shutdown hook runs: a rolling update), then a start. */
  TERM,
  /** The broker stops, stays down for the fault's duration, and starts on the same data. */
  BROKER_RESTART,
  /** The store's port refuses connections and open ones are cut (the S3 process is gone). */
  STORE_REFUSED,
  /** The store accepts connections and answers nothing (a network partition). */
  STORE_HUNG;

  boolean hitsService() {
    return this == KILL || this == TERM;
  }

  /** The name used in the run folder's files and the progress lines. */
  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
