package io.cyclegan.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of STYLE.md over every module: the cli module's test class path is the only one that
 * sees them all, so the rules live here.
 */
@AnalyzeClasses(packages = "io.cyclegan", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  @ArchTest
  static final ArchRule modelKnowsNothingOfKafkaOrS3 =
      noClasses()
          .that()
          .resideInAPackage("io.cyclegan.model..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.apache.kafka..",
              "io.minio..",
              "io.cyclegan.common..",
              "io.cyclegan.ingest..",
              "io.cyclegan.training..",
              "io.cyclegan.inference..",
              "io.cyclegan.cli..")
          .because("cyclegan-model trains and translates from streams and images only");

  @ArchTest
  static final ArchRule commonImportsNoService =
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
  static final ArchRule localStackDependsOnNothingOfOurs =
      noClasses()
          .that()
          .resideInAPackage("io.cyclegan.localstack..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.cyclegan.common..",
              "io.cyclegan.model..",
              "io.cyclegan.ingest..",
              "io.cyclegan.training..",
              "io.cyclegan.inference..",
              "io.cyclegan.cli..")
          .because("the local stack is a test dependency of every module");

  @ArchTest
  static final ArchRule ingestImportsNoOtherService =
      noClasses()
          .that()
          .resideInAPackage("io.cyclegan.ingest..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.cyclegan.training..",
              "io.cyclegan.inference..",
              "io.cyclegan.cli..",
              "io.cyclegan.model",
              "io.cyclegan.model.bench..",
              "io.cyclegan.model.data..",
              "io.cyclegan.model.device..",
              "io.cyclegan.model.nn..",
              "io.cyclegan.model.sample..",
              "io.cyclegan.model.synthetic..",
              "io.cyclegan.model.train..",
              "io.cyclegan.model.translate..",
              "io.cyclegan.localstack..")
          .because(
              "services talk only over Kafka and the store; ingest never runs the model (it may"
                  + " read and write weight files: model.checkpoint and model.interop, for the"
                  + " HTTP export)");

  @ArchTest
  static final ArchRule trainingImportsNoOtherService =
      noClasses()
          .that()
          .resideInAPackage("io.cyclegan.training..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.cyclegan.ingest..",
              "io.cyclegan.inference..",
              "io.cyclegan.cli..",
              "io.cyclegan.localstack..")
          .because("services talk only over Kafka and the store");

  @ArchTest
  static final ArchRule inferenceImportsNoOtherService =
      noClasses()
          .that()
          .resideInAPackage("io.cyclegan.inference..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.cyclegan.ingest..",
              "io.cyclegan.training..",
              "io.cyclegan.cli..",
              "io.cyclegan.localstack..")
          .because("services talk only over Kafka and the store");
}
