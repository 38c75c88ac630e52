package com.snapasset.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.snapasset.internal.Engine;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The architecture of DESIGN.md, kept by tests: dependencies point inwards, internals stay in. */
class ArchitectureTest {
  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("com.snapasset");
  }

  @Test
  void coreDependsOnNoAdapterAndNoHeavySdk() {
    ArchRule rule = noClasses().should().dependOnClassesThat().resideInAnyPackage(
        "com.snapasset.redis..", "com.snapasset.s3..", "com.snapasset.openai..", "com.snapasset.jdbc..",
        "com.snapasset.examples..",
        "redis.clients..", "software.amazon..", "com.openai..", "okhttp3..", "org.postgresql..",
        "com.zaxxer..", "org.flywaydb..", "io.javalin..", "io.micrometer..", "java.sql..", "kotlin..");
    rule.check(core);
  }

  @Test
  void theApiAndThePortsDoNotDependOnTheEngineInTheirSignatures() {
    ArchRuleDefinition.classes()
        .that().resideInAnyPackage("com.snapasset", "com.snapasset.spi", "com.snapasset.spi.queue")
        .and().arePublic()
        .should(exposeNoInternalTypes())
        .check(core);
  }

  @Test
  void portsDependOnNothingButTheApi() {
    noClasses().that().resideInAPackage("com.snapasset.spi..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "com.snapasset.internal..", "com.snapasset.embedded..", "com.snapasset.imaging..")
        .check(core);
  }

  @Test
  void adaptersInCoreDoNotReachIntoTheEngine() {
    noClasses().that().resideInAnyPackage("com.snapasset.embedded..", "com.snapasset.imaging..")
        .should().dependOnClassesThat().resideInAPackage("com.snapasset.internal..")
        .check(core);
  }

  @Test
  void theFrontDoorReachesTheEngineOnlyThroughEngine() {
    noClasses().that().resideInAPackage("com.snapasset")
        .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("com.snapasset.internal..")
            .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(Engine.class))))
        .check(core);
  }

  @Test
  void theEngineShowsOneTypeOnly() {
    ArchRuleDefinition.classes()
        .that().resideInAPackage("com.snapasset.internal..").and().areTopLevelClasses()
        .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(Engine.class)))
        .should().notBePublic()
        .check(core);
  }

  private static ArchCondition<JavaClass> exposeNoInternalTypes() {
    return new ArchCondition<>("expose no com.snapasset.internal type in a public signature") {
      @Override
      public void check(JavaClass clazz, ConditionEvents events) {
        List<String> leaks = new ArrayList<>();
        for (JavaCodeUnit unit : clazz.getCodeUnits()) {
          if (!unit.getModifiers().contains(JavaModifier.PUBLIC)) {
            continue;
          }
          if (isInternal(unit.getRawReturnType())) {
            leaks.add(unit.getFullName() + " returns " + unit.getRawReturnType().getName());
          }
          for (JavaClass p : unit.getRawParameterTypes()) {
            if (isInternal(p)) {
              leaks.add(unit.getFullName() + " takes " + p.getName());
            }
          }
        }
        for (JavaField f : clazz.getFields()) {
          if (f.getModifiers().contains(JavaModifier.PUBLIC) && isInternal(f.getRawType())) {
            leaks.add(f.getFullName() + " is of type " + f.getRawType().getName());
          }
        }
        for (String leak : leaks) {
          events.add(SimpleConditionEvent.violated(clazz, leak));
        }
      }
    };
  }

  private static boolean isInternal(JavaClass type) {
    return type.getPackageName().startsWith("com.snapasset.internal");
  }
}
