package dev.breachresponse.keycloak.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package layout of docs/architecture.md, checked on the compiled classes with ArchUnit: which package may
 * use which, and no cycles between packages. A new dependency that breaks the layering fails here with the
 * offending class and member named.
 */
class LayeringTest {

    private static final String ROOT = "dev.breachresponse.keycloak";

    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    void packagesUseOnlyTheLayersBelowThem() {
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage(ROOT + "..")
                .layer("api").definedBy(ROOT + ".api..")
                .layer("console").definedBy(ROOT + ".console..")
                .layer("setup").definedBy(ROOT + ".setup..")
                .layer("authn").definedBy(ROOT + ".authn..")
                .layer("protocol").definedBy(ROOT + ".protocol..")
                .layer("jobs").definedBy(ROOT + ".jobs..")
                .layer("reminder").definedBy(ROOT + ".reminder..")
                .layer("revocation").definedBy(ROOT + ".revocation..")
                .layer("metrics").definedBy(ROOT + ".metrics..")
                .layer("webhook").definedBy(ROOT + ".webhook..")
                .layer("workflow").definedBy(ROOT + ".workflow..")
                .layer("password").definedBy(ROOT + ".password..")
                .layer("report").definedBy(ROOT + ".report..")
                .layer("ssf").definedBy(ROOT + ".ssf..")
                .layer("alert").definedBy(ROOT + ".alert..")
                .layer("store").definedBy(ROOT + ".incident.jpa..")
                .layer("domain").definedBy(ROOT + ".incident")
                .layer("support").definedBy(ROOT + ".support..")
                .whereLayer("api").mayNotBeAccessedByAnyLayer()
                .whereLayer("console").mayNotBeAccessedByAnyLayer()
                .whereLayer("setup").mayOnlyBeAccessedByLayers("api", "console")
                .whereLayer("authn").mayOnlyBeAccessedByLayers("api", "setup")
                .whereLayer("protocol").mayOnlyBeAccessedByLayers("setup")
                .whereLayer("jobs").mayOnlyBeAccessedByLayers("api")
                .whereLayer("reminder").mayOnlyBeAccessedByLayers("api")
                .whereLayer("revocation").mayOnlyBeAccessedByLayers("api", "jobs", "reminder", "authn", "report", "ssf")
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("authn", "jobs", "webhook", "password", "report", "ssf")
                .whereLayer("webhook").mayOnlyBeAccessedByLayers("api", "jobs")
                .whereLayer("workflow").mayNotBeAccessedByAnyLayer()
                .whereLayer("password").mayOnlyBeAccessedByLayers("api", "authn")
                .whereLayer("report").mayOnlyBeAccessedByLayers("authn", "console")
                .whereLayer("ssf").mayOnlyBeAccessedByLayers("api", "console")
                .whereLayer("alert").mayOnlyBeAccessedByLayers("api")
                .whereLayer("store").mayNotBeAccessedByAnyLayer()
                .whereLayer("domain").mayOnlyBeAccessedByLayers("api", "setup", "authn", "protocol", "jobs", "reminder",
                        "revocation", "metrics", "webhook", "workflow", "password", "report", "ssf", "alert", "store")
                .whereLayer("support").mayOnlyBeAccessedByLayers("api", "console", "setup", "authn", "protocol", "jobs", "reminder",
                        "revocation", "metrics", "webhook", "workflow", "password", "report", "ssf", "alert", "store", "domain")
                .check(classes);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }
}
