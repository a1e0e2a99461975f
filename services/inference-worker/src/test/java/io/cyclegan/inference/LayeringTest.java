package io.cyclegan.inference;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(
    packages = "io.cyclegan.inference",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  @ArchTest
  static final ArchRule noOtherService =
      noClasses()
          .that()
          .resideInAPackage("io.cyclegan.inference..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.cyclegan.ingest..", "io.cyclegan.training..", "io.cyclegan.cli..")
          .because("services talk only over Kafka and the store");

  @ArchTest
  static final ArchRule batchingIsPlainData =
      noClasses()
          .that()
          .resideInAPackage("io.cyclegan.inference.batching..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.kafka..", "io.minio..", "ai.djl..")
          .because("the batching rule is tested without Kafka, S3 or the engine");
}
