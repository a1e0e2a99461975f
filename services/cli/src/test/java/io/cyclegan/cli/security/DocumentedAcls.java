package io.cyclegan.cli.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACL table of docs/least-privilege.md, row by row, so that the test grants what the page
 * documents and nothing else.
 */
record DocumentedAcls(List<Row> rows) {

  static final Path DOC = Path.of("..", "..", "docs", "least-privilege.md");

  /** One table row: {@code User:<principal>} may {@code operation} on the resource. */
  record Row(
      String principal,
      ResourceType resource,
      String name,
      PatternType pattern,
      AclOperation operation) {

    AclBinding binding() {
      return new AclBinding(
          new ResourcePattern(resource, name, pattern),
          new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW));
    }
  }

  static DocumentedAcls read() {
    try {
      List<String> lines = Files.readAllLines(DOC);
      int start = indexOf(lines, "<!-- acl-table");
      int end = indexOf(lines, "<!-- end acl-table");
      List<Row> rows = new ArrayList<>();
      for (String line : lines.subList(start + 3, end)) { // after the comment, header, rule
        String[] cells = line.split("\\|");
        rows.add(
            new Row(
                cells[1].strip(),
                ResourceType.valueOf(cells[2].strip()),
                cells[3].strip(),
                PatternType.valueOf(cells[4].strip()),
                AclOperation.valueOf(cells[5].strip())));
      }
      return new DocumentedAcls(List.copyOf(rows));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> principals() {
    return rows.stream().map(Row::principal).distinct().toList();
  }

  List<AclBinding> bindings() {
    return rows.stream().map(Row::binding).toList();
  }

  /** The rows of {@code principal}, given to {@code as} instead. */
  List<AclBinding> bindingsOf(String principal, String as) {
    return rows.stream()
        .filter(r -> r.principal().equals(principal))
        .map(r -> new Row(as, r.resource(), r.name(), r.pattern(), r.operation()).binding())
        .toList();
  }

  private static int indexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new IllegalStateException(DOC + " has no line starting with " + prefix);
  }
}
