package io.histoscale.train;

import io.histoscale.dataset.GroupBy;
import io.histoscale.dataset.PatchSource;
import io.histoscale.train.data.Seeds;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/** The labelled patches of named groups (patients, slides or centres), as a run's split lists them. */
final class Groups {

    private Groups() {
    }

    /** Labelled patches whose group is one of {@code groups}, ascending. */
    static long[] indices(PatchSource source, GroupBy by, Collection<String> groups) {
        Set<String> wanted = new HashSet<>(groups);
        List<Boolean> slideWanted = source.slides().stream().map(s -> wanted.contains(by.of(s))).toList();
        return LongStream.range(0, source.size())
                .filter(i -> slideWanted.get(source.slideIndex(i)) && source.label(i) >= 0)
                .toArray();
    }

    /** The validation patches: all of the groups', or a fixed random subset of {@code limit} (> 0) of them. */
    static long[] validation(PatchSource source, GroupBy by, Collection<String> groups, int limit, long seed) {
        long[] all = indices(source, by, groups);
        if (limit <= 0 || all.length <= limit) {
            return all;
        }
        SplittableRandom random = Seeds.random(seed, Seeds.VALIDATION_SUBSET);
        for (int i = 0; i < limit; i++) {
            int j = i + random.nextInt(all.length - i);
            long t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        long[] subset = Arrays.copyOf(all, limit);
        Arrays.sort(subset);
        return subset;
    }
}
