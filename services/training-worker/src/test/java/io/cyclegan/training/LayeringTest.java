package io.cyclegan.training;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "io.cyclegan.training",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  @ArchTest
  static final ArchRule noOtherService =
      noClasses()
          .that()
          .resideInAPackage("io.cyclegan.training..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.cyclegan.ingest..", "io.cyclegan.inference..", "io.cyclegan.cli..")
          .because("services talk only over Kafka and the store");

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
