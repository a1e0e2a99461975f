package io.cyclegan.training;

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
    packages = "io.cyclegan.training",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  @ArchTest
  static final ArchRule jobsDoNotTouchTheConsumer =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.cyclegan.training.job..",
              "io.cyclegan.training.artifacts..",
              "io.cyclegan.training.data..",
              "io.cyclegan.training.report..")
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("org.apache.kafka.clients.consumer.KafkaConsumer")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("org.apache.kafka.clients.consumer.Consumer")
          .because("only the command loop commits offsets, on its own thread");
}
