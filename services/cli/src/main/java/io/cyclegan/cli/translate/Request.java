package io.cyclegan.cli.translate;

import io.cyclegan.common.messages.TranslateResult;
import java.nio.file.Path;

/**
 * One file's translation request and, once known, its outcome.
 *
 * @param result the answer on the results topic, if one came
 * @param error why there is no usable result (not sent, dead-lettered), if so
 */
record Request(Path file, String requestId, Path output, TranslateResult result, String error) {

  static Request pending(Path file, String requestId, Path output) {
    return new Request(file, requestId, output, null, null);
  }

  Request answered(TranslateResult result) {
    return new Request(file, requestId, output, result, null);
  }

  Request failed(String error) {
    return new Request(file, requestId, output, null, error);
  }

  boolean isDone() {
    return result != null || error != null;
  }

  String name() {
    return file.getFileName().toString();
  }
}
