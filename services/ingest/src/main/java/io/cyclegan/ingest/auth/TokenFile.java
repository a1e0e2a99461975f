package io.cyclegan.ingest.auth;

import io.cyclegan.common.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens from a file of lines {@code name:sha256hex:scope,scope} ({@code #} starts a
 * comment), holding only the hashes. The file is read again whenever its modification time or size
 * changes, so tokens are rotated by rewriting it (a Kubernetes Secret update swaps it) without a
 * restart. A file that no longer parses keeps the previous tokens, with an error in the log: a
 * half-written file must not lock everyone out or let anyone in.
 *
 * <p>Every presented token is hashed and compared with every entry in constant time ({@link
 * MessageDigest#isEqual}), so the time taken says nothing about how close a guess was.
 */
public final class TokenFile {
  private static final Logger log = LoggerFactory.getLogger(TokenFile.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  private record Entry(String name, byte[] hash, Set<Scope> scopes) {}

  private record Snapshot(Object version, List<Entry> entries) {}

  private final Path path;
  private final String variable;
  private volatile Snapshot snapshot;

  /**
   * Reads the file once now.
   *
   * @param variable the setting that named the file, for errors
   * @throws ConfigException naming the variable when the file cannot be read or parsed
   */
  public TokenFile(Path path, String variable) {
    this.path = Objects.requireNonNull(path, "path");
    this.variable = variable;
    try {
      Object version = version();
      this.snapshot =
          new Snapshot(version, parse(Files.readAllLines(path, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new ConfigException(variable, "cannot read the tokens file " + path + ": " + e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(variable, "the tokens file " + path + " " + e.getMessage());
    }
  }

  /**
   * The caller the token belongs to.
   *
   * @throws AuthException {@code INVALID_TOKEN} when no entry matches
   */
  public Caller authenticate(String token) {
    byte[] presented = ApiTokens.sha256(token);
    Entry match = null;
    for (Entry e : current().entries()) {
      // No early exit: every entry is compared, whatever matched.
      if (MessageDigest.isEqual(e.hash(), presented)) {
        match = e;
      }
    }
    if (match == null) {
      throw AuthException.invalid("the bearer token is not valid");
    }
    return new Caller(match.name(), match.scopes());
  }

  /** How many tokens the file holds now. */
  public int size() {
    return current().entries().size();
  }

  private Snapshot current() {
    Snapshot s = snapshot;
    Object version;
    try {
      version = version();
    } catch (IOException e) {
      log.error("cannot read the tokens file {} ({}), keeping the previous tokens", path, e);
      return s;
    }
    if (version.equals(s.version())) {
      return s;
    }
    synchronized (this) {
      if (version.equals(snapshot.version())) {
        return snapshot;
      }
      try {
        snapshot = new Snapshot(version, parse(Files.readAllLines(path, StandardCharsets.UTF_8)));
        log.info("tokens file {} read again: {} tokens", path, snapshot.entries().size());
      } catch (IOException | IllegalArgumentException e) {
        log.error("tokens file {} ({}): {}, keeping the previous tokens", path, variable, e);
        snapshot = new Snapshot(version, snapshot.entries());
      }
      return snapshot;
    }
  }

  private Object version() throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    return Arrays.asList(a.lastModifiedTime(), a.size(), a.fileKey());
  }

  static List<Entry> parse(List<String> lines) {
    List<Entry> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(":", -1);
      String where = "line " + (i + 1) + ": ";
      if (parts.length != 3) {
        throw new IllegalArgumentException(where + "expected name:sha256hex:scope[,scope...]");
      }
      if (!NAME.matcher(parts[0]).matches() || !names.add(parts[0])) {
        throw new IllegalArgumentException(
            where + "expected a unique name matching " + NAME.pattern());
      }
      if (!HASH.matcher(parts[1]).matches()) {
        throw new IllegalArgumentException(
            where + "expected the token's SHA-256 as 64 lower-case hex digits");
      }
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      for (String label : parts[2].split(",")) {
        scopes.add(
            Scope.parse(label)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            where
                                + "unknown scope '"
                                + label.strip()
                                + "', expected one of "
                                + List.of("read", "translate", "upload", "train", "admin"))));
      }
      out.add(new Entry(parts[0], HexFormat.of().parseHex(parts[1]), scopes));
    }
    return List.copyOf(out);
  }
}
