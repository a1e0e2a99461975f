package io.cyclegan.common.trust;

import io.cyclegan.common.config.ConfigException;
import io.cyclegan.common.messages.Topics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which reply topics a caller may name ({@code cg-reply-topic}, a claim check's {@code
 * replyTopic}). A result is written with the service's own rights, so a caller's reply topic is an
 * order to write somewhere: only topics matching the allow-list ({@code CYCLEGAN_REPLY_TOPICS},
 * comma-separated globs, default {@code cyclegan.replies.*}) and the results topic are taken. Every
 * topic of the pipeline, its dead-letter topic, any name with the dead-letter suffix and Kafka's
 * internal topics ({@code __*}) are refused even when a pattern matches them. Ingest and the
 * inference worker use this one rule.
 */
public final class ReplyTopics {
  public static final String VARIABLE = "CYCLEGAN_REPLY_TOPICS";
  public static final String DEFAULT_PATTERNS = "cyclegan.replies.*";

  // Kafka's own rule for topic names.
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final Topics topics;
  private final List<String> globs;
  private final List<Pattern> allowed;
  private final Set<String> pipeline;

  public ReplyTopics(Topics topics, String patterns) {
    this.topics = topics;
    this.globs = new ArrayList<>();
    this.allowed = new ArrayList<>();
    for (String glob : patterns.split(",")) {
      String g = glob.trim();
      if (g.isEmpty()) {
        continue;
      }
      if (!g.matches("[a-zA-Z0-9._*-]{1,249}")) {
        throw new ConfigException(
            VARIABLE, "expected topic names or globs with '*', got '" + LogValues.escape(g) + "'");
      }
      globs.add(g);
      allowed.add(glob(g));
    }
    Set<String> own = new HashSet<>();
    for (String t : topics.all()) {
      own.add(t);
      own.add(topics.dlq(t));
    }
    own.remove(topics.translateResults());
    this.pipeline = Set.copyOf(own);
  }

  /** The allow-list of the environment ({@value #VARIABLE}, default {@value #DEFAULT_PATTERNS}). */
  public static ReplyTopics fromEnv(Map<String, String> env, Topics topics) {
    String v = env.get(VARIABLE);
    return new ReplyTopics(topics, v == null || v.isBlank() ? DEFAULT_PATTERNS : v);
  }

  /** Empty when {@code topic} may receive results, else why not (safe to show the caller). */
  public Optional<String> refusal(String topic) {
    if (topic == null
        || !TOPIC.matcher(topic).matches()
        || ".".equals(topic)
        || "..".equals(topic)) {
      return Optional.of(
          "reply topic '"
              + LogValues.escape(topic)
              + "' is not a Kafka topic name (1-249 of a-z, A-Z, 0-9, '.', '_', '-')");
    }
    if (topic.equals(topics.translateResults())) {
      return Optional.empty();
    }
    if (pipeline.contains(topic) || topic.endsWith(topics.dlqSuffix()) || topic.startsWith("__")) {
      return Optional.of(
          "reply topic '"
              + topic
              + "' is a topic of the pipeline itself: name a topic of your own");
    }
    for (Pattern p : allowed) {
      if (p.matcher(topic).matches()) {
        return Optional.empty();
      }
    }
    return Optional.of(
        "reply topic '"
            + topic
            + "' is not allowed: expected "
            + topics.translateResults()
            + " or a topic matching "
            + String.join(", ", globs));
  }

  public boolean isAllowed(String topic) {
    return refusal(topic).isEmpty();
  }

  /**
   * The results topic, where answers go when no reply topic is named or the named one is refused.
   */
  public String resultsTopic() {
    return topics.translateResults();
  }

  private static Pattern glob(String glob) {
    List<String> parts = new ArrayList<>();
    for (String part : glob.split("\\*", -1)) {
      parts.add(Pattern.quote(part));
    }
    return Pattern.compile(String.join(".*", parts));
  }
}
