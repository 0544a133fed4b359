package io.histoscale.staging;

import io.histoscale.core.AtomicFiles;
import io.histoscale.core.Csv;
import io.histoscale.core.UserException;
import io.histoscale.slide.camelyon.PnStage;
import io.histoscale.slide.camelyon.SlideLabel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Patient stages and slide labels in Camelyon17's stage_labels.csv format, which is also its submission format:
 * <pre>
 * patient,stage
 * patient_000.zip,pN1
 * patient_000_node_0.tif,macro
 * patient_000_node_1.tif,negative
 * ...
 * </pre>
 * Patient rows name a {@code .zip}; slide rows name a slide file {@code PATIENT_node_N.EXT}, whose patient is
 * {@code PATIENT}. Either kind may be missing: a patient without a patient row gets the stage its slides give
 * ({@link PnStage#of}), and a patient row needs no slides. Patients are keyed without ".zip" ({@code patient_000}),
 * slides by their file name ({@code patient_000_node_0.tif}).
 */
public final class StageTable {
    public static final String HEADER = "patient,stage";
    private static final Pattern SLIDE = Pattern.compile("(.+)_node_(\\d+)(\\.[A-Za-z0-9]+)?");
    /** Lymph nodes per patient in Camelyon17: a patient with more is probably a naming mistake. */
    public static final int NODES_PER_PATIENT = 5;
    private static final String ZIP = ".zip";

    private final Map<String, PnStage> patientRows;
    private final Map<String, SlideLabel> slides;

    private StageTable(Map<String, PnStage> patientRows, Map<String, SlideLabel> slides) {
        this.patientRows = Collections.unmodifiableMap(new TreeMap<>(patientRows));
        this.slides = Collections.unmodifiableMap(new TreeMap<>(slides));
    }

    /**
     * Slide labels only; every patient's stage follows from its slides.
     *
     * @throws UserException when a slide name does not say its patient
     */
    public static StageTable ofSlides(Map<String, SlideLabel> slideLabels) {
        slideLabels.keySet().forEach(name -> {
            if (patientOf(name) == null) throw new UserException(unnamedPatient(name));
        });
        sameNodes(slideLabels.keySet()).stream().findFirst().ifPresent(names -> {
            throw new UserException(sameNode(names));
        });
        return new StageTable(Map.of(), slideLabels);
    }

    /**
     * Reads a stage_labels.csv as CSV ({@link Csv}: quoted fields, Windows line ends, a byte-order mark). Tolerates a
     * missing header, blank lines and spaces around fields; anything else unexpected is an error naming the file and
     * line.
     */
    public static StageTable read(Path file) {
        Map<String, PnStage> patients = new LinkedHashMap<>();
        Map<String, SlideLabel> slides = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        for (Csv.Row row : Csv.read(file, "stage table")) {
            int n = row.line();
            List<String> fields = row.fields().stream().map(String::strip).toList();
            if (n == 1 && String.join(",", fields).equalsIgnoreCase(HEADER)) continue;
            String where = "stage table " + file + " line " + n + ": ";
            if (fields.size() != 2) {
                throw new UserException(where + "expected two fields, NAME,STAGE (e.g. patient_000.zip,pN1 or "
                        + "patient_000_node_0.tif,macro), found " + fields.size() + ": '" + String.join(",", fields)
                        + "'");
            }
            String name = fields.get(0), value = fields.get(1);
            Integer before = firstLine.putIfAbsent(name, n);
            if (before != null) {
                throw new UserException(where + name + " is listed again (first on line " + before + "): keep one row");
            }
            try {
                if (name.toLowerCase(Locale.ROOT).endsWith(ZIP)) {
                    patients.put(name.substring(0, name.length() - ZIP.length()), PnStage.parse(value));
                } else if (patientOf(name) == null) {
                    throw new UserException(unnamedPatient(name));
                } else {
                    slides.put(name, SlideLabel.parse(value));
                }
            } catch (UserException e) {
                throw new UserException(where + e.getMessage(), e);
            }
        }
        sameNodes(slides.keySet()).stream().findFirst().ifPresent(names -> {
            throw new UserException("stage table " + file + ": " + sameNode(names));
        });
        if (patients.isEmpty() && slides.isEmpty()) {
            throw new UserException("stage table " + file + " has no rows: expected '" + HEADER
                    + "' followed by rows such as patient_000.zip,pN1 or patient_000_node_0.tif,macro");
        }
        return new StageTable(patients, slides);
    }

    /** The patient of a slide file {@code PATIENT_node_N.EXT}, or {@code null} when the name does not follow that. */
    public static String patientOf(String slideName) {
        Matcher m = SLIDE.matcher(slideName);
        return m.matches() ? m.group(1) : null;
    }

    /**
     * Slide names that are the same node of the same patient ({@code patient_000_node_1.tif} and
     * {@code patient_000_node_1.svs}), each group sorted; names that do not say their patient are left out.
     */
    public static List<List<String>> sameNodes(Collection<String> slideNames) {
        Map<String, List<String>> byNode = new TreeMap<>();
        for (String name : slideNames) {
            Matcher m = SLIDE.matcher(name);
            if (m.matches()) {
                byNode.computeIfAbsent(m.group(1) + "_node_" + m.group(2).replaceFirst("^0+(?=\\d)", ""),
                        k -> new ArrayList<>())
                        .add(name);
            }
        }
        return byNode.values().stream().filter(names -> names.size() > 1).map(names -> names.stream().sorted()
                .toList()).toList();
    }

    /** What is wrong with slides that are one node, and what to do. */
    static String sameNode(List<String> names) {
        return String.join(" and ", names) + " are the same node of patient " + patientOf(names.get(0))
                + ": counted twice, a positive node could change the stage; keep one";
    }

    /**
     * What is unusual but not wrong: patients with more than {@value #NODES_PER_PATIENT} nodes (Camelyon17's count),
     * usually slides named after the wrong patient or node, each naming the patient and its slides.
     */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        slidesByPatient().forEach((patient, names) -> {
            if (names.size() > NODES_PER_PATIENT) {
                warnings.add(patient + " has " + names.size() + " nodes, Camelyon17 patients have "
                        + NODES_PER_PATIENT + " (" + String.join(", ", names) + "): check the slide names");
            }
        });
        return warnings;
    }

    /** Slide labels by slide file name, sorted by name. */
    public Map<String, SlideLabel> slideLabels() {
        return slides;
    }

    /** The stages the table states in patient rows, sorted by patient. */
    public Map<String, PnStage> patientRows() {
        return patientRows;
    }

    /** Every patient's stage, sorted by patient: its patient row, or else what its slides give. */
    public Map<String, PnStage> stages() {
        Map<String, PnStage> stages = new TreeMap<>();
        slidesByPatient().forEach((patient, names) ->
                stages.put(patient, PnStage.of(names.stream().map(slides::get).toList())));
        stages.putAll(patientRows);
        return Collections.unmodifiableMap(stages);
    }

    /** Slide names by patient, both sorted. */
    public Map<String, List<String>> slidesByPatient() {
        Map<String, List<String>> byPatient = new TreeMap<>();
        slides.keySet().forEach(name -> byPatient.computeIfAbsent(patientOf(name), p -> new ArrayList<>()).add(name));
        return Collections.unmodifiableMap(byPatient);
    }

    /** The whole table in Camelyon17's format: header, then each patient's row followed by its slides' rows. */
    public String toCsv() {
        return csv(true);
    }

    /** Header and patient rows only ({@code patient_000.zip,pN1}). */
    public String toPatientCsv() {
        return csv(false);
    }

    private String csv(boolean withSlides) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        Map<String, List<String>> byPatient = slidesByPatient();
        stages().forEach((patient, stage) -> {
            csv.append(Csv.quote(patient + ZIP)).append(',').append(stage.csvName()).append('\n');
            for (String slide : withSlides ? byPatient.getOrDefault(patient, List.of()) : List.<String>of()) {
                csv.append(Csv.quote(slide)).append(',').append(slides.get(slide).csvName()).append('\n');
            }
        });
        return csv.toString();
    }

    /** Writes {@link #toCsv()}, replacing the file in one step. */
    public void write(Path file) {
        AtomicFiles.writeString(file, toCsv());
    }

    private static String unnamedPatient(String slide) {
        return "slide '" + slide + "' does not name its patient: slides are named PATIENT_node_N.tif"
                + " (e.g. patient_000_node_0.tif) and patients PATIENT.zip";
    }
}
