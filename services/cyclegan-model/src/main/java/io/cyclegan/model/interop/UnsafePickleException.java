package io.cyclegan.model.interop;

import io.cyclegan.model.checkpoint.CorruptCheckpointException;

/**
 * A pickle that asks for something a state_dict never needs (a global outside the allow-list, an
 * opcode that builds arbitrary objects). Pickles are untrusted input: loading one may run code, so
 * the reader stops at the first such request and names it.
 */
public final class UnsafePickleException extends CorruptCheckpointException {

  /** Creates the exception; the message names what was refused and where. */
  public UnsafePickleException(String message) {
    super(message);
  }
}
