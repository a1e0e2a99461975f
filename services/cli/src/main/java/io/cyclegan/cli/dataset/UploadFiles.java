package io.cyclegan.cli.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The files of a folder that an upload sends: regular, not hidden, in name order. */
final class UploadFiles {
  private UploadFiles() {}

  static List<Path> in(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is not a directory");
    }
    try (Stream<Path> entries = Files.list(dir)) {
      List<Path> files =
          entries
              .filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted(Comparator.comparing(p -> p.getFileName().toString()))
              .toList();
      if (files.isEmpty()) {
        throw new IllegalArgumentException("no files to upload in " + dir);
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
