package io.cyclegan.ingest;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * This module's inner layering. The rules between modules (services never import each other,
 * pipeline-common imports no service) live in services/cli's io.cyclegan.architecture.LayeringTest,
 * the only test class path that holds every module, so there they can fail.
 */
@AnalyzeClasses(
    packages = "io.cyclegan.ingest",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  @ArchTest
  static final ArchRule routingKnowsNoTransport =
      noClasses()
          .that()
          .resideInAPackage("io.cyclegan.ingest.routing..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.cyclegan.ingest.http..",
              "io.cyclegan.ingest.consumer..",
              "com.sun.net.httpserver..")
          .because(
              "Kafka records and HTTP uploads share one processor that knows neither front end");

  @ArchTest
  static final ArchRule frontEndsAreIndependent =
      noClasses()
          .that()
          .resideInAPackage("io.cyclegan.ingest.http..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.cyclegan.ingest.consumer..")
          .because("the HTTP API and the consumer meet only in the processor");
}
