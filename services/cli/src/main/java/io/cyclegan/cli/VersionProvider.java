package io.cyclegan.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, or "development" when run from classes. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = CycleganCli.class.getPackage().getImplementationVersion();
    return new String[] {"cyclegan " + (version == null ? "development" : version)};
  }
}
