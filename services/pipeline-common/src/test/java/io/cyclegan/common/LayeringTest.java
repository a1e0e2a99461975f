package io.cyclegan.common;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "io.cyclegan.common",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  @ArchTest
  static final ArchRule commonDependsOnNoService =
      noClasses()
          .that()
          .resideInAPackage("io.cyclegan.common..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.cyclegan.ingest..",
              "io.cyclegan.training..",
              "io.cyclegan.inference..",
              "io.cyclegan.cli..",
              "io.cyclegan.model..")
          .because("services depend on pipeline-common, never the other way round");

  @ArchTest
  static final ArchRule messagesKnowNothingOfTheStore =
      noClasses()
          .that()
          .resideInAPackage("io.cyclegan.common.messages..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.minio..", "io.cyclegan.common.store..")
          .because("the message contract is plain data any Kafka client can read");
}
