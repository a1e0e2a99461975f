package io.cyclegan.training.commands;

import io.cyclegan.common.config.ConfigException;
import io.cyclegan.common.config.Env;
import io.cyclegan.common.store.Names;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Who may publish a protected model: a start command for a model on this list is refused unless its
 * {@code cg-principal} is one of the model's publishers. Models not on the list are open to anyone
 * who may write the command topic. Read from {@code CYCLEGAN_MODEL_PUBLISHERS} ({@code
 * zebra=alice,bob;horse=carol}) and from the properties file {@code CYCLEGAN_MODEL_PUBLISHERS_FILE}
 * ({@code zebra=alice,bob}, one model a line), both optional.
 */
public final class ModelPublishers {
  public static final ModelPublishers OPEN = new ModelPublishers(Map.of());

  private final Map<String, Set<String>> publishers;

  public ModelPublishers(Map<String, Set<String>> publishers) {
    this.publishers = Map.copyOf(publishers);
  }

  public static ModelPublishers fromEnv(Env env) {
    Map<String, Set<String>> out = new HashMap<>();
    env.optional("CYCLEGAN_MODEL_PUBLISHERS")
        .ifPresent(
            v -> {
              for (String entry : v.split(";")) {
                if (!entry.isBlank()) {
                  add(out, "CYCLEGAN_MODEL_PUBLISHERS", entry);
                }
              }
            });
    env.optional("CYCLEGAN_MODEL_PUBLISHERS_FILE")
        .ifPresent(
            file -> {
              Properties p = new Properties();
              try (Reader r = Files.newBufferedReader(Path.of(file))) {
                p.load(r);
              } catch (IOException e) {
                throw new ConfigException(
                    "CYCLEGAN_MODEL_PUBLISHERS_FILE", "cannot read " + file + ": " + e);
              }
              p.forEach((k, v) -> add(out, "CYCLEGAN_MODEL_PUBLISHERS_FILE", k + "=" + v));
            });
    return new ModelPublishers(out);
  }

  private static void add(Map<String, Set<String>> out, String variable, String entry) {
    int eq = entry.indexOf('=');
    String model = eq < 0 ? "" : entry.substring(0, eq).trim();
    if (!Names.isValid(model)) {
      throw new ConfigException(variable, "expected model=principal,..., got '" + entry + "'");
    }
    Set<String> principals = out.computeIfAbsent(model, m -> new LinkedHashSet<>());
    for (String p : entry.substring(eq + 1).split(",")) {
      String principal = p.trim();
      if (!principal.isEmpty()) {
        if (!Names.isValidPrincipal(principal)) {
          throw new ConfigException(variable, "invalid principal '" + principal + "'");
        }
        principals.add(principal);
      }
    }
  }

  /** Whether {@code principal} (null when the command named none) may publish {@code model}. */
  public boolean allows(String model, String principal) {
    Set<String> allowed = publishers.get(model);
    return allowed == null || (principal != null && allowed.contains(principal));
  }
}
