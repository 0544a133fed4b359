package io.histoscale.dataset;

import io.histoscale.core.UserException;
import io.histoscale.dataset.folder.ImageFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SplitsTest {

    /** Labels and provenance only; no pixels are needed to split. */
    record Cohort(List<SlideEntry> slides, int[] slideOf, int[] labels) implements PatchSource {
        /**
         * 40 patients with 1-3 slides each from 5 centres; patients 0-7 have tumour patches, the rest only normal
         * ones; 5-40 patches per slide.
         */
        static Cohort make() {
            SplittableRandom random = new SplittableRandom(1);
            List<SlideEntry> slides = new ArrayList<>();
            List<Integer> slideOf = new ArrayList<>(), labels = new ArrayList<>();
            for (int p = 0; p < 40; p++) {
                int slideCount = 1 + random.nextInt(3);
                for (int s = 0; s < slideCount; s++) {
                    slides.add(new SlideEntry("patient" + p + "-slide" + s, "patient" + p, "centre" + p % 5, 0.25));
                    int patches = 5 + random.nextInt(36);
                    for (int k = 0; k < patches; k++) {
                        slideOf.add(slides.size() - 1);
                        labels.add(p < 8 && k % 3 == 0 ? 1 : 0);
                    }
                }
            }
            return new Cohort(slides, slideOf.stream().mapToInt(i -> i).toArray(), labels.stream().mapToInt(i -> i).toArray());
        }

        public long size() { return slideOf.length; }
        public int width() { return 1; }
        public int height() { return 1; }
        public int channels() { return 1; }
        public List<String> labelNames() { return List.of("normal", "tumour"); }
        public int label(long i) { return labels[(int) i]; }
        public int slideIndex(long i) { return slideOf[(int) i]; }
        public PatchInfo info(long i) { throw new UnsupportedOperationException(); }
        public void read(long i, ByteBuffer dst) { throw new UnsupportedOperationException(); }
    }

    private static final Cohort COHORT = Cohort.make();

    @ParameterizedTest
    @EnumSource(GroupBy.class)
    void noGroupIsInTwoPartsAndEveryPatchIsInOne(GroupBy by) {
        Splits.Split split = Splits.by(by).fractions(0.6, 0.2, 0.2).seed(11).split(COHORT);
        List<Splits.Part> parts = List.of(split.train(), split.val(), split.test());
        for (int a = 0; a < 3; a++) {
            assertThat(groupsOf(parts.get(a), by)).isEqualTo(Set.copyOf(parts.get(a).groups()));
            for (int b = a + 1; b < 3; b++) assertThat(groupsOf(parts.get(a), by)).doesNotContainAnyElementsOf(groupsOf(parts.get(b), by));
        }
        long[] all = parts.stream().flatMapToLong(p -> Arrays.stream(p.indices())).sorted().toArray();
        assertThat(all).isEqualTo(LongStream.range(0, COHORT.size()).toArray());
    }

    @Test
    void fractionsCountGroupsAndEveryPartHoldsBothClasses() {
        Splits.Split split = Splits.by(GroupBy.PATIENT).fractions(0.7, 0.15, 0.15).seed(5).split(COHORT);
        assertThat(split.train().groups()).hasSize(28);
        assertThat(split.val().groups()).hasSize(6);
        assertThat(split.test().groups()).hasSize(6);
        for (Splits.Part part : List.of(split.train(), split.val(), split.test())) {
            assertThat(Arrays.stream(part.indices()).mapToInt(COHORT::label).distinct().sorted().toArray()).containsExactly(0, 1);
        }
    }

    @Test
    void withoutStratificationARarePositiveClassCanBeMissing() {
        // Only 8 of 40 patients have tumour: some seed leaves a part without any; stratification never does.
        boolean someMissing = false;
        for (long seed = 0; seed < 20; seed++) {
            Splits.Split plain = Splits.by(GroupBy.PATIENT).fractions(0.7, 0.15, 0.15).seed(seed).stratify(false).split(COHORT);
            Splits.Split stratified = Splits.by(GroupBy.PATIENT).fractions(0.7, 0.15, 0.15).seed(seed).split(COHORT);
            someMissing |= !hasTumour(plain.val()) || !hasTumour(plain.test());
            assertThat(hasTumour(stratified.val()) && hasTumour(stratified.test())).isTrue();
        }
        assertThat(someMissing).isTrue();
    }

    @Test
    void theSeedDecidesTheSplit() {
        Splits splits = Splits.by(GroupBy.SLIDE).seed(99);
        assertThat(splits.split(COHORT).test().groups()).isEqualTo(Splits.by(GroupBy.SLIDE).seed(99).split(COHORT).test().groups());
        assertThat(splits.split(COHORT).test().groups()).isNotEqualTo(Splits.by(GroupBy.SLIDE).seed(100).split(COHORT).test().groups());
    }

    @Test
    void kFoldValidatesEveryGroupOnce() {
        List<Splits.Fold> folds = Splits.by(GroupBy.PATIENT).seed(3).kFold(COHORT, 5);
        assertThat(folds).hasSize(5);
        List<String> validated = new ArrayList<>();
        for (Splits.Fold fold : folds) {
            assertThat(fold.val().groups()).hasSize(8);
            assertThat(groupsOf(fold.train(), GroupBy.PATIENT)).doesNotContainAnyElementsOf(groupsOf(fold.val(), GroupBy.PATIENT));
            assertThat(fold.train().size() + fold.val().size()).isEqualTo(COHORT.size());
            assertThat(hasTumour(fold.val())).isTrue();
            validated.addAll(fold.val().groups());
        }
        assertThat(validated).doesNotHaveDuplicates().hasSize(40);
    }

    @Test
    void tooFewGroupsIsAUserError() {
        assertThatThrownBy(() -> Splits.by(GroupBy.CENTRE).kFold(COHORT, 6))
                .isInstanceOf(UserException.class).hasMessageContaining("Only 5 centre");
        assertThatThrownBy(() -> Splits.by(GroupBy.CENTRE).fractions(0.5, 0.5, 0.5))
                .isInstanceOf(UserException.class);
    }

    @Test
    void splitsTheCamelyon16PatchesBySlide() {
        Path dir = Path.of(System.getProperty("histoscale.shared.data", "../shared/data"), "camelyon16-patches-didsr");
        assumeTrue(Files.isDirectory(dir), "shared data absent: " + dir);
        ImageFolder folder = ImageFolder.open(dir, 64);
        Splits.Split split = Splits.by(GroupBy.SLIDE).split(folder);
        assertThat(split.train().groups()).hasSize(1);
        assertThat(split.val().groups()).hasSize(1);
        assertThat(split.test().groups()).hasSize(1);
        assertThat(split.train().size() + split.val().size() + split.test().size()).isEqualTo(57);
        List<Splits.Fold> folds = Splits.by(GroupBy.SLIDE).kFold(folder, 3);
        assertThat(folds.stream().flatMap(f -> f.val().groups().stream()))
                .containsExactlyInAnyOrder("tumor_001", "tumor_004", "tumor_064");
    }

    private static boolean hasTumour(Splits.Part part) {
        return Arrays.stream(part.indices()).anyMatch(i -> COHORT.label(i) == 1);
    }

    private static Set<String> groupsOf(Splits.Part part, GroupBy by) {
        return Arrays.stream(part.indices()).mapToObj(i -> COHORT.group(i, by)).collect(Collectors.toCollection(HashSet::new));
    }
}
