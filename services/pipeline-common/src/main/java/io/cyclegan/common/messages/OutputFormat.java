package io.cyclegan.common.messages;

import java.util.Arrays;
import java.util.Locale;

/**
 * The encoding of a translated image, chosen per request ({@code cg-output-format}, or {@code
 * format} over HTTP). PNG, the default, is lossless; JPEG (quality {@value #JPEG_QUALITY}) is about
 * a tenth of its size at 64 px, for about the same encoding CPU (docs/benchmarks.md). WebP is not
 * offered: the JDK has no encoder for it.
 */
public enum OutputFormat {
  png("image/png", "output.png"),
  jpeg("image/jpeg", "output.jpg");

  /** ImageIO's JPEG quality for outputs (its own default is 0.75). */
  public static final float JPEG_QUALITY = 0.9f;

  private final String contentType;
  private final String fileName;

  OutputFormat(String contentType, String fileName) {
    this.contentType = contentType;
    this.fileName = fileName;
  }

  public String contentType() {
    return contentType;
  }

  /** The output's file name under {@code results/{requestId}/}. */
  public String fileName() {
    return fileName;
  }

  /** Parses the header or query value (case aside), naming the accepted values when it is none. */
  public static OutputFormat parse(String value) {
    for (OutputFormat f : values()) {
      if (f.name().equals(value == null ? null : value.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "output format '" + value + "' is not one of " + Arrays.toString(values()));
  }
}
