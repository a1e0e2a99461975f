package io.cyclegan.cli.listing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.cli.output.OutputOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ListingTest {
  private static final Listing THINGS =
      new Listing("things", List.of("name"), "cyclegan things", Cursor.name("a thing's name"));
  private static final List<String> NAMES = List.of("a", "b", "c", "d", "e");

  @Command(name = "things")
  static final class Things {
    @Mixin PageOptions paging = new PageOptions();
    @Mixin OutputOptions output = new OutputOptions();
  }

  /** Pages of {@link #NAMES} in order, each call written down as its cursor. */
  private final List<String> calls = new ArrayList<>();

  private final PageSource source =
      (after, limit) -> {
        calls.add(String.valueOf(after));
        int from = after == null ? 0 : NAMES.indexOf(after) + 1;
        int to = Math.min(NAMES.size(), from + limit);
        List<Map<String, Object>> rows = new ArrayList<>();
        NAMES.subList(from, to).forEach(n -> rows.add(new LinkedHashMap<>(Map.of("name", n))));
        return new Page(
            rows, to < NAMES.size() ? Optional.of(NAMES.get(to - 1)) : Optional.empty());
      };

  private record Printed(String out, String err) {}

  private static Printed run(PageSource source, String... args) {
    Things things = new Things();
    new CommandLine(things).parseArgs(args);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    THINGS.run(
        things.paging,
        things.output,
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        source);
    return new Printed(out.toString(), err.toString());
  }

  @Test
  void shouldReadOnePageAndSayWhereTheNextStarts() {
    Printed page = run(source, "--limit", "2");

    assertThat(calls).containsExactly("null");
    assertThat(page.out()).contains("a", "b").doesNotContain("c");
    assertThat(page.err()).isEqualTo("more: cyclegan things --after b --limit 2\n");
  }

  @Test
  void shouldContinueAfterTheCursorAPagePrinted() {
    Printed page = run(source, "--limit", "2", "--after", "b", "-o", "json");

    assertThat(calls).containsExactly("b");
    assertThat(page.out()).contains("\"c\"", "\"d\"", "\"next\" : \"d\"").doesNotContain("\"b\"");
    assertThat(page.err()).isEmpty();
  }

  @Test
  void shouldFollowEveryPageWithAll() {
    Printed all = run(source, "--limit", "2", "--all");

    assertThat(calls).containsExactly("null", "b", "d");
    assertThat(all.out()).contains("a", "b", "c", "d", "e");
    assertThat(all.err()).isEmpty();
  }

  @Test
  void shouldRefuseABadLimitOrCursorBeforeAnyRead() {
    assertThatThrownBy(() -> run(source, "--limit", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--limit must be 1 to 1000")
        .hasMessageContaining("--all");
    assertThatThrownBy(() -> run(source, "--after", "../x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--after must be a thing's name");
    assertThat(calls).isEmpty();
  }

  @Test
  void shouldStopWhenASourceRepeatsTheCursorItWasGiven() {
    PageSource stuck = (after, limit) -> new Page(List.of(), Optional.of("a"));

    assertThatThrownBy(() -> run(stuck, "--after", "a", "--all"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("repeated its cursor a");
  }
}
