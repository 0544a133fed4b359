package io.histoscale.dataset;

import io.histoscale.core.UserException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Deterministic splits of a {@link PatchSource} by patient, slide or centre: every group (all patches of one patient,
 * say) lands in exactly one part, so no patient's tissue is both trained on and tested on.
 *
 * <pre>{@code
 * Splits.Split split = Splits.by(GroupBy.PATIENT).fractions(0.7, 0.15, 0.15).seed(42).split(store);
 * List<Splits.Fold> folds = Splits.by(GroupBy.SLIDE).seed(7).kFold(store, 5);
 * }</pre>
 *
 * <p>Fractions count groups, not patches. With stratification (the default) groups are dealt out rarest class first,
 * so each part with a non-zero fraction gets groups holding every class whenever there are enough such groups. The
 * same seed and groups give the same split, whatever order the source lists its patches in.
 */
public final class Splits {
    private final GroupBy groupBy;
    private double[] fractions = {0.7, 0.15, 0.15};
    private long seed = 42;
    private boolean stratify = true;

    private Splits(GroupBy groupBy) {
        this.groupBy = groupBy;
    }

    /** Patches of one group, and the group names, of one part of a split. */
    public record Part(List<String> groups, long[] indices) {
        public long size() {
            return indices.length;
        }
    }

    public record Split(Part train, Part val, Part test) {
    }

    /** Fold {@code number} (from 0): validate on {@code val}, train on the other folds. */
    public record Fold(int number, Part train, Part val) {
    }

    public static Splits by(GroupBy groupBy) {
        return new Splits(groupBy);
    }

    /** Shares of the groups for train, validation and test (default 0.7, 0.15, 0.15); each ≥ 0, summing to 1. */
    public Splits fractions(double train, double val, double test) {
        double sum = train + val + test;
        if (train < 0 || val < 0 || test < 0 || Math.abs(sum - 1) > 1e-6 || train == 0) {
            throw new UserException("Split fractions must be non-negative, give training a share and sum to 1; got "
                    + train + ", " + val + ", " + test + ".");
        }
        this.fractions = new double[]{train, val, test};
        return this;
    }

    public Splits seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Whether to spread every class over the parts (default true). */
    public Splits stratify(boolean stratify) {
        this.stratify = stratify;
        return this;
    }

    public Split split(PatchSource source) {
        Groups groups = Groups.of(source, groupBy);
        int[] partOfGroup = deal(groups, fractions);
        Part[] parts = groups.parts(partOfGroup, 3);
        return new Split(parts[0], parts[1], parts[2]);
    }

