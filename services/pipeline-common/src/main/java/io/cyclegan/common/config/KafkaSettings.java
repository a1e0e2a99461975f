package io.cyclegan.common.config;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Kafka client properties from {@code KAFKA_*} variables: the rest of the name, lower-cased with
 * {@code _} turned into {@code .}, is the property ({@code KAFKA_SECURITY_PROTOCOL} sets {@code
 * security.protocol}). So a secured cluster (SASL, TLS) needs no code change. Producers' {@code
 * max.request.size} follows {@code CYCLEGAN_MAX_IMAGE_BYTES} ({@link MessageSizes}).
 */
public record KafkaSettings(Map<String, String> properties) {

  public static final String DEFAULT_BOOTSTRAP = "localhost:9092";

  public KafkaSettings {
    properties = Map.copyOf(properties);
  }

  /** Producer property set from {@link MessageSizes} unless {@code KAFKA_MAX_REQUEST_SIZE} is. */
  public static final String MAX_REQUEST_SIZE = "max.request.size";

  public static KafkaSettings fromEnv(Env env) {
    Map<String, String> props = new TreeMap<>();
    props.put("bootstrap.servers", DEFAULT_BOOTSTRAP);
    props.put(MAX_REQUEST_SIZE, Integer.toString(MessageSizes.fromEnv(env).maxRequestBytes()));
    env.asMap()
        .forEach(
            (name, value) -> {
              if (name.startsWith("KAFKA_")
                  && name.length() > "KAFKA_".length()
                  && !value.isBlank()) {
                String key =
                    name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
                props.put(key, value.trim());
              }
            });
    return new KafkaSettings(props);
  }

  public static KafkaSettings of(String bootstrapServers) {
    return new KafkaSettings(
        Map.of(
            "bootstrap.servers",
            bootstrapServers,
            MAX_REQUEST_SIZE,
            Integer.toString(MessageSizes.DEFAULT.maxRequestBytes())));
  }

  public String bootstrapServers() {
    return properties.get("bootstrap.servers");
  }

  public Properties toProperties() {
    Properties p = new Properties();
    p.putAll(properties);
    return p;
  }

  /** Passwords, keys and JAAS configurations are masked. */
  @Override
  public String toString() {
    return "KafkaSettings"
        + properties.entrySet().stream()
            .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? "******" : e.getValue()))
            .collect(Collectors.joining(", ", "{", "}"));
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password")
        || k.contains("jaas")
        || k.contains("secret")
        || k.endsWith(".key");
  }
}
