package fr.relais;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The dependency rules of ARCHITECTURE.md, checked on the production classes. */
class ArchitectureTest {

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("fr.relais");
    }

    @Test
    void onlyTheDicomPackageTouchesPixelMed() {
        noClasses().that().resideOutsideOfPackage("fr.relais.dicom..")
                .should().dependOnClassesThat().resideInAPackage("com.pixelmed..")
                .check(production);
    }

    @Test
    void theDicomPackageKnowsNoFeature() {
        noClasses().that().resideInAPackage("fr.relais.dicom..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "fr.relais.intake..", "fr.relais.storage..", "fr.relais.exam..", "fr.relais.hospital..",
                        "fr.relais.security..", "fr.relais.platform..", "fr.relais.sim..", "fr.relais.audit..")
                .check(production);
    }

    @Test
    void storageKnowsNothingOfWhatItStores() {
        noClasses().that().resideInAPackage("fr.relais.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("fr.relais.intake..", "fr.relais.dicom..",
                        "fr.relais.exam..", "fr.relais.hospital..")
                .check(production);
    }

    @Test
    void nothingDependsOnTheSimulatorOrOperationsExceptTheCommandLine() {
        noClasses().that().resideOutsideOfPackages("fr.relais.sim..", "fr.relais.ops..")
                .and().doNotHaveFullyQualifiedName(RelaisApplication.class.getName())
                .should().dependOnClassesThat().resideInAnyPackage("fr.relais.sim..", "fr.relais.ops..")
                .check(production);
    }

    @Test
    void intakeDependsOnlyOnTheLowerLayers() {
        classes().that().resideInAPackage("fr.relais.intake..")
                .should().onlyDependOnClassesThat().resideOutsideOfPackages(
                        "fr.relais.sim..", "fr.relais.ops..", "fr.relais.roster..", "fr.relais.catalog..")
                .check(production);
    }

    @Test
    void theReportBuildsOnTheWorklistNeverTheOtherWayRound() {
        noClasses().that().resideInAnyPackage("fr.relais.worklist..", "fr.relais.request..", "fr.relais.exam..",
                        "fr.relais.intake..", "fr.relais.security..", "fr.relais.roster..")
                .should().dependOnClassesThat().resideInAPackage("fr.relais.report..")
                .check(production);
    }

    @Test
    void referenceDataDoesNotReachIntoIntake() {
        noClasses().that().resideInAnyPackage("fr.relais.hospital..", "fr.relais.roster..", "fr.relais.catalog..",
                        "fr.relais.security..", "fr.relais.exam..", "fr.relais.audit..")
                .should().dependOnClassesThat().resideInAnyPackage("fr.relais.intake..")
                .check(production);
    }

    @Test
    void theAiBuildsOnTheWorklistAndTheLowerLayersNeverTheOtherWayRound() {
        noClasses().that().resideInAnyPackage("fr.relais.worklist..", "fr.relais.request..", "fr.relais.exam..",
                        "fr.relais.intake..", "fr.relais.dicom..", "fr.relais.storage..", "fr.relais.security..",
                        "fr.relais.roster..", "fr.relais.hospital..")
                .should().dependOnClassesThat().resideInAPackage("fr.relais.ai..")
                .check(production);
        noClasses().that().resideInAPackage("fr.relais.ai..")
                .should().dependOnClassesThat().resideInAnyPackage("fr.relais.report..", "fr.relais.reading..",
                        "fr.relais.delivery..")
                .check(production);
    }

    @Test
    void nothingDependsOnBillingAndBillingReadsOnlyReportsCatalogAndHospitals() {
        noClasses().that().resideOutsideOfPackage("fr.relais.billing..")
                .should().dependOnClassesThat().resideInAPackage("fr.relais.billing..")
                .check(production);
        noClasses().that().resideInAPackage("fr.relais.billing..")
                .should().dependOnClassesThat().resideInAnyPackage("fr.relais.roster..", "fr.relais.worklist..",
                        "fr.relais.request..", "fr.relais.intake..", "fr.relais.delivery..", "fr.relais.ai..",
                        "fr.relais.reading..", "fr.relais.dicom..", "fr.relais.storage..", "fr.relais.exam..")
                .check(production);
    }

    @Test
    void theRosterKnowsNothingOfReportsOrBilling() {
        noClasses().that().resideInAPackage("fr.relais.roster..")
                .should().dependOnClassesThat().resideInAnyPackage("fr.relais.report..", "fr.relais.billing..",
                        "fr.relais.delivery..")
                .check(production);
    }
}
