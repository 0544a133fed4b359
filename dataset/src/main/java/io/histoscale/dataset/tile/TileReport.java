package io.histoscale.dataset.tile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a tiling run did: one entry per slide, plus warnings that did not stop anything.
 *
 * @param slides   per-slide outcomes, in the order the slides were given
 * @param warnings e.g. annotation files whose slide was not among those given
 * @param seconds  wall time of the run
 */
public record TileReport(List<SlideResult> slides, List<String> warnings, double seconds) {

    public enum Status { TILED, SKIPPED_DONE, FAILED }

    /**
     * @param patchesPerLabel patches written per class name ("unlabelled" when the store has no classes)
     * @param message         why it failed, or what is worth knowing (e.g. "no annotation: all patches normal")
     */
    public record SlideResult(Path path, String name, Status status, Map<String, Long> patchesPerLabel,
                              String message, double seconds) {
        public long patches() {
            return patchesPerLabel.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public List<SlideResult> failed() {
        return slides.stream().filter(s -> s.status() == Status.FAILED).toList();
    }

    public long patches() {
        return slides.stream().mapToLong(SlideResult::patches).sum();
    }

    public Map<String, Long> patchesPerLabel() {
        Map<String, Long> total = new TreeMap<>();
        slides.forEach(s -> s.patchesPerLabel().forEach((k, v) -> total.merge(k, v, Long::sum)));
        return total;
    }

    public double patchesPerSecond() {
        return seconds > 0 ? patches() / seconds : 0;
    }

    public long count(Status status) {
        return slides.stream().filter(s -> s.status() == status).count();
    }
}
