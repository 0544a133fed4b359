package io.histoscale.slide.annotation;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which annotation class names mean tumour and which mean "not tumour, cut out of it" (compared case-insensitively).
 *
 * <p>The defaults cover Camelyon16 (ASAP groups {@code _0}, {@code _1}, {@code Tumor} are tumour, {@code _2} and
 * {@code Exclusion} are exclusions), NCRF JSON ({@code positive} / {@code negative}) and usual QuPath class names.
 */
public record AnnotationClasses(Set<String> tumour, Set<String> exclusion) {

    public static final AnnotationClasses DEFAULT = of(
            Set.of("tumor", "tumour", "metastasis", "metastases", "carcinoma", "_0", "_1", "positive"),
            Set.of("exclusion", "_2", "negative"));

    public AnnotationClasses {
        tumour = normalise(tumour);
        exclusion = normalise(exclusion);
    }

    public static AnnotationClasses of(Collection<String> tumour, Collection<String> exclusion) {
        return new AnnotationClasses(Set.copyOf(tumour), Set.copyOf(exclusion));
    }

    public boolean isTumour(String className) {
        return tumour.contains(key(className));
    }

    public boolean isExclusion(String className) {
        return exclusion.contains(key(className));
    }

    private static Set<String> normalise(Set<String> names) {
        return names.stream().map(AnnotationClasses::key).collect(Collectors.toUnmodifiableSet());
    }

    private static String key(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }
}
