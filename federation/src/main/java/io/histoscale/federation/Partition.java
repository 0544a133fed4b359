package io.histoscale.federation;

import io.histoscale.core.UserException;
import io.histoscale.dataset.GroupBy;
import io.histoscale.dataset.PatchSource;
import io.histoscale.dataset.PositiveClass;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;

/**
 * How an experiment's patches are spread over simulated sites and a held-out test set, deterministically from a seed.
 * Groups (patients, slides or centres) are never split between sites. The test set is either whole groups held out
 * before the sites get theirs, or, with {@code testWithinSites} (when there are too few groups, e.g. three slides for
 * three sites), a stratified share of every site's patches.
 *
 * <p>Skews make the sites differ (non-IID): {@code label} deals the groups sorted by their tumour share, so some
 * sites hold mostly tumour and others mostly normal tissue; {@code size} gives the sites about 3 : 2 : 1 ... of the
 * groups.
 *
 * @param sites   each site's patch indices, ascending
 * @param test    held-out patch indices, ascending
 * @param groups  each site's groups
 */
public record Partition(List<long[]> sites, long[] test, List<List<String>> groups) {

    public enum Skew { NONE, LABEL, SIZE }

    /** All sites' patches together: what the centrally hosted baseline trains on. */
    public long[] pooled() {
        return sites.stream().flatMapToLong(LongStream::of).sorted().toArray();
    }

    /**
     * Spreads labelled patches over {@code count} sites.
     *
     * @param positiveClass the class label skew counts ({@link PositiveClass}: null for the rule)
     *
     * @throws UserException when there are fewer groups than sites (plus one for the test set)
     */
    public static Partition of(PatchSource source, String positiveClass, int count, GroupBy by, double testFraction,
                               Skew skew, boolean testWithinSites, long seed) {
        Map<String, List<Long>> byGroup = new TreeMap<>();
        for (long i = 0; i < source.size(); i++) {
            if (source.label(i) >= 0) {
                byGroup.computeIfAbsent(source.group(i, by), g -> new ArrayList<>()).add(i);
            }
        }
        List<String> names = new ArrayList<>(byGroup.keySet());
        SplittableRandom random = new SplittableRandom(seed);
        shuffle(names, random);
        int positive = PositiveClass.of(positiveClass, source.labelNames()).index();
        List<String> testGroups = new ArrayList<>();
        if (!testWithinSites) {
            int held = Math.max(1, (int) Math.round(testFraction * names.size()));
            if (names.size() - held < count) {
                throw new UserException("only " + names.size() + " " + by.name().toLowerCase() + " group(s) for "
                        + count + " sites and a held-out test set: use fewer sites, another --split, or "
                        + "test_within_sites");
            }
            // hold out groups in shuffled order, alternating groups with and without tumour so both classes are tested
            List<String> order = new ArrayList<>(names);
            shuffle(order, new SplittableRandom(seed + 1));
            testGroups.addAll(pickBalanced(order, byGroup, source, positive, held));
            names.removeAll(testGroups);
        } else if (names.size() < count) {
            throw new UserException("only " + names.size() + " " + by.name().toLowerCase() + " group(s) for " + count
                    + " sites: use fewer sites or another --split");
        }
        if (skew == Skew.LABEL) {
            names.sort(Comparator.comparingDouble(g -> share(byGroup.get(g), source, positive)));
        }
        List<List<String>> siteGroups = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            siteGroups.add(new ArrayList<>());
        }
        if (skew == Skew.NONE) {
            for (int g = 0; g < names.size(); g++) {
                siteGroups.get(g % count).add(names.get(g));
            }
        } else {
            // contiguous runs: by label share (LABEL) or of decreasing length 3:2:1... (SIZE)
            double[] weights = new double[count];
            for (int s = 0; s < count; s++) {
                weights[s] = skew == Skew.SIZE ? count - s : 1;
            }
            double total = Arrays.stream(weights).sum();
            int at = 0;
            double cumulative = 0;
            for (int s = 0; s < count; s++) {
                cumulative += weights[s];
                int end = s == count - 1 ? names.size()
                        : Math.max(at + 1, Math.min(names.size() - (count - 1 - s),
                        (int) Math.round(cumulative / total * names.size())));
                siteGroups.get(s).addAll(names.subList(at, end));
                at = end;
            }
        }
        List<long[]> sites = new ArrayList<>();
        List<Long> test = new ArrayList<>();
        testGroups.forEach(g -> test.addAll(byGroup.get(g)));
        for (List<String> groups : siteGroups) {
            List<Long> patches = new ArrayList<>();
            groups.forEach(g -> patches.addAll(byGroup.get(g)));
            if (testWithinSites) {
                long[][] parts = holdOut(source, patches.stream().mapToLong(Long::longValue).sorted().toArray(),
                        testFraction, seed + sites.size());
                sites.add(parts[0]);
                for (long i : parts[1]) {
                    test.add(i);
                }
            } else {
                sites.add(patches.stream().mapToLong(Long::longValue).sorted().toArray());
            }
        }
        return new Partition(sites, test.stream().mapToLong(Long::longValue).sorted().toArray(), siteGroups);
    }

    /**
     * Splits patches into {kept, held out}: {@code fraction} of each class held out at random (at least one of each
     * class with two or more patches).
     */
    public static long[][] holdOut(PatchSource source, long[] patches, double fraction, long seed) {
        Map<Integer, List<Long>> byClass = new TreeMap<>();
        for (long i : patches) {
            byClass.computeIfAbsent(source.label(i), c -> new ArrayList<>()).add(i);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Long> kept = new ArrayList<>();
        List<Long> held = new ArrayList<>();
        for (List<Long> members : byClass.values()) {
            shuffle(members, random);
            int n = members.size() < 2 || fraction <= 0 ? 0
                    : Math.max(1, (int) Math.round(fraction * members.size()));
            held.addAll(members.subList(0, n));
            kept.addAll(members.subList(n, members.size()));
        }
        return new long[][]{kept.stream().mapToLong(Long::longValue).sorted().toArray(),
                held.stream().mapToLong(Long::longValue).sorted().toArray()};
    }

    /** {@code n} groups from {@code order}, alternating between mostly-tumour and mostly-normal ones while both last. */
    private static List<String> pickBalanced(List<String> order, Map<String, List<Long>> byGroup, PatchSource source,
                                             int positive, int n) {
        Map<Boolean, List<String>> kinds = new LinkedHashMap<>();
        for (String g : order) {
            kinds.computeIfAbsent(share(byGroup.get(g), source, positive) > 0, k -> new ArrayList<>()).add(g);
        }
        List<String> picked = new ArrayList<>();
        boolean tumour = true;
        while (picked.size() < n) {
            List<String> from = kinds.getOrDefault(tumour, List.of());
            List<String> other = kinds.getOrDefault(!tumour, List.of());
            if (!from.isEmpty()) {
                picked.add(from.remove(0));
            } else if (!other.isEmpty()) {
                picked.add(other.remove(0));
            } else {
                break;
            }
            tumour = !tumour;
        }
        return picked;
    }

    private static double share(List<Long> patches, PatchSource source, int positive) {
        return patches.stream().filter(i -> source.label(i) == positive).count() / (double) patches.size();
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
