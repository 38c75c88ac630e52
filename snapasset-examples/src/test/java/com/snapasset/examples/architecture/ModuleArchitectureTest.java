package com.snapasset.examples.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture of DESIGN.md across modules (core's own rules are in core's ArchitectureTest):
 * the adapters use core's public API and ports only, never its engine, and not each other; the
 * examples, written as a user would, use no engine internals either. Runs here because this module
 * has every adapter on its class path.
 */
class ModuleArchitectureTest {
  private static final String[] ADAPTERS = {
      "com.snapasset.redis..", "com.snapasset.s3..", "com.snapasset.openai..", "com.snapasset.jdbc.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importAll() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("com.snapasset");
  }

  @Test
  void theAdaptersAreOnTheClassPath() {
    for (String adapter : ADAPTERS) {
      String pkg = adapter.substring(0, adapter.length() - 2);
      assertThat(classes.containPackage(pkg)).as(pkg).isTrue();
    }
  }

  @Test
  void adaptersDependOnCoresApiAndPortsOnlyNeverOnTheEngine() {
    noClasses().that().resideInAnyPackage(ADAPTERS)
        .should().dependOnClassesThat().resideInAnyPackage(
            "com.snapasset.internal..", "com.snapasset.embedded..", "com.snapasset.imaging..",
            "com.snapasset.examples..")
        .check(classes);
  }

  @Test
  void adaptersDoNotDependOnEachOther() {
    for (String adapter : ADAPTERS) {
      String[] others = Arrays.stream(ADAPTERS).filter(a -> !a.equals(adapter)).toArray(String[]::new);
      noClasses().that().resideInAPackage(adapter)
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .check(classes);
    }
  }

  @Test
  void examplesUseNoEngineInternals() {
    noClasses().that().resideInAPackage("com.snapasset.examples..")
        .should().dependOnClassesThat().resideInAPackage("com.snapasset.internal..")
        .check(classes);
  }
}
