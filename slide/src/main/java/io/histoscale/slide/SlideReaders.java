package io.histoscale.slide;

import io.histoscale.core.UserException;
import io.histoscale.slide.SlideReaderProvider.Support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The slide readers at hand and how to choose among them: the one whose {@link SlideReaderProvider#probe probe} is
 * best, then the next when it finds the file is not one it reads. Only this class knows which readers are available,
 * so it is the one that tells the user about a missing one.
 */
final class SlideReaders {

    private final List<SlideReaderProvider> providers;

    /** @param providers with distinct backend names; ties in support go to the first name in alphabetical order */
    SlideReaders(Collection<? extends SlideReaderProvider> providers) {
        this.providers = providers.stream().sorted(Comparator.comparing(p -> p.backend().name()))
                .map(SlideReaderProvider.class::cast).toList();
        Set<SlideBackend> seen = new HashSet<>();
        for (SlideReaderProvider p : this.providers) {
            if (!seen.add(p.backend())) {
                throw new IllegalStateException("Two slide readers are registered as backend " + p.backend());
            }
        }
    }

    /** The providers registered in {@code META-INF/services/io.histoscale.slide.SlideReaderProvider}. */
    static SlideReaders discover() {
        List<SlideReaderProvider> found = new ArrayList<>();
        ServiceLoader.load(SlideReaderProvider.class, SlideReaders.class.getClassLoader()).forEach(found::add);
        if (found.isEmpty()) {
            throw new IllegalStateException("No slide reader is registered in META-INF/services/"
                    + SlideReaderProvider.class.getName());
        }
        return new SlideReaders(found);
    }

    /** All providers, available or not, by backend name. */
    List<SlideReaderProvider> providers() {
        return providers;
    }

    /** Opens {@code path} with the available reader that reads it best. */
    Slide open(Path path) {
        AbstractSlide.checkFile(path);
        List<SlideReaderProvider> candidates = providers.stream().filter(SlideReaderProvider::available)
                .map(p -> Map.entry(p, p.probe(path))).filter(probed -> probed.getValue() != Support.NONE)
                .sorted(Map.Entry.<SlideReaderProvider, Support>comparingByValue().reversed()) // stable: ties by name
                .map(Map.Entry::getKey).toList();
        if (candidates.isEmpty()) {
            throw notReadable(path);
        }
        UnsupportedSlideException first = null;
        for (SlideReaderProvider p : candidates) {
            try {
                return p.open(path);
            } catch (UnsupportedSlideException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        throw withHints(first, path, candidates);
    }

    /** Opens {@code path} with the reader of that backend name. */
    Slide open(Path path, String backend) {
        SlideReaderProvider provider = providers.stream().filter(p -> p.backend().name().equals(backend)).findFirst()
                .orElseThrow(() -> new UserException("Unknown slide backend '" + backend + "': the backends are "
                        + providers.stream().map(p -> p.backend().name() + (p.available() ? "" : " (not available)"))
                        .collect(Collectors.joining(", ")) + "."));
        AbstractSlide.checkFile(path);
        if (!provider.available()) {
            throw new UserException(path + " cannot be read with backend " + backend + ": "
                    + provider.unavailableReason().orElseThrow() + "." + hints(path, List.of(provider)));
        }
        try {
            return provider.open(path);
        } catch (UnsupportedSlideException e) {
            throw withHints(e, path, List.of(provider));
        }
    }

    /** No available reader probed the file as one it reads. */
    private UnsupportedSlideException notReadable(Path path) {
        List<SlideReaderProvider> available = providers.stream().filter(SlideReaderProvider::available).toList();
        StringBuilder message = new StringBuilder(path + " is not a slide any backend here reads"
                + AbstractSlide.describeContent(path).map(kind -> ": it is " + kind).orElse("") + ".");
        if (!available.isEmpty()) {
            message.append(available.stream().map(p -> "backend " + p.backend() + " reads " + p.formats())
                            .collect(Collectors.joining("; ", " The ", ".")))
                    .append(" If the file is one of these, it is probably truncated or corrupt: copy it again.");
        }
        return new UnsupportedSlideException(message + hints(path, available));
    }

    /** The error of the reader(s) tried, with what the other readers could do. */
    private UnsupportedSlideException withHints(UnsupportedSlideException e, Path path,
                                                List<SlideReaderProvider> tried) {
        String hints = hints(path, tried);
        return hints.isEmpty() ? e : new UnsupportedSlideException(e.getMessage() + hints, e);
    }

    /**
     * What readers other than {@code tried} offer for {@code path}: an available one that recognises it, or one that
     * is missing here and why; empty when there is nothing to say.
     */
    private String hints(Path path, List<SlideReaderProvider> tried) {
        StringBuilder hints = new StringBuilder();
        for (SlideReaderProvider p : providers) {
            if (tried.contains(p)) {
                continue;
            }
            if (!p.available()) {
                hints.append(" Backend ").append(p.backend()).append(", which reads ").append(p.formats())
                        .append(", is not available: ").append(p.unavailableReason().orElseThrow()).append('.');
            } else {
                switch (p.probe(path)) {
                    case RECOGNISED -> hints.append(" Backend ").append(p.backend())
                            .append(" recognises the file: open it with that backend.");
                    case POSSIBLE -> hints.append(" Backend ").append(p.backend())
                            .append(" may read the file: try that backend.");
                    case NONE -> {
                    }
                }
            }
        }
        return hints.toString();
    }
}