    /** {@code k} folds: every group is validated on in exactly one fold. */
    public List<Fold> kFold(PatchSource source, int k) {
        if (k < 2) throw new UserException("Cross-validation needs at least 2 folds, not " + k + ".");
        Groups groups = Groups.of(source, groupBy);
        double[] equal = new double[k];
        Arrays.fill(equal, 1.0 / k);
        int[] foldOfGroup = deal(groups, equal);
        List<Fold> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            int[] valOrTrain = new int[foldOfGroup.length];
            for (int g = 0; g < foldOfGroup.length; g++) valOrTrain[g] = foldOfGroup[g] == f ? 1 : 0;
            Part[] parts = groups.parts(valOrTrain, 2);
            folds.add(new Fold(f, parts[0], parts[1]));
        }
        return folds;
    }

    /**
     * Assigns each group a part. Groups are shuffled by the seed, then taken stratum by stratum (rarest class first),
     * each stratum apportioned so that the running group counts of the parts follow the fractions, giving every part
     * one group of the stratum first when the stratum has enough, and never leaving a part empty.
     */
    private int[] deal(Groups groups, double[] shares) {
        int parts = shares.length;
        long wanted = Arrays.stream(shares).filter(f -> f > 0).count();
        int n = groups.names.size();
        if (n < wanted) {
            throw new UserException("Only " + n + " " + groupBy.name().toLowerCase() + " group(s) for " + wanted
                    + " non-empty parts; use fewer parts or more data.");
        }
        List<Integer> order = new ArrayList<>();
        for (int g = 0; g < n; g++) order.add(g);
        Collections.shuffle(order, new Random(seed));
        Map<Integer, List<Integer>> strata = new TreeMap<>();
        int[] stratumOf = stratify ? groups.rarestClass() : new int[n];
        for (int g : order) strata.computeIfAbsent(stratumOf[g], s -> new ArrayList<>()).add(g);

        int[] partOf = new int[n];
        int[] assigned = new int[parts];
        int total = 0;
        for (List<Integer> stratum : strata.values()) {
            int size = stratum.size();
            int[] take = new int[parts];
            double[] need = new double[parts];
            for (int p = 0; p < parts; p++) need[p] = shares[p] * (total + size) - assigned[p];
            int given = 0;
            if (size >= wanted) {
                for (int p = 0; p < parts; p++) {
                    if (shares[p] > 0) {
                        take[p] = 1;
                        given++;
                    }
                }
            }
            for (; given < size; given++) {
                int best = -1;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int p = 0; p < parts; p++) {
                    // Parts still without any group come first, so that none ends up empty.
                    double score = need[p] - take[p] + (assigned[p] + take[p] == 0 ? n : 0);
                    if (shares[p] > 0 && score > bestScore) {
                        best = p;
                        bestScore = score;
                    }
                }
                take[best]++;
            }
            int next = 0;
            for (int p = 0; p < parts; p++) {
                for (int t = 0; t < take[p]; t++) partOf[stratum.get(next++)] = p;
                assigned[p] += take[p];
            }
            total += size;
        }
        return partOf;
    }

    /** Patches bucketed by group; groups numbered in name order so that the seed alone decides the shuffle. */
    private record Groups(List<String> names, long[][] members, int[][] classCounts) {

        static Groups of(PatchSource source, GroupBy by) {
            List<SlideEntry> slides = source.slides();
            TreeMap<String, Integer> byName = new TreeMap<>();
            for (SlideEntry slide : slides) byName.put(by.of(slide), 0);
            List<String> names = new ArrayList<>(byName.keySet());
            for (int g = 0; g < names.size(); g++) byName.put(names.get(g), g);
            int[] groupOfSlide = slides.stream().mapToInt(s -> byName.get(by.of(s))).toArray();

            int classes = source.labelNames().size();
            long[] count = new long[names.size()];
            int[][] classCounts = new int[names.size()][classes];
            int[] groupOfPatch = new int[Math.toIntExact(source.size())];
            for (int i = 0; i < groupOfPatch.length; i++) {
                int g = groupOfSlide[source.slideIndex(i)];
                groupOfPatch[i] = g;
                count[g]++;
                int label = source.label(i);
                if (label >= 0) classCounts[g][label]++;
            }
            // Slides without patches make no group.
            List<String> present = new ArrayList<>();
            int[] renumber = new int[names.size()];
            for (int g = 0; g < names.size(); g++) {
                renumber[g] = count[g] > 0 ? present.size() : -1;
                if (count[g] > 0) present.add(names.get(g));
            }
            long[][] members = new long[present.size()][];
            int[][] presentCounts = new int[present.size()][];
            for (int g = 0; g < names.size(); g++) {
                if (renumber[g] < 0) continue;
                members[renumber[g]] = new long[(int) count[g]];
                presentCounts[renumber[g]] = classCounts[g];
            }
            int[] filled = new int[present.size()];
            for (int i = 0; i < groupOfPatch.length; i++) {
                int g = renumber[groupOfPatch[i]];
                members[g][filled[g]++] = i;
            }
            return new Groups(present, members, presentCounts);
        }

        /** Per group, the class it holds that the fewest groups hold (-1 for unlabelled groups, dealt last). */
        int[] rarestClass() {
            int classes = classCounts.length == 0 ? 0 : classCounts[0].length;
            int[] groupsWithClass = new int[classes];
            for (int[] counts : classCounts) {
                for (int c = 0; c < classes; c++) if (counts[c] > 0) groupsWithClass[c]++;
            }
            Integer[] byRarity = new Integer[classes];
            for (int c = 0; c < classes; c++) byRarity[c] = c;
            Arrays.sort(byRarity, Comparator.comparingInt((Integer c) -> groupsWithClass[c]).thenComparingInt(c -> c));
            int[] rank = new int[classes];
            for (int r = 0; r < classes; r++) rank[byRarity[r]] = r;
            int[] stratum = new int[classCounts.length];
            for (int g = 0; g < classCounts.length; g++) {
                stratum[g] = Integer.MAX_VALUE;
                for (int c = 0; c < classes; c++) if (classCounts[g][c] > 0) stratum[g] = Math.min(stratum[g], rank[c]);
            }
            return stratum;
        }

        Part[] parts(int[] partOfGroup, int parts) {
            List<List<String>> groupNames = new ArrayList<>();
            int[] sizes = new int[parts];
            for (int p = 0; p < parts; p++) groupNames.add(new ArrayList<>());
            for (int g = 0; g < names.size(); g++) {
                groupNames.get(partOfGroup[g]).add(names.get(g));
                sizes[partOfGroup[g]] += members[g].length;
            }
            Part[] result = new Part[parts];
            for (int p = 0; p < parts; p++) {
                long[] indices = new long[sizes[p]];
                int at = 0;
                for (int g = 0; g < names.size(); g++) {
                    if (partOfGroup[g] != p) continue;
                    System.arraycopy(members[g], 0, indices, at, members[g].length);
                    at += members[g].length;
                }
                Arrays.sort(indices);
                result[p] = new Part(List.copyOf(groupNames.get(p)), indices);
            }
            return result;
        }
    }
}
