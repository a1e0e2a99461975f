package io.cyclegan.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One training parameter: its contract name, type, default, bounds and one-line doc, and the name
 * the official pytorch-CycleGAN-and-pix2pix code gives it. {@link TrainingParameters} lists them;
 * parsing, validation, the JSON schema, the CLI options and the docs' table all come from here.
 *
 * @param name the name in a training command's {@code params}
 * @param kind the value's type
 * @param defaultValue the default as the Java value, or null when {@code defaultRule} derives it
 * @param defaultRule how a derived default follows other params (docs only), or null
 * @param min the lower bound, or null
 * @param minExclusive whether {@code min} itself is refused
 * @param max the upper bound, or null
 * @param maxExclusive whether {@code max} itself is refused
 * @param choices the enum of a {@link Kind#CHOICE}, else null
 * @param pattern the Java regex of a {@link Kind#TEXT}, else null
 * @param words what {@code pattern} accepts, in words
 * @param rule a rule across params that {@link CycleGanConfig} checks (docs only), or null
 * @param official the official option's name, or null where it has none
 * @param scope what a change of the value on resume means
 * @param doc one line for the docs, the schema and the CLI's help
 */
public record TrainingParameter(
    String name,
    Kind kind,
    Object defaultValue,
    String defaultRule,
    Double min,
    boolean minExclusive,
    Double max,
    boolean maxExclusive,
    Class<? extends Enum<?>> choices,
    String pattern,
    String words,
    String rule,
    String official,
    Scope scope,
    String doc) {

  /** The value types a parameter may have. */
  public enum Kind {
    INTEGER(Integer.class, "integer"),
    LONG(Long.class, "integer"),
    NUMBER(Double.class, "number"),
    CHOICE(String.class, "string"),
    BOOLEAN(Boolean.class, "boolean"),
    TEXT(String.class, "string");

    private final Class<?> wireType;
    private final String jsonType;

    Kind(Class<?> wireType, String jsonType) {
      this.wireType = wireType;
      this.jsonType = jsonType;
    }

    /** The Java type of the value on the wire (a choice travels as its name). */
    public Class<?> wireType() {
      return wireType;
    }

    /** The JSON-schema type. */
    public String jsonType() {
      return jsonType;
    }
  }

  /** What changing the value between a checkpoint and its resume means. */
  public enum Scope {
    /** Free to change: it steers the run, not the model (lr, epochs, seed...). */
    RUN,
    /** Fixed by the checkpoint: a resume with another value is refused. */
    MODEL,
    /** Decides parameter shapes: refused on resume and where weights are loaded. */
    ARCHITECTURE
  }

  /** The Java value of a wire value (a JSON number, numeric text, choice name...); null stays. */
  public Object parse(Object v) {
    if (v == null) {
      return null;
    }
    return switch (kind) {
      case INTEGER -> integer(v);
      case LONG -> longInteger(v);
      case NUMBER -> number(v);
      case CHOICE -> choice(v);
      case BOOLEAN -> bool(v);
      case TEXT -> {
        if (!(v instanceof String s)) {
          throw new IllegalArgumentException(name + " must be text, was " + v);
        }
        yield s;
      }
    };
  }

  /** Refuses a Java value outside the bounds, naming this param, the rule and the value. */
  public void check(Object value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must be given, was null");
    }
    switch (kind) {
      case INTEGER, LONG, NUMBER -> checkRange(((Number) value).doubleValue(), value);
      case TEXT -> {
        if (!((String) value).matches(pattern)) {
          throw new IllegalArgumentException(name + " must be " + words + ", was " + value);
        }
      }
      case CHOICE, BOOLEAN -> {}
    }
  }

  /** The wire form of a Java value: a choice's name, else the value. */
  public Object wire(Object value) {
    return value instanceof Choice c ? c.wireName() : value;
  }

  /** A wire value for people: numbers without exponents ({@code 0.0002}, {@code 10.0}). */
  public static String display(Object value) {
    if (value instanceof Double d && d != Math.rint(d)) {
      return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }
    return String.valueOf(value);
  }

  /** The wire names of the choices accepted, in declaration order (empty unless a choice). */
  public List<String> choiceNames() {
    List<String> out = new ArrayList<>();
    if (choices != null) {
      for (Enum<?> e : choices.getEnumConstants()) {
        if (((Choice) e).refusal() == null) {
          out.add(((Choice) e).wireName());
        }
      }
    }
    return out;
  }

  /** The bounds in words for docs and help: "{@code >= 0}", "one of a, b", "{@code [0, 1)}". */
  public String boundsText() {
    List<String> parts = new ArrayList<>();
    if (min != null || max != null) {
      parts.add(rangeText());
    }
    if (choices != null) {
      parts.add("one of " + String.join(", ", choiceNames()));
    }
    if (pattern != null) {
      parts.add(words);
    }
    if (rule != null) {
      parts.add(rule);
    }
    return String.join("; ", parts);
  }

  /** The JSON schema of the wire value (AsyncAPI's {@code TrainingParams} property). */
  public Map<String, Object> jsonSchema(Object effectiveDefault) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", kind.jsonType());
    if (min != null) {
      s.put(minExclusive ? "exclusiveMinimum" : "minimum", jsonNumber(min));
    }
    if (max != null) {
      s.put(maxExclusive ? "exclusiveMaximum" : "maximum", jsonNumber(max));
    }
    if (choices != null) {
      s.put("enum", choiceNames());
    }
    if (pattern != null) {
      s.put("pattern", ecmaPattern(pattern));
    }
    s.put("default", wire(effectiveDefault));
    s.put("description", doc + (defaultRule == null ? "" : "; default: " + defaultRule));
    return s;
  }

  /**
   * A Java regex as an anchored ECMA-262 one for JSON schema: {@code (?i)} becomes letter classes
   * ({@code [aA]}), since JSON schema has no flags, and {@code \d} becomes {@code [0-9]}.
   */
  static String ecmaPattern(String javaPattern) {
    boolean ignoreCase = javaPattern.startsWith("(?i)");
    String p = ignoreCase ? javaPattern.substring(4) : javaPattern;
    StringBuilder out = new StringBuilder("^(");
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '\\' && i + 1 < p.length() && p.charAt(i + 1) == 'd') {
        out.append("[0-9]");
        i++;
      } else if (ignoreCase && Character.isLetter(c)) {
        out.append('[')
            .append(Character.toLowerCase(c))
            .append(Character.toUpperCase(c))
            .append(']');
      } else {
        out.append(c);
      }
    }
    return out.append(")$").toString();
  }

  private void checkRange(double d, Object value) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException(name + " must be a finite number, was " + value);
    }
    boolean tooLow = min != null && (minExclusive ? !(d > min) : !(d >= min));
    boolean tooHigh = max != null && (maxExclusive ? !(d < max) : !(d <= max));
    if (tooLow || tooHigh) {
      String rule = (min != null && max != null ? "in " : "") + rangeText();
      throw new IllegalArgumentException(name + " must be " + rule + ", was " + value);
    }
  }

  private String rangeText() {
    if (min != null && max != null) {
      return (minExclusive ? "(" : "[")
          + plain(min)
          + ", "
          + plain(max)
          + (maxExclusive ? ")" : "]");
    }
    if (min != null) {
      return (minExclusive ? "> " : ">= ") + plain(min);
    }
    return (maxExclusive ? "< " : "<= ") + plain(max);
  }

  private Object choice(Object v) {
    if (v instanceof Enum<?> e && choices.isInstance(e)) {
      return choice(((Choice) e).wireName());
    }
    String text = String.valueOf(v);
    for (Enum<?> e : choices.getEnumConstants()) {
      if (((Choice) e).wireName().equals(text)) {
        String refusal = ((Choice) e).refusal();
        if (refusal != null) {
          throw new IllegalArgumentException(refusal);
        }
        return e;
      }
    }
    throw new IllegalArgumentException(
        name + " must be one of " + String.join(", ", choiceNames()) + ", was \"" + v + "\"");
  }

  private Object bool(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if ("true".equals(v) || "false".equals(v)) {
      return Boolean.parseBoolean((String) v);
    }
    throw new IllegalArgumentException(name + " must be true or false, was " + v);
  }

  private double number(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean) {
      throw new IllegalArgumentException(name + " must be a number, was " + v);
    }
    try {
      return Double.parseDouble(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, was \"" + v + "\"", e);
    }
  }

  /** A whole number, exactly: a JSON integer stays a {@code long}, never a rounded double. */
  private long longInteger(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger big) {
      try {
        return big.longValueExact();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(name + " must be a 64-bit integer, was " + v, e);
      }
    }
    if (v instanceof String text) {
      try {
        return Long.parseLong(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be an integer, was \"" + v + "\"", e);
      }
    }
    double d = number(v);
    if (d != Math.rint(d) || Math.abs(d) > 0x1p53) {
      throw new IllegalArgumentException(name + " must be an integer, was " + v);
    }
    return (long) d;
  }

  private int integer(Object v) {
    double d = number(v);
    if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be an integer, was " + v);
    }
    return (int) d;
  }

  private static Object jsonNumber(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
  }

  private static String plain(double d) {
    return String.valueOf(jsonNumber(d));
  }
}
