package io.histoscale.registry;

import io.histoscale.core.UserException;

import java.time.Instant;
import java.util.Set;

/**
 * Which runs {@link RunQueries} lists or counts: every condition given must hold, and a filter with none matches every
 * run. Lists are newest first (by creation time, then id) and paged with {@code limit} and {@code offset}; counts
 * ignore the paging. Build with {@code RunFilter.builder().optKind("train").optStatus(RunStatus.FAILED).build()}.
 *
 * @param kind          runs of this kind ({@code tile}, {@code train}, {@code federate site}, …), or null for any
 * @param statuses      runs in one of these statuses; empty for any
 * @param user          runs recorded by this operating-system user, or null for any
 * @param createdFrom   runs created at or after this instant, or null
 * @param createdBefore runs created before this instant, or null
 * @param text          runs whose id, or one of whose command-line arguments, contains this text (ignoring case), or
 *                      null
 * @param limit         at most this many runs in a list (default {@value #DEFAULT_LIMIT})
 * @param offset        runs of the list to skip first (default 0)
 */
public record RunFilter(String kind, Set<RunStatus> statuses, String user, Instant createdFrom, Instant createdBefore,
                        String text, int limit, int offset) {

    public static final int DEFAULT_LIMIT = 100;

    public RunFilter {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        if (limit < 0) throw UserException.forKey("limit", limit + ": give 0 or more runs");
        if (offset < 0) throw UserException.forKey("offset", offset + ": give 0 or more runs to skip");
        if (createdFrom != null && createdBefore != null && !createdFrom.isBefore(createdBefore)) {
            throw UserException.forKey("created", "from " + createdFrom + " is not before " + createdBefore
                    + ": give an earlier start or a later end");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String kind;
        private Set<RunStatus> statuses = Set.of();
        private String user;
        private Instant createdFrom;
        private Instant createdBefore;
        private String text;
        private int limit = DEFAULT_LIMIT;
        private int offset;

        private Builder() {
        }

        public Builder optKind(String kind) {
            this.kind = blankToNull(kind);
            return this;
        }

        /** Runs in any of these statuses (none: any status). */
        public Builder optStatus(RunStatus... statuses) {
            this.statuses = Set.of(statuses);
            return this;
        }

        public Builder optUser(String user) {
            this.user = blankToNull(user);
            return this;
        }

        /** Runs created in {@code [from, before)}; either end may be null for no bound. */
        public Builder optCreatedBetween(Instant from, Instant before) {
            this.createdFrom = from;
            this.createdBefore = before;
            return this;
        }

        public Builder optText(String text) {
            this.text = blankToNull(text);
            return this;
        }

        public Builder optLimit(int limit) {
            this.limit = limit;
            return this;
        }

        public Builder optOffset(int offset) {
            this.offset = offset;
            return this;
        }

        public RunFilter build() {
            return new RunFilter(kind, statuses, user, createdFrom, createdBefore, text, limit, offset);
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }
}
