package io.cyclegan.cli.output;

/** The {@code -o} choices. */
public enum OutputFormat {
  table,
  json,
  yaml
}
