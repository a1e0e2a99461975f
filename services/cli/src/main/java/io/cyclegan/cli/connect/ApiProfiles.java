package io.cyclegan.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The profiles file, {@code ~/.config/cyclegan/config.yaml} (or {@code $CYCLEGAN_CONFIG}): named
 * API endpoints with their tokens, so a person outside the cluster types neither.
 *
 * <pre>
 * current: prod            # used when no --profile / CYCLEGAN_PROFILE is given
 * profiles:
 *   prod:
 *     api: https://cyclegan.example.org
 *     token: cgt_...       # or tokenFile: ~/.config/cyclegan/prod.token
 * </pre>
 */
final class ApiProfiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** An endpoint and its token (either may be null). */
  record Profile(String api, String token) {}

  private ApiProfiles() {}

  /**
   * The profile {@code name} (else the file's {@code current}) from {@code file}; empty when the
   * file does not exist or names no current profile.
   *
   * @throws IllegalArgumentException when the file does not parse or lacks the profile named
   */
  static Optional<Profile> read(Path file, String name) {
    if (!Files.isRegularFile(file)) {
      if (name != null) {
        throw new IllegalArgumentException(
            "no profile '" + name + "': " + file + " does not exist");
      }
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " is not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      return Optional.empty();
    }
    String chosen = name != null ? name : root.path("current").asText(null);
    if (chosen == null) {
      return Optional.empty();
    }
    JsonNode p = root.path("profiles").path(chosen);
    if (!p.isObject()) {
      throw new IllegalArgumentException("no profile '" + chosen + "' in " + file);
    }
    String token = p.path("token").asText(null);
    String tokenFile = p.path("tokenFile").asText(null);
    if (token == null && tokenFile != null) {
      Path path = Path.of(tokenFile.replaceFirst("^~", System.getProperty("user.home")));
      try {
        token = Files.readString(path).trim();
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "profile '" + chosen + "': cannot read its tokenFile " + path, e);
      }
    }
    return Optional.of(new Profile(p.path("api").asText(null), token));
  }
}
