package io.cachelab.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The boundaries docs/architecture.md describes, held by the build rather than by review. Each
 * rule's check() throws an assertion error listing every violating dependency.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.cachelab");

    @Test
    void engineImportsNoSpringAndNoOtherCacheLabPackage() {
        noClasses().that().resideInAPackage("io.cachelab.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .orShould().dependOnClassesThat().resideInAnyPackage(
                        "io.cachelab.cache..", "io.cachelab.article..", "io.cachelab.coupon..",
                        "io.cachelab.sync..", "io.cachelab.lab..", "io.cachelab.config..", "io.cachelab.social..")
                .check(MAIN);
    }

    @Test
    void cacheLibraryKnowsNoFeature() {
        noClasses().that().resideInAPackage("io.cachelab.cache..")
                .should().dependOnClassesThat().resideInAnyPackage("io.cachelab.article..", "io.cachelab.coupon..", "io.cachelab.social..")
                .allowEmptyShould(true)
                .check(MAIN);
    }

    @Test
    void syncKnowsNoFeature() {
        // features declare TableCache beans; sync learns tables from them and never imports a feature
        noClasses().that().resideInAPackage("io.cachelab.sync..")
                .should().dependOnClassesThat().resideInAnyPackage("io.cachelab.article..", "io.cachelab.coupon..", "io.cachelab.social..")
                .check(MAIN);
    }

    @Test
    void enginePackagesFormLayersWithoutCycles() {
        // util, info, type, table, config < keyspace < net, propagate < acl, pubsub, memory < dispatch
        // < script < persistence < replication < cluster < server < command < sentinel; Engine (the root package)
        // wires them. A lower layer reaches the server only through the *Host interface it declares.
        slices().matching("io.cachelab.engine.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void onlyTheWiringRootSitsInTheEngineRootPackage() {
        // Engine and EngineMain are the top: nothing below names them, so no cycle can run through the
        // root package (which the slice rule above does not see). The Sentinel's main is a second root
        // built on the first (it assembles an engine in sentinel mode), so it may; the root never names it.
        noClasses().that().resideInAPackage("io.cachelab.engine.(*)..")
                .and().resideOutsideOfPackage("io.cachelab.engine.sentinel..")
                .should().dependOnClassesThat().resideInAPackage("io.cachelab.engine")
                .check(MAIN);
    }

    @Test
    void theWiringRootNamesNoSentinel() {
        noClasses().that().resideInAPackage("io.cachelab.engine")
                .should().dependOnClassesThat().resideInAPackage("io.cachelab.engine.sentinel..")
                .check(MAIN);
    }

    @Test
    void layersBelowTheServerKnowItOnlyAsTheirHostInterface() {
        noClasses().that().resideInAnyPackage("io.cachelab.engine.keyspace..", "io.cachelab.engine.net..",
                        "io.cachelab.engine.propagate..", "io.cachelab.engine.acl..", "io.cachelab.engine.pubsub..",
                        "io.cachelab.engine.memory..", "io.cachelab.engine.dispatch..", "io.cachelab.engine.script..",
                        "io.cachelab.engine.persistence..", "io.cachelab.engine.replication..",
                        "io.cachelab.engine.cluster..")
                .should().dependOnClassesThat().resideInAnyPackage("io.cachelab.engine.server..",
                        "io.cachelab.engine.command..", "io.cachelab.engine.sentinel..")
                .check(MAIN);
    }

    @Test
    void commandTableAndDispatchKnowNoCommandFamily() {
        // the table is data every layer reads; dispatch runs handlers it is given, never a family by name
        noClasses().that().resideInAnyPackage("io.cachelab.engine.table..", "io.cachelab.engine.dispatch..")
                .should().dependOnClassesThat().resideInAPackage("io.cachelab.engine.command..")
                .check(MAIN);
        noClasses().that().resideInAPackage("io.cachelab.engine.table..")
                .should().dependOnClassesThat(resideInAPackage("io.cachelab.engine..")
                        .and(not(resideInAPackage("io.cachelab.engine.table.."))))
                .check(MAIN);
    }
}
