package io.cyclegan.localstack;

/** A port the stack was asked to listen on is already taken by another process. */
public final class PortInUseException extends IllegalStateException {

  private final int port;

  PortInUseException(String what, String host, int port, String hint) {
    super(what + " port " + port + " on " + host + " is already in use" + hint);
    this.port = port;
  }

  /** The port that was taken. */
  public int port() {
    return port;
  }
}
