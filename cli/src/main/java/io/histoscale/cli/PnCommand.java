package io.histoscale.cli;

import io.histoscale.core.UserException;
import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.slide.camelyon.SlideLabel;
import io.histoscale.staging.Agreement;
import io.histoscale.staging.StageTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "pn", description = {
        "Patient pN stages from slide labels by the Camelyon17 rules.",
        "Nodes with ITCs only are not positive; pN1mi: micro-metastases only; pN1: 1-3 positive nodes,",
        "one a macro-metastasis; pN2: 4-9 positive nodes, one a macro-metastasis.",
        "Prints the patient rows (patient_000.zip,pN1); with --truth then the",
        "quadratic-weighted kappa and the confusion matrices."})
final class PnCommand implements Callable<Integer> {

    @Option(names = "--slide-labels", required = true, paramLabel = "CSV",
            description = "Slide labels in Camelyon17's stage_labels.csv format, rows PATIENT_node_N.tif,"
                    + "negative|itc|micro|macro. Patient rows in it are ignored: stages come from the slides.")
    Path slideLabels;

    @Option(names = "--truth", paramLabel = "CSV",
            description = "True stages in the same format: patient rows (patient_000.zip,pN1), or slide rows to stage from.")
    Path truth;

    @Option(names = "--out", paramLabel = "CSV",
            description = "Also write the stages with their slide rows (Camelyon17's submission format).")
    Path out;

    @Override
    public Integer call() {
        StageTable labels = StageTable.read(slideLabels);
        if (labels.slideLabels().isEmpty()) {
            throw new UserException("stage table " + slideLabels + " has no slide rows: give slide labels as"
                    + " PATIENT_node_N.tif,LABEL (e.g. patient_000_node_0.tif,macro)");
        }
        labels.warnings().forEach(w -> System.err.println("histoscale: warning: " + slideLabels + ": " + w));
        StageTable predicted = StageTable.ofSlides(labels.slideLabels());
        StageTable trueTable = truth == null ? null : StageTable.read(truth);
        if (trueTable != null) {
            trueTable.warnings().forEach(w -> System.err.println("histoscale: warning: " + truth + ": " + w));
        }
        Agreement a = trueTable == null ? null : Agreement.of(predicted, trueTable);
        System.out.print(predicted.toPatientCsv());
        if (out != null) predicted.write(out);
        if (a != null) {
            System.out.println();
            System.out.printf(Locale.ROOT, "quadratic-weighted kappa %s over %d patients (%.0f %% of stages exact)%n",
                    Double.isNaN(a.kappa()) ? "undefined (all patients in one stage)" : String.format(Locale.ROOT, "%.4f", a.kappa()),
                    a.stages().total(), 100 * a.stages().accuracy());
            if (!a.truthOnly().isEmpty()) {
                System.out.println(a.truthOnly().size() + " patients of the truth have no slide labels here and were left out");
            }
            System.out.println();
            System.out.println("patient stages (rows truth, columns predicted):");
            System.out.print(a.stages().toText(PnStage::csvName));
            if (a.slideLabels().total() > 0) {
                System.out.println();
                System.out.printf(Locale.ROOT, "slide labels (rows truth, columns given; %.0f %% of %d exact):%n",
                        100 * a.slideLabels().accuracy(), a.slideLabels().total());
                System.out.print(a.slideLabels().toText(SlideLabel::csvName));
            }
        }
        return 0;
    }
}
