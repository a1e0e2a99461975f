package io.cyclegan.inference;

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
    packages = "io.cyclegan.inference",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

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
