package io.cyclegan.cli.translate;

import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.OutputFormat;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Output file names: {@code <base name>-<direction>.png} (or {@code .jpg} for JPEG outputs),
 * numbered when two inputs share a base name, so no output overwrites another.
 */
final class OutputNames {
  private final Path dir;
  private final Direction direction;
  private final String extension;
  private final Set<String> used = new HashSet<>();

  OutputNames(Path dir, Direction direction) {
    this(dir, direction, OutputFormat.png);
  }

  OutputNames(Path dir, Direction direction, OutputFormat format) {
    this.dir = dir;
    this.direction = direction;
    String file = format.fileName();
    this.extension = file.substring(file.lastIndexOf('.'));
  }

  Path forInput(Path input) {
    String name = input.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String candidate = base + "-" + direction + extension;
    for (int n = 2; !used.add(candidate); n++) {
      candidate = base + "-" + n + "-" + direction + extension;
    }
    return dir.resolve(candidate);
  }
}
