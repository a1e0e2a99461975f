package io.cyclegan.common;

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
    packages = "io.cyclegan.common",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

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
